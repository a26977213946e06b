"""Moving a registered meeting to another time (改期), for the office.

The meeting keeps its number and its items; the 第四十八条 materials deadline follows it (the old one
is closed, a new one with its reminders added), each open item's due time becomes the new one, and
every proposer of an open item is told. Try it on the web console's /meetings page (改期).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, tzinfo

from sqlalchemy.orm import Session

from office.actors import Actor, record_audit
from office.dates import format_day
from office.deadlines import close_source_deadlines
from office.reminders import AlertPolicy
from office.meetings import (
    MeetingError,
    _add_materials_deadline,
    _check_office,
    format_moment,
    materials_due,
    meeting_label,
)
from office.notices import Notice
from storage.agenda import ItemState, Meeting, items_of_meeting, meeting_by_id, meeting_exists

OPEN_STATES = [ItemState.DRAFT, ItemState.OVERSEER_REVIEW, ItemState.LEADER_APPROVAL, ItemState.SCHEDULED]


def move_meeting(
    *,
    session: Session,
    meeting_id: int,
    starts_at: datetime,
    actor: Actor | None,
    admin_ids: Iterable[int],
    tz: tzinfo,
    now: datetime,
    policy: AlertPolicy | None = None,
) -> tuple[Meeting, list[Notice]]:
    """Move the meeting to `starts_at`; returns it and the notices for the proposers of its open items."""
    _check_office(session, actor, admin_ids)
    if starts_at.tzinfo is None:
        raise ValueError("starts_at must be time-zone aware")
    meeting = meeting_by_id(session, meeting_id)
    if meeting is None:
        raise MeetingError(f"没有编号为 {meeting_id} 的会议。")
    if meeting.cancelled:
        raise MeetingError("该会议已经取消,不能改期。")
    if meeting.starts_at <= now:
        raise MeetingError("该会议已经开始或结束,不能改期。")
    if starts_at <= now:
        raise MeetingError("新的会议时间已过,请选择今后的时间。")
    if starts_at == meeting.starts_at:
        raise MeetingError("新时间与原时间相同,无需改期。")
    if meeting_exists(session, meeting.kind, starts_at):
        raise MeetingError(f"{format_day(starts_at.date())}{starts_at:%H:%M} 已登记过{meeting.kind},不能改到该时间。")
    before = meeting_label(meeting, tz)
    old = meeting.starts_at
    meeting.starts_at = starts_at
    session.flush()
    record_audit(session, actor, action="moved", entity="meeting", entity_id=meeting.id,
                 detail={"from": old.isoformat(), "to": starts_at.isoformat()})
    close_source_deadlines(session=session, source_type="meeting", source_id=meeting.id, state="cancelled",
                           actor=actor, now=now)
    _add_materials_deadline(session, meeting, actor, now, policy)
    due = materials_due(meeting)
    due_text = f",议题材料报送截止改为 {format_moment(due, tz)}" if due else ""
    notices = []
    for item in items_of_meeting(session, meeting.id, states=OPEN_STATES):
        item.due_at = due
        notices.append(Notice(f"会议改期:{before} 改为 {meeting_label(meeting, tz)}{due_text}(议题「{item.title}」)。",
                              person_id=item.proposer_person_id, recipient=f"「{item.title}」的提出人{item.proposer.name}"))
    return meeting, notices
