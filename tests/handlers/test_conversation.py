"""The conversation core applies an update once and keeps its answer until the adapter has sent it:
a process killed between the commit and the sending sends that answer when the update comes again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bootstrap.services import Services
from bootstrap.settings import Settings
from handlers import deadlines, response_codec
from handlers.conversation import Conversation
from handlers.messages import APPEND, Button, File, Incoming, Notice, Reply, Response, Rich, bold
from office.deadline_rules import DeadlineKind
from office.directory import add_member
from office.reminders import AlertPolicy
from storage.deadlines import Deadline
from storage.people import Role

HEAD = 5001
POLICY = AlertPolicy.from_texts("1d,overdue", "", kinds=[k.value for k in DeadlineKind], timezone="Asia/Shanghai")


@pytest.fixture(autouse=True)
def fixed_policy(monkeypatch):
    monkeypatch.setattr("office.deadlines.alert_policy", lambda: POLICY)


def _services(db, tmp_path, clock) -> Services:  # type: ignore[no-untyped-def]
    return Services(settings=Settings(_env_file=None, data_dir=tmp_path, database_url=db.url), db=db, clock=clock)


def test_every_kind_of_answer_survives_being_stored():
    response = Response(
        [Reply(Rich.of("已登记期限 ", bold("#3")), buttons=((Button("完成", "dl:done:3"), Button("推迟", "dl:snooze:3")),)),
         Reply(Rich.of("✅ 已办结"), edit=APPEND), Reply(Rich.of("这个按钮已失效。"), alert=True)],
        toast="已办结",
        notices=[Notice("-100600", Reply.say("群通知"), attachment="file-1", attachment_caption="合法性审查意见")],
        undelivered="未能通知{names}", delivered="已通知{names}",
    )
    assert response_codec.decode(response_codec.encode(response)) == response
    exported = Response([Reply(Rich.of("议程.docx"), file=File("议程.docx", b"PK\x03\x04\xff\x00"))])
    assert response_codec.decode(response_codec.encode(exported)) == exported


@pytest.mark.clock
def test_an_answer_lost_to_a_kill_is_sent_when_the_update_comes_again(db, tmp_path, clock):
    services = _services(db, tmp_path, clock)
    with db.transaction() as session:
        add_member(session=session, actor=None, telegram_id=HEAD, name="孙局长", unit="区财政局",
                   role=Role.UNIT_HEAD)
    due = (clock.now() + timedelta(days=5)).date()
    command = Incoming("telegram", str(HEAD), True, str(HEAD), text=f"/deadline {due} 17:00 提交整改报告",
                       update_id="9001")

    first = Conversation(services, [deadlines]).respond(command)  # committed; then kill -9 before sending
    restarted = Conversation(services, [deadlines])
    again = restarted.respond(command)  # the inbox replays the update after the restart
    restarted.delivered(command)
    after_sending = restarted.respond(command)  # a later webhook retry

    assert "已登记期限 #1" in first.replies[0].text.plain()
    assert again == first
    assert after_sending == Response()
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Deadline)) == 1
