"""The outbox tables: one row per (deadline, lead, chat), and claims that never hand out a row twice."""

from __future__ import annotations

import itertools
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from office.reminders import Claim, claim_next
from storage.deadlines import Deadline, Reminder, ReminderState, insert_reminders

NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)


def _deadline(db, chats: int) -> int:  # type: ignore[no-untyped-def]
    with db.transaction() as session:
        deadline = Deadline(title="测试", kind="custom", due_at=NOW + timedelta(days=1), lead_times="1d", state="open")
        session.add(deadline)
        session.flush()
        insert_reminders(session, [
            {"deadline_id": deadline.id, "lead": "1d", "chat_id": 10_000 + n, "person_id": None, "send_at": NOW}
            for n in range(chats)
        ])
        return deadline.id


def test_inserting_an_existing_reminder_again_is_a_no_op(db):
    deadline_id = _deadline(db, chats=2)
    with db.transaction() as session:
        again = insert_reminders(session, [
            {"deadline_id": deadline_id, "lead": "1d", "chat_id": 10_000, "person_id": None, "send_at": NOW},
            {"deadline_id": deadline_id, "lead": "09:00", "chat_id": 10_000, "person_id": None, "send_at": NOW},
        ])
    assert again == 1
    with db.transaction() as session:
        assert len(session.scalars(select(Reminder)).all()) == 3


def test_the_unique_key_holds_in_the_database_itself(db):
    deadline_id = _deadline(db, chats=1)
    with pytest.raises(IntegrityError):
        with db.transaction() as session:
            session.add(Reminder(deadline_id=deadline_id, lead="1d", chat_id="10000", send_at=NOW, state="pending",
                                 attempts=0))


def _claim(db, worker: str, now: datetime = NOW) -> Claim | None:  # type: ignore[no-untyped-def]
    with db.transaction() as session:
        claim = claim_next(session=session, worker=worker, now=now)
    return claim if isinstance(claim, Claim) else None


def test_an_open_claim_does_not_hand_its_row_to_another_dispatcher(db):
    _deadline(db, chats=2)
    second: list[Claim | None] = []
    first_open = threading.Event()
    second_done = threading.Event()
    released_before_second = []

    def other_dispatcher() -> None:
        first_open.wait()
        second.append(_claim(db, "B"))
        second_done.set()

    thread = threading.Thread(target=other_dispatcher)
    thread.start()
    with db.transaction() as session:
        first = claim_next(session=session, worker="A", now=NOW)
        first_open.set()
        # PostgreSQL skips the locked row at once; SQLite queues B behind this transaction.
        finished_while_locked = second_done.wait(timeout=2 if db.dialect == "postgresql" else 0.3)
        released_before_second.append(not finished_while_locked)
    thread.join()
    assert second[0] is not None and second[0].reminder_id != first.reminder_id
    assert released_before_second == [db.dialect != "postgresql"]


def test_concurrent_dispatchers_claim_every_row_exactly_once(db):
    _deadline(db, chats=120)
    claimed: dict[str, list[int]] = {}
    # Each claim 35 ms later on the test's clock: under the overall quota (30 a second), and all
    # 120 well within one claim lease, so no claim expires and gets taken over.
    ticks = itertools.count()

    def dispatcher(name: str) -> None:
        mine = claimed.setdefault(name, [])
        while (claim := _claim(db, name, NOW + timedelta(milliseconds=35 * next(ticks)))) is not None:
            mine.append(claim.reminder_id)

    threads = [threading.Thread(target=dispatcher, args=(f"D{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [reminder for ids in claimed.values() for reminder in ids]
    assert len(every) == len(set(every)) == 120
    with db.transaction() as session:
        states = session.scalars(select(Reminder.state)).all()
    assert states.count(ReminderState.SENDING.value) == len(every)
