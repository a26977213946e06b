"""The dispatcher against a scripted Bot API: what each Telegram outcome leaves in the outbox."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import select
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TimedOut

from bot.cli import main
from bot.scheduler import Dispatcher
from bootstrap.settings import get_settings
from bot.telegram_flows import alert_renderer
from office import reminders as reminder_rules
from office.deadline_rules import DeadlineKind
from office.deadlines import add_deadline
from office.directory import add_member
from office.reminders import AlertPolicy
from office.subscriptions import subscribe
from storage.deadlines import Reminder, Subscription
from storage.people import Role

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=TZ)
POLICY = AlertPolicy.from_texts("1d,overdue", "", kinds=[k.value for k in DeadlineKind], timezone="Asia/Shanghai")
PERSON, GROUP, NEW_GROUP = 16, -100500, -1001234567890


class FakeBot:
    """Answers send_message from a script: an exception to raise, or None to deliver."""

    def __init__(self, *script: BaseException | None) -> None:
        self.script = list(script)
        self.delivered: list[tuple[int, str]] = []

    async def send_message(self, chat_id, text, **kwargs):  # type: ignore[no-untyped-def]
        outcome = self.script.pop(0) if self.script else None
        if outcome is not None:
            raise outcome
        self.delivered.append((chat_id, text))
        return SimpleNamespace(message_id=len(self.delivered))


class Clock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


@pytest.fixture
def world(db):
    """A person and a subscribed group; one deadline due in 2 days (its 1-day alert due at +1 day)."""
    with db.transaction() as session:
        head = add_member(session=session, actor=None, telegram_id=PERSON, name="孙局长", unit="区财政局",
                          role=Role.UNIT_HEAD)
        subscribe(session=session, channel="telegram", chat_id=str(GROUP), kinds=["all"], actor=None, now=NOW, tz=TZ)
        add_deadline(session=session, title="提交整改报告", due_at=NOW + timedelta(days=2), kind="custom", rule_article=None,
                     source_type=None, source_id=None, responsible_person_id=head.person_id, responsible_unit=None,
                     actor=None, policy=POLICY, now=NOW)
    clock = Clock(NOW + timedelta(days=1))
    return db, clock, Dispatcher(db, alert_renderer(TZ, clock), worker="W1", clock=clock)


def states(db) -> dict[tuple[str, int], str]:  # type: ignore[no-untyped-def]
    """(lead, Telegram chat) → state of every reminder."""
    with db.transaction() as session:
        return {(r.lead, int(r.chat_id)): r.state for r in session.scalars(select(Reminder))}


async def test_due_alerts_go_out_once_with_buttons_and_the_time_left(world):
    db, clock, dispatcher = world
    bot = FakeBot()
    stats = await dispatcher.run(bot)
    assert stats.sent == 2 and sorted(chat for chat, _ in bot.delivered) == [GROUP, PERSON]
    assert "还剩 1天" in bot.delivered[0][1] and "提交整改报告" in bot.delivered[0][1]
    assert (await dispatcher.run(bot)).sent == 0
    assert states(db)[("1d", PERSON)] == "sent"


async def test_retry_after_waits_and_then_sends(world):
    db, clock, dispatcher = world
    bot = FakeBot(RetryAfter(30))
    stats = await dispatcher.run(bot)
    assert (stats.retried, stats.sent) == (1, 0)  # the run stops after flood control
    assert (await dispatcher.run(bot)).sent == 1  # the other chat
    clock.moment += timedelta(seconds=31)
    assert (await dispatcher.run(bot)).sent == 1
    assert set(states(db).values()) >= {"sent"} and "pending" not in {
        state for (lead, _), state in states(db).items() if lead == "1d"}


def _timed_out(cause: Exception) -> TimedOut:
    error = TimedOut()
    error.__cause__ = cause
    return error


async def test_a_send_that_left_but_got_no_answer_is_not_repeated(world):
    db, clock, dispatcher = world
    bot = FakeBot(_timed_out(httpx.ReadTimeout("no answer")))
    stats = await dispatcher.run(bot)
    assert (stats.uncertain, stats.sent) == (1, 1)
    clock.moment += timedelta(hours=1)
    assert (await dispatcher.run(bot)).sent == 0
    assert sorted(states(db)[("1d", chat)] for chat in (PERSON, GROUP)) == ["sent", "uncertain"]


async def test_a_send_that_never_left_is_tried_again(world):
    db, clock, dispatcher = world
    bot = FakeBot(_timed_out(httpx.ConnectTimeout("no route")))
    assert (await dispatcher.run(bot)).retried == 1
    clock.moment += timedelta(minutes=1)
    assert (await dispatcher.run(bot)).sent == 1
    assert len(bot.delivered) == 2


async def test_a_group_that_removed_the_bot_loses_its_subscription_not_the_person(world):
    db, clock, dispatcher = world
    bot = FakeBot()
    original = bot.send_message

    async def kicked_from_group(chat_id, text, **kwargs):  # type: ignore[no-untyped-def]
        if chat_id == GROUP:
            raise Forbidden("Forbidden: bot was kicked from the group chat")
        return await original(chat_id, text, **kwargs)

    bot.send_message = kicked_from_group
    stats = await dispatcher.run(bot)
    assert stats.chats_gone == [str(GROUP)] and stats.sent == 1
    with db.transaction() as session:
        assert [s.active for s in session.scalars(select(Subscription))] == [False]
    assert states(db)[("overdue:0", GROUP)] == "cancelled"
    clock.moment += timedelta(days=1)
    await dispatcher.run(bot)
    assert [chat for chat, _ in bot.delivered] == [PERSON, PERSON]


@pytest.mark.parametrize(("gone", "error"), [
    (PERSON, Forbidden("Forbidden: bot was blocked by the user")),
    (GROUP, BadRequest("Bad Request: chat not found")),
])
async def test_a_chat_that_is_gone_is_not_tried_forever(world, gone, error):
    db, clock, dispatcher = world
    bot = FakeBot()
    original, attempts = bot.send_message, []

    async def refuse_one_chat(chat_id, text, **kwargs):  # type: ignore[no-untyped-def]
        if chat_id == gone:
            attempts.append(chat_id)
            raise error
        return await original(chat_id, text, **kwargs)

    bot.send_message = refuse_one_chat
    for _ in range(3):
        await dispatcher.run(bot)
        clock.moment += timedelta(days=1)
    assert len(attempts) == 1  # then its pending alerts were stopped
    assert len(bot.delivered) == 3  # the other chat: 1d, then overdue on each of the next two days


async def test_a_group_that_became_a_supergroup_gets_the_alert_at_its_new_id(world):
    db, clock, dispatcher = world
    bot = FakeBot()
    original = bot.send_message

    async def migrated(chat_id, text, **kwargs):  # type: ignore[no-untyped-def]
        if chat_id == GROUP:
            raise ChatMigrated(NEW_GROUP)
        return await original(chat_id, text, **kwargs)

    bot.send_message = migrated
    await dispatcher.run(bot)
    assert sorted(chat for chat, _ in bot.delivered) == [NEW_GROUP, PERSON]
    with db.transaction() as session:
        assert [s.chat_id for s in session.scalars(select(Subscription))] == [str(NEW_GROUP)]


async def test_a_slow_send_keeps_its_claim_so_no_other_dispatcher_repeats_it(world, monkeypatch):
    db, clock, dispatcher = world
    monkeypatch.setattr(reminder_rules, "CLAIM_HEARTBEAT", timedelta(milliseconds=10))
    rival = Dispatcher(db, alert_renderer(TZ, clock), worker="W2", clock=clock)
    release = asyncio.Event()
    bot, rival_bot = FakeBot(), FakeBot()
    original = bot.send_message

    async def slow(chat_id, text, **kwargs):  # type: ignore[no-untyped-def]
        await release.wait()
        return await original(chat_id, text, **kwargs)

    bot.send_message = slow
    first = asyncio.create_task(dispatcher.run(bot, keep_going=lambda: len(bot.delivered) == 0))
    await asyncio.sleep(0.1)  # W1 has claimed one alert and is stuck in its send
    clock.moment += reminder_rules.CLAIM_LEASE * 3  # long past the lease W1 took at first
    await asyncio.sleep(0.1)  # ... which its heartbeat renews meanwhile
    rival_stats = await rival.run(rival_bot)
    release.set()
    await first
    sent_chats = [chat for chat, _ in bot.delivered] + [chat for chat, _ in rival_bot.delivered]
    assert rival_stats.sent >= 1 and len(sent_chats) == len(set(sent_chats))


async def test_officebot_alerts_shows_what_the_outbox_says(world, monkeypatch, capsys, tmp_path):
    db, clock, dispatcher = world
    await dispatcher.run(FakeBot(_timed_out(httpx.ReadTimeout("no answer"))))
    monkeypatch.setenv("DATABASE_URL", db.url)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    try:
        assert main(["alerts"]) == 0
    finally:
        get_settings.cache_clear()
    printed = capsys.readouterr().out
    assert "已发送:1" in printed and "结果不明(超时,未重发):1" in printed and "ReadTimeout('no answer')" in printed
