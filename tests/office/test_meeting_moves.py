"""改期: the meeting, its materials deadline and its open items' due times move together; the office only."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from leave_seed import CLERK, HEAD, NOW, OFFICE, TZ, seed_directory
from sqlalchemy import select

from office.actors import Actor
from office.agenda import file_item
from office.agenda_checks import ItemFacts
from office.meeting_moves import move_meeting
from office.meetings import MeetingError, register_meetings
from storage.agenda import AgendaItem, MeetingType
from storage.audit import history
from storage.deadlines import Deadline
from storage.people import person_by_telegram_id

ARTICLE_50_NO = {number: False for number in "一二三四五六"}


def register(session, days: int = 10, hour: int = 9):  # type: ignore[no-untyped-def]
    starts = datetime.combine((NOW + timedelta(days=days)).date(), datetime.min.time(), TZ).replace(hour=hour)
    return register_meetings(session=session, kind=MeetingType.EXECUTIVE, starts_at=starts, place="第一会议室",
                             chair_name=None, weeks=1, actor=None, admin_ids=(), now=NOW)[0]


def test_moving_a_meeting_moves_its_deadline_and_items_and_tells_the_proposers(db):
    seed_directory(db)
    with db.transaction() as session:
        meeting = register(session)
        file_item(session=session, actor=Actor.telegram(HEAD), meeting_id=meeting.id, title="关于财政预算调整的请示",
                  facts=ItemFacts(summary="预算调整", article50=ARTICLE_50_NO), now=NOW, tz=TZ)
        new_time = meeting.starts_at + timedelta(days=7)
        moved, notices = move_meeting(session=session, meeting_id=meeting.id, starts_at=new_time,
                                      actor=Actor.telegram(OFFICE), admin_ids=(), tz=TZ, now=NOW)
        assert moved.starts_at == new_time
        open_deadlines = [d for d in session.scalars(select(Deadline).where(Deadline.source_id == meeting.id))
                          if d.state == "open"]
        assert [d.due_at for d in open_deadlines] == [new_time - timedelta(days=3)]
        item = session.scalars(select(AgendaItem)).one()
        assert item.due_at == new_time - timedelta(days=3)
        head = person_by_telegram_id(session, HEAD)
        assert [n.person_id for n in notices] == [head.id] and "改期" in notices[0].text
        assert "moved" in [e.action for e in history(session, entity="meeting", entity_id=meeting.id)]


@pytest.mark.parametrize(("actor", "days", "message"), [
    (CLERK, 12, "只有区政府办公室"),
    (OFFICE, -1, "新的会议时间已过"),
])
def test_a_move_that_breaks_a_rule_is_refused(db, actor, days, message):
    seed_directory(db)
    with db.transaction() as session:
        meeting = register(session)
        with pytest.raises(MeetingError, match=message):
            move_meeting(session=session, meeting_id=meeting.id, starts_at=NOW + timedelta(days=days),
                         actor=Actor.telegram(actor), admin_ids=(), tz=TZ, now=NOW)


def test_a_meeting_cannot_move_onto_another_of_its_kind(db):
    seed_directory(db)
    with db.transaction() as session:
        first, second = register(session, days=10), register(session, days=11)
        with pytest.raises(MeetingError, match="已登记过"):
            move_meeting(session=session, meeting_id=first.id, starts_at=second.starts_at, actor=Actor.telegram(OFFICE),
                         admin_ids=(), tz=TZ, now=NOW)
