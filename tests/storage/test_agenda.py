"""The agenda tables: the database itself refuses duplicate live titles and double-booked meetings."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import IntegrityError

from storage.agenda import AgendaItem, ItemState, Meeting, items_of_meeting, next_position
from storage.people import Person, Role

STARTS = datetime(2026, 12, 9, 1, 0, tzinfo=timezone.utc)


def seed(session) -> tuple[int, int]:
    head = Person(telegram_id=5, name="孙局长", unit="区财政局", role=Role.UNIT_HEAD)
    session.add(head)
    meeting = Meeting(kind="区政府常务会议", starts_at=STARTS, place="")
    session.add(meeting)
    session.flush()
    return meeting.id, head.id


def item(meeting_id: int, person_id: int, title: str, state: ItemState = ItemState.DRAFT, position=None) -> AgendaItem:
    return AgendaItem(
        meeting_id=meeting_id, title=title, proposing_unit="区财政局", proposer_person_id=person_id,
        overseer_person_id=person_id, reporter_person_id=person_id, state=state.value, position=position,
    )


def test_a_live_title_is_unique_per_meeting_but_returned_ones_do_not_count(db):
    with db.transaction() as session:
        meeting_id, person_id = seed(session)
        session.add(item(meeting_id, person_id, "关于A的请示", ItemState.RETURNED))
        session.add(item(meeting_id, person_id, "关于A的请示"))
    with pytest.raises(IntegrityError):
        with db.transaction() as session:
            session.add(item(meeting_id, person_id, "关于A的请示", ItemState.OVERSEER_REVIEW))


def test_one_live_meeting_per_kind_and_start(db):
    with db.transaction() as session:
        seed(session)
        session.add(Meeting(kind="区政府常务会议", starts_at=STARTS, place="", cancelled=True))
    with pytest.raises(IntegrityError):
        with db.transaction() as session:
            session.add(Meeting(kind="区政府常务会议", starts_at=STARTS + timedelta(0), place=""))


def test_agenda_order_and_next_position(db):
    with db.transaction() as session:
        meeting_id, person_id = seed(session)
        session.add_all([
            item(meeting_id, person_id, "待审", ItemState.OVERSEER_REVIEW),
            item(meeting_id, person_id, "第二项", ItemState.SCHEDULED, position=2),
            item(meeting_id, person_id, "第一项", ItemState.SCHEDULED, position=1),
        ])
        session.flush()
        assert [i.title for i in items_of_meeting(session, meeting_id)] == ["第一项", "第二项", "待审"]
        assert next_position(session, meeting_id) == 3
