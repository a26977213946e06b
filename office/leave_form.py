"""The guided /leave form, one answer at a time: kind, start, end (or a half day), place, reason.

Each step checks its answer at once and refuses it with a LeaveError saying what to fix; the
answers given before are kept, so the chat layer asks the same step again. The last step gives
the LeaveRequest that office/leave.py plans and files (checking everything once more, as the
directory or other reports may have changed meanwhile). Try it::

    draft = start_draft(session=s, person_id=7, kind=LeaveKind.VACATION)
    draft = with_start(session=s, draft=draft, start=read_day("明天", today=today), today=today)
    draft = with_end(session=s, draft=draft, end=read_day("后天", today=today))
    draft = with_place(session=s, draft=draft, place="")
    request = request_of(draft, reason="年休假")
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, tzinfo

from sqlalchemy.orm import Session

from office.dates import DateError, DayPart, parse_day
from office.leave import (
    LeaveError,
    LeaveRequest,
    check_free,
    check_order,
    check_place,
    check_reason,
    check_start,
    filer_of,
    route_of,
)
from office.leave_meetings import MeetingChoice, NoMeeting, meetings_to_miss, meeting_to_miss
from office.leave_routing import LeaveKind


@dataclass(frozen=True)
class LeaveDraft:
    """The answers given so far by the filer (the directory's `person_id`)."""

    person_id: int
    kind: LeaveKind
    start: DayPart | None = None
    end: DayPart | None = None
    place: str = ""
    meeting_id: int | None = None  # 会议请假: the registered meeting chosen at the place step

    def request(self, reason: str = "") -> LeaveRequest:
        assert self.start is not None and self.end is not None  # the steps fill them in order
        return LeaveRequest(
            person_id=self.person_id,
            kind=self.kind.value,
            start=self.start.day,
            start_period=self.start.period,
            end=self.end.day,
            end_period=self.end.period,
            destination=self.place,
            reason=reason,
            meeting_id=self.meeting_id,
        )


def start_draft(*, session: Session, person_id: int, kind: LeaveKind) -> LeaveDraft:
    """The kind step: a filer nobody could approve is told now, not after the whole form."""
    route_of(session, filer_of(session, person_id), kind)
    return LeaveDraft(person_id=person_id, kind=kind)


def read_day(text: str, *, today: date) -> DayPart:
    try:
        return parse_day(text, today=today)
    except DateError as exc:
        raise LeaveError(str(exc)) from None


def with_start(*, session: Session, draft: LeaveDraft, start: DayPart, today: date) -> LeaveDraft:
    """The start step: not in the past, and not inside another open report of the filer (no end
    could mend that)."""
    check_start(start.day, today)
    draft = replace(draft, start=start, end=start)
    check_free(session, draft.request())
    return draft


def with_end(*, session: Session, draft: LeaveDraft, end: DayPart) -> LeaveDraft:
    """The end step: not before the start, and not reaching over another open report of the filer
    (a 会议请假 can clash only once its meeting is named, at the place step)."""
    assert draft.start is not None
    check_order(draft.start.day, draft.start.period, end.day, end.period)
    draft = replace(draft, end=end)
    check_free(session, draft.request())
    return draft


def with_half_day(*, session: Session, draft: LeaveDraft, period: str) -> LeaveDraft:
    """Half of the start date (上午 or 下午, as the filer chose)."""
    assert draft.start is not None
    half = DayPart(draft.start.day, period)
    return with_end(session=session, draft=replace(draft, start=half), end=half)


def with_place(*, session: Session, draft: LeaveDraft, place: str) -> LeaveDraft:
    check_place(draft.kind, place)
    draft = replace(draft, place=place.strip())
    check_free(session, draft.request())
    return draft


def meetings_of(*, session: Session, draft: LeaveDraft, tz: tzinfo) -> list[MeetingChoice]:
    """会议请假: the meetings of its period to choose from; refused when the period has none."""
    assert draft.start is not None and draft.end is not None
    try:
        return meetings_to_miss(session=session, start=draft.start.day, end=draft.end.day, tz=tz)
    except NoMeeting as exc:
        raise LeaveError(str(exc)) from None


def with_meeting(*, session: Session, draft: LeaveDraft, meeting_id: int, tz: tzinfo) -> LeaveDraft:
    """会议请假's place step: the chosen registered meeting, which names the report's 会议."""
    assert draft.start is not None and draft.end is not None
    try:
        choice = meeting_to_miss(session=session, meeting_id=meeting_id, start=draft.start.day, end=draft.end.day,
                                 tz=tz)
    except NoMeeting as exc:
        raise LeaveError(str(exc)) from None
    draft = replace(draft, place=choice.label, meeting_id=choice.id)
    check_free(session, draft.request())
    return draft


def request_of(draft: LeaveDraft, *, reason: str) -> LeaveRequest:
    check_reason(reason)
    return draft.request(reason.strip())
