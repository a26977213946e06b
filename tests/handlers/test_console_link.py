"""/console on the conversation core: a person gets their own one-time sign-in link on whichever
messenger they asked from; groups and strangers get none."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bootstrap.services import Services
from bootstrap.settings import Settings
from handlers import console, start
from handlers.conversation import Conversation
from handlers.messages import Incoming
from office.directory import add_member
from office.web_signin import SigninError, redeem_link
from storage.audit import AuditEntry
from storage.people import DINGTALK, TELEGRAM, Role

TELEGRAM_ID, DINGTALK_ID = 3101, "manager4521"


@pytest.fixture
def core(db, tmp_path, clock) -> Conversation:  # type: ignore[no-untyped-def]
    settings = Settings(_env_file=None, data_dir=tmp_path, web_public_url="https://oa.example.gov.cn/console")
    with db.transaction() as session:
        add_member(session=session, actor=None, telegram_id=TELEGRAM_ID, name="钱主任",
                   unit="区政府办公室", role=Role.OFFICE)
        add_member(session=session, actor=None, dingtalk_id=DINGTALK_ID, name="孙局长",
                   unit="区财政局", role=Role.UNIT_HEAD)
    return Conversation(Services(settings, db, clock=clock), [start, console])


def send(core: Conversation, channel: str, account: str, *, private: bool = True, update: str = "1") -> str:
    chat = account if private else "group-1"
    response = core.respond(Incoming(channel, chat, private, account, text="/console", update_id=update))
    return "\n".join(reply.text.plain() for reply in response.replies)


def token_of(text: str) -> str:
    match = re.search(r"https://oa\.example\.gov\.cn/console/signin\?token=(\S+)", text)
    assert match, text
    return match.group(1)


@pytest.mark.parametrize(("channel", "account", "name"), [(TELEGRAM, str(TELEGRAM_ID), "钱主任"),
                                                          (DINGTALK, DINGTALK_ID, "孙局长")])
def test_a_private_console_command_signs_in_the_person_who_asked(core, db, clock, channel, account, name):
    token = token_of(send(core, channel, account))

    with db.transaction() as session:
        _, opened = redeem_link(session=session, token=token, now=clock.now())
    assert opened.member.name == name
    with db.transaction() as session, pytest.raises(SigninError, match="已使用过"):
        redeem_link(session=session, token=token, now=clock.now())
    with db.transaction() as session:
        asked = session.scalars(select(AuditEntry).where(AuditEntry.action == "link_created")).one()
        assert (asked.actor_person_id, asked.actor_telegram_id) == (opened.member.person_id, None)


def test_no_link_in_a_group_or_for_a_stranger(core):
    assert "请私聊机器人" in send(core, TELEGRAM, str(TELEGRAM_ID), private=False)
    stranger = send(core, DINGTALK, "nobody7", update="2")
    assert "尚未登记" in stranger and "token=" not in stranger
