"""Lead times and the outbox rules: which alerts exist, which one is claimed, catch-up, quotas."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from deadline_seed import (
    HEAD, NOW, OFFICE, OFFICE_GROUP, TZ, at, member, new_deadline, reminders, seed_directory, telegram_chat,
)

from office.actors import Actor
from office.deadlines import close_source_deadlines
from office.reminders import (
    CLAIM_LEASE, GROUP_PER_MINUTE, MAX_ATTEMPTS, OVERALL_PER_SECOND, Claim, LeadTimeError, Throttled, claim_next,
    next_overdue_slot, parse_kind_lead_times, parse_lead_times, record_chat_gone, record_not_sent, record_sent,
    send_times,
)
from office.subscriptions import subscribe, unsubscribe
from storage.deadlines import Subscription

WORKER = "test-worker"
BY_OFFICE = Actor.telegram(OFFICE)


@pytest.fixture
def directory(db):
    seed_directory(db)
    return db


# --- lead times ------------------------------------------------------------------------------


def test_lead_times_parse_days_hours_minutes_clock_and_overdue():
    leads = parse_lead_times(" 3d, 6h ,2m,9:05,OVERDUE,3d")
    assert [lead.key for lead in leads] == ["3d", "6h", "2m", "09:05", "overdue"]
    assert leads[2].before == timedelta(minutes=2)


@pytest.mark.parametrize("text", ["", "3x", "0d", "25:00", "soon", "3d;1d"])
def test_bad_lead_times_are_refused(text):
    with pytest.raises(LeadTimeError):
        parse_lead_times(text)


def test_lead_times_per_kind():
    plans = parse_kind_lead_times("leave_return=09:00,overdue; public_opinion=6h", kinds=["leave_return", "public_opinion"])
    assert {kind: [lead.key for lead in leads] for kind, leads in plans.items()} == {
        "leave_return": ["09:00", "overdue"], "public_opinion": ["6h"]}
    with pytest.raises(LeadTimeError, match="KIND"):
        parse_kind_lead_times("birthday=1d", kinds=["leave_return"])


def test_send_times_expand_each_lead():
    due = datetime(2026, 12, 5, 17, 0, tzinfo=TZ)
    times = send_times(leads=parse_lead_times("3d,1d,09:00,overdue"), due_at=due, tz=TZ)
    assert times == [
        ("3d", datetime(2026, 12, 2, 17, 0, tzinfo=TZ)),
        ("1d", datetime(2026, 12, 4, 17, 0, tzinfo=TZ)),
        ("09:00", datetime(2026, 12, 5, 9, 0, tzinfo=TZ)),
        ("overdue:0", due),
    ]


def test_the_morning_alert_is_dropped_when_the_deadline_is_earlier_that_day():
    due = datetime(2026, 12, 5, 8, 30, tzinfo=TZ)
    assert [key for key, _ in send_times(leads=parse_lead_times("09:00,overdue"), due_at=due, tz=TZ)] == ["overdue:0"]


def test_overdue_slots_are_daily_after_the_due_time():
    due = datetime(2026, 12, 5, 17, 0, tzinfo=TZ)
    assert next_overdue_slot(due_at=due, now=due - timedelta(hours=1)) == ("overdue:0", due)
    assert next_overdue_slot(due_at=due, now=due) == ("overdue:1", due + timedelta(days=1))
    assert next_overdue_slot(due_at=due, now=due + timedelta(days=4, hours=3)) == ("overdue:5", due + timedelta(days=5))


def test_a_lead_already_past_at_creation_is_sent_at_once(directory):
    head = member(directory, HEAD)
    with directory.transaction() as session:
        deadline = new_deadline(session, due_at=at(days=2), person_id=head.person_id)
        # "3d" fell yesterday: it goes out now instead of being dropped; the rest as planned.
        assert [(lead, when) for lead, _, when, _ in reminders(session, deadline.id)] == [
            ("3d", NOW), ("1d", at(days=1)), ("09:00", at(days=2, hours=-1)), ("overdue:0", at(days=2))]


def test_several_missed_leads_make_one_catch_up_alert_for_the_latest(directory):
    # Friday 01:20 for Saturday 00:30: "3d" and "1d" have passed, "09:00" falls after the due time.
    friday = datetime(2026, 12, 4, 1, 20, tzinfo=TZ)
    head = member(directory, HEAD)
    with directory.transaction() as session:
        deadline = new_deadline(session, due_at=datetime(2026, 12, 5, 0, 30, tzinfo=TZ), person_id=head.person_id,
                                now=friday)
        assert [(lead, when) for lead, _, when, _ in reminders(session, deadline.id)] == [
            ("1d", friday), ("overdue:0", datetime(2026, 12, 5, 0, 30, tzinfo=TZ))]


def test_a_group_subscribing_late_gets_only_the_alerts_still_ahead(directory):
    head = member(directory, HEAD)
    with directory.transaction() as session:
        deadline = new_deadline(session, due_at=at(days=2), person_id=head.person_id)
        subscribe(session=session, **telegram_chat(OFFICE_GROUP), kinds=["custom"], actor=BY_OFFICE,
                  now=at(hours=1), tz=TZ)
        group = [(lead, when) for lead, chat, when, _ in reminders(session, deadline.id) if chat == OFFICE_GROUP]
    assert group == [("1d", at(days=1)), ("09:00", at(days=2, hours=-1)), ("overdue:0", at(days=2))]


def test_a_deadline_already_overdue_alerts_once_now(directory):
    head = member(directory, HEAD)
    with directory.transaction() as session:
        deadline = new_deadline(session, due_at=at(days=-3), person_id=head.person_id)
        assert [(lead, when) for lead, _, when, _ in reminders(session, deadline.id)] == [("overdue:0", at(days=-3))]


# --- claiming --------------------------------------------------------------------------------


def _claim(db, now: datetime) -> Claim | Throttled | None:
    with db.transaction() as session:
        return claim_next(session=session, worker=WORKER, now=now)


def _sent(db, claim: Claim, now: datetime) -> None:
    with db.transaction() as session:
        assert record_sent(session=session, claim=claim, worker=WORKER, message_id=1, now=now)


def test_nothing_is_claimed_before_it_is_due_and_once_after(directory):
    head = member(directory, HEAD)
    with directory.transaction() as session:
        new_deadline(session, due_at=at(days=5), person_id=head.person_id)
    assert _claim(directory, at(days=2) - timedelta(seconds=1)) is None
    claim = _claim(directory, at(days=2))
    assert isinstance(claim, Claim) and claim.lead == "3d" and claim.chat_id == str(HEAD) and claim.title == "提交整改报告"
    _sent(directory, claim, at(days=2))
    assert _claim(directory, at(days=2, minutes=1)) is None


def test_after_downtime_only_the_latest_alert_goes_and_the_overdue_chain_continues(directory):
    head = member(directory, HEAD)
    with directory.transaction() as session:
        deadline_id = new_deadline(session, due_at=at(days=5), person_id=head.person_id).id
    back = at(days=9)  # down from before the 3-day alert until 4 days after the due time
    claim = _claim(directory, back)
    assert claim.lead == "overdue:0"
    _sent(directory, claim, back)
    assert _claim(directory, back) is None
    with directory.transaction() as session:
        rows = reminders(session, deadline_id)
    assert [(lead, state) for lead, _, _, state in rows] == [
        ("3d", "skipped"), ("1d", "skipped"), ("09:00", "skipped"), ("overdue:0", "sent"), ("overdue:5", "pending")]
    assert rows[-1][2] == at(days=10)  # the next daily slot after coming back, not a burst


def test_daily_overdue_alerts_until_done(directory):
    head = member(directory, HEAD)
    with directory.transaction() as session:
        new_deadline(session, due_at=at(days=1), person_id=head.person_id, source_type="custom", source_id=1)
    leads = []
    for day in range(1, 4):
        while isinstance(claim := _claim(directory, at(days=day)), Claim):
            leads.append(claim.lead)
            _sent(directory, claim, at(days=day))
    # Day 1 finds the 09:00 alert and the first overdue one both due: only the later goes.
    assert leads == ["overdue:0", "overdue:1", "overdue:2"]
    with directory.transaction() as session:
        close_source_deadlines(session=session, source_type="custom", source_id=1, state="done", actor=Actor.telegram(HEAD),
                               now=NOW)
    assert _claim(directory, at(days=30)) is None


def test_a_dead_dispatchers_claim_is_taken_over_after_the_lease(directory):
    head = member(directory, HEAD)
    with directory.transaction() as session:
        new_deadline(session, due_at=at(days=5), person_id=head.person_id)
    first = _claim(directory, at(days=2))  # ... and its dispatcher is killed before recording anything
    assert _claim(directory, at(days=2) + CLAIM_LEASE - timedelta(seconds=1)) is None
    again = _claim(directory, at(days=2) + CLAIM_LEASE)
    assert (again.reminder_id, again.attempts) == (first.reminder_id, 2)


def test_a_reminder_that_keeps_failing_is_given_up(directory):
    head = member(directory, HEAD)
    with directory.transaction() as session:
        deadline_id = new_deadline(session, due_at=at(days=5), person_id=head.person_id).id
    moment = at(days=2)
    for _ in range(MAX_ATTEMPTS):
        assert _claim(directory, moment).lead == "3d"
        moment += CLAIM_LEASE
    assert _claim(directory, moment) is None
    with directory.transaction() as session:
        assert reminders(session, deadline_id)[0][3] == "failed"


def test_retry_after_puts_it_back_for_after_the_wait(directory):
    head = member(directory, HEAD)
    with directory.transaction() as session:
        new_deadline(session, due_at=at(days=5), person_id=head.person_id)
    claim = _claim(directory, at(days=2))
    with directory.transaction() as session:
        record_not_sent(session=session, claim=claim, worker=WORKER, retry_at=at(days=2, minutes=1), error="RetryAfter 60s")
    assert _claim(directory, at(days=2, minutes=0.5)) is None
    assert _claim(directory, at(days=2, minutes=1)).reminder_id == claim.reminder_id


def test_a_group_gets_at_most_its_quota_a_minute(directory):
    with directory.transaction() as session:
        subscribe(session=session, **telegram_chat(OFFICE_GROUP), kinds=["all"], actor=BY_OFFICE, now=NOW, tz=TZ)
        for _ in range(GROUP_PER_MINUTE + 1):
            new_deadline(session, due_at=at(days=5))
    moment = at(days=2)
    for n in range(GROUP_PER_MINUTE):
        claim = _claim(directory, moment + timedelta(seconds=2 * n))
        _sent(directory, claim, moment + timedelta(seconds=2 * n))
    assert _claim(directory, moment + timedelta(seconds=59)) is None
    assert isinstance(_claim(directory, moment + timedelta(seconds=61)), Claim)


def test_the_overall_rate_is_throttled(directory, monkeypatch):
    with directory.transaction() as session:
        for chat in range(OVERALL_PER_SECOND + 1):
            subscribe(session=session, **telegram_chat(-1000 - chat), kinds=["all"], actor=BY_OFFICE, now=NOW, tz=TZ)
        new_deadline(session, due_at=at(days=5))
    moment = at(days=2)
    claims = [_claim(directory, moment) for _ in range(OVERALL_PER_SECOND)]
    assert all(isinstance(claim, Claim) for claim in claims)
    assert isinstance(_claim(directory, moment), Throttled)
    assert isinstance(_claim(directory, moment + timedelta(seconds=1, milliseconds=1)), Claim)


# --- subscriptions and chats -----------------------------------------------------------------


def test_a_group_subscribing_later_gets_the_remaining_alerts_only(directory):
    with directory.transaction() as session:
        deadline_id = new_deadline(session, due_at=at(days=5), kind="agenda", unit="区财政局").id
    with directory.transaction() as session:
        subscribe(session=session, **telegram_chat(OFFICE_GROUP), kinds=["agenda"], actor=BY_OFFICE, now=at(days=3), tz=TZ)
        group_rows = [lead for lead, chat, _, _ in reminders(session, deadline_id) if chat == OFFICE_GROUP]
    assert group_rows == ["1d", "09:00", "overdue:0"]


def test_unsubscribing_stops_the_groups_pending_alerts(directory):
    with directory.transaction() as session:
        subscribe(session=session, **telegram_chat(OFFICE_GROUP), kinds=["agenda", "custom"], actor=BY_OFFICE, now=NOW, tz=TZ)
        agenda_id = new_deadline(session, due_at=at(days=5), kind="agenda").id
        custom_id = new_deadline(session, due_at=at(days=5), kind="custom").id
    with directory.transaction() as session:
        assert unsubscribe(session=session, **telegram_chat(OFFICE_GROUP), kinds=["agenda"], actor=BY_OFFICE) == ["agenda"]
    with directory.transaction() as session:
        assert {state for *_, state in reminders(session, agenda_id)} == {"cancelled"}
        assert {state for *_, state in reminders(session, custom_id)} == {"pending"}


def test_a_chat_that_is_gone_ends_its_subscriptions_instead_of_failing_forever(directory):
    with directory.transaction() as session:
        subscribe(session=session, **telegram_chat(OFFICE_GROUP), kinds=["all"], actor=BY_OFFICE, now=NOW, tz=TZ)
        deadline_id = new_deadline(session, due_at=at(days=5)).id
    claim = _claim(directory, at(days=2))
    with directory.transaction() as session:
        kinds = record_chat_gone(session=session, claim=claim, worker=WORKER, error="Forbidden: bot was kicked")
    assert kinds == ["all"]
    with directory.transaction() as session:
        assert [s.active for s in session.query(Subscription).all()] == [False]
        assert {state for *_, state in reminders(session, deadline_id)} == {"failed", "cancelled"}
    assert _claim(directory, at(days=9)) is None
