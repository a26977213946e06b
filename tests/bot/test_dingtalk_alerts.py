"""The DingTalk alert dispatcher against a scripted sender: what each DingTalk outcome leaves in the
outbox (sent once, tried again only when it certainly never left, never stuck in "sending")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.dingtalk.alerts import DingTalkDispatcher
from bot.dingtalk.openapi import DingTalkError
from office.deadline_rules import DeadlineKind
from office.deadlines import add_deadline
from office.directory import add_member
from office.reminders import AlertPolicy
from storage.deadlines import Reminder
from storage.people import Role

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=TZ)
POLICY = AlertPolicy.from_texts("1d", "", kinds=[k.value for k in DeadlineKind], timezone="Asia/Shanghai")
STAFF_ID = "head03"


class ScriptedSender:
    """Sends by the script: an exception to raise, or None for delivered."""

    def __init__(self, *script: BaseException | None) -> None:
        self.script = list(script)
        self.sent: list[tuple[str, str]] = []

    async def send(self, chat_id, reply):  # type: ignore[no-untyped-def]
        outcome = self.script.pop(0) if self.script else None
        if outcome is not None:
            raise outcome
        self.sent.append((chat_id, reply.text.plain()))


@pytest.fixture
def outbox(db):  # type: ignore[no-untyped-def]
    """A DingTalk-only person with a deadline whose 1-day alert is due; the dispatcher a day later."""
    with db.transaction() as session:
        head = add_member(session=session, actor=None, dingtalk_id=STAFF_ID, name="孙局长",
                          unit="区财政局", role=Role.UNIT_HEAD)
        add_deadline(session=session, title="提交整改报告", due_at=NOW + timedelta(days=2), kind="custom",
                     rule_article=None, source_type=None, source_id=None, responsible_person_id=head.person_id,
                     responsible_unit=None, actor=None, policy=POLICY, now=NOW)
    moment = (NOW + timedelta(days=1)).astimezone(UTC)
    return db, DingTalkDispatcher.for_office(db, tz=TZ, clock=lambda: moment)


def states(db) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    with db.transaction() as session:
        return [(r.channel, r.chat_id, r.state) for r in session.scalars(select(Reminder))]


async def test_a_due_alert_goes_to_the_person_on_dingtalk_once(outbox):
    db, dispatcher = outbox
    sender = ScriptedSender()
    assert (await dispatcher.run(sender)).sent == 1
    assert (await dispatcher.run(sender)).sent == 0
    assert [chat for chat, _ in sender.sent] == [STAFF_ID] and "提交整改报告" in sender.sent[0][1]
    assert states(db) == [("dingtalk", STAFF_ID, "sent")]


async def test_an_alert_that_never_left_is_tried_again(outbox):
    db, dispatcher = outbox
    no_token = DingTalkError("no access token: timeout", left=False)
    stats = await dispatcher.run(ScriptedSender(no_token))
    assert stats.retried == 1 and states(db) == [("dingtalk", STAFF_ID, "pending")]


@pytest.mark.parametrize("error", [DingTalkError("HTTP 503", status=503), DingTalkError("read timeout"),
                                   ValueError("an answer that is not JSON")])
async def test_an_alert_that_may_have_arrived_is_not_repeated_nor_left_sending(outbox, error):
    db, dispatcher = outbox
    stats = await dispatcher.run(ScriptedSender(error))
    assert stats.uncertain == 1 and states(db) == [("dingtalk", STAFF_ID, "uncertain")]


async def test_a_refused_alert_is_recorded_as_failed(outbox):
    db, dispatcher = outbox
    stats = await dispatcher.run(ScriptedSender(DingTalkError("batchSend: not a valid user", status=400)))
    assert stats.failed == 1 and states(db) == [("dingtalk", STAFF_ID, "failed")]
