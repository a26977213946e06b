"""A notice to a person goes to each channel they are registered on, once per channel, and a notice
for a channel this process does not run is reported as not sent."""

from __future__ import annotations

import asyncio

from bootstrap.services import Services
from bootstrap.settings import Settings
from bot.telegram_flows import send_anywhere
from handlers.messages import Notice, Reply
from handlers.recipients import to_person
from office.directory import add_member
from storage.people import Role


def test_a_person_on_two_channels_gets_one_notice_on_each(db, tmp_path):
    services = Services(settings=Settings(_env_file=None, data_dir=tmp_path, database_url=db.url), db=db)
    with db.transaction() as session:
        both = add_member(session=session, actor=None, telegram_id=1001, dingtalk_id="manager4521",
                          name="王副区长", unit="区政府", role=Role.VICE_MAYOR)
        telegram_only = add_member(session=session, actor=None, telegram_id=1002, name="孙局长",
                                   unit="区财政局", role=Role.UNIT_HEAD)
    reply = Reply.say("请审批:孙局长 出差")
    with db.transaction() as session:
        to_both = to_person(session, person_id=both.person_id, reply=reply)
        to_one = to_person(session, person_id=telegram_only.person_id, reply=reply)
    assert sorted((n.channel, n.chat_id) for n in to_both) == [("dingtalk", "manager4521"), ("telegram", "1001")]
    assert [(n.channel, n.chat_id) for n in to_one] == [("telegram", "1002")]

    sent: list[Notice] = []

    async def dingtalk(notice: Notice) -> bool:
        sent.append(notice)
        return True

    services.outgoing["dingtalk"] = dingtalk
    dingtalk_notice = next(n for n in to_both if n.channel == "dingtalk")
    assert asyncio.run(send_anywhere(None, dingtalk_notice, services))  # type: ignore[arg-type]
    assert sent == [dingtalk_notice]
    del services.outgoing["dingtalk"]
    assert not asyncio.run(send_anywhere(None, dingtalk_notice, services))  # type: ignore[arg-type]
