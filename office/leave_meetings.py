"""Which registered meeting a 会议请假 is for (第五十三条): the meetings of the three kinds that rule
names — 区政府全体会议、常务会议、区长专题会议 — held in the leave's period and not cancelled.

Decided here: a 副区长专题会议 is not offered, since 第五十三条 does not name it. The guided /leave
offers these as buttons and stores the chosen one with the report (`LeaveReport.meeting_id`); a
period with none is refused with a message saying so, as is a meeting outside the period. The
one-line `/leave 会议请假 明天 常务会议 …` is tied to the registered meeting its name and dates
point to when there is exactly one (`registered_meeting_named`); otherwise the name stays as typed.
Try it::

    choices = meetings_to_miss(session=s, start=date(2026, 12, 9), end=date(2026, 12, 9), tz=tz)
    [c.label for c in choices]       # ["2026-12-09(周三)09:00 区政府常务会议"]
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from sqlalchemy.orm import Session

from office.dates import format_day
from office.meetings import MeetingError, format_moment, parse_meeting_type
from storage.agenda import Meeting, MeetingType, meeting_by_id, meetings_between

ABSENCE_MEETING_KINDS = (MeetingType.PLENARY.value, MeetingType.EXECUTIVE.value, MeetingType.MAYOR_TOPIC.value)


class NoMeeting(ValueError):
    """No registered meeting fits; the message (Chinese) says what to do."""


@dataclass(frozen=True)
class MeetingChoice:
    id: int
    label: str  # when and which: 2026-12-09(周三)09:00 区政府常务会议, also the report's 会议


def _choice(meeting: Meeting, tz: tzinfo) -> MeetingChoice:
    return MeetingChoice(meeting.id, f"{format_moment(meeting.starts_at, tz)} {meeting.kind}")


def _in_period(session: Session, start: date, end: date, tz: tzinfo) -> list[Meeting]:
    first, after = datetime.combine(start, time(0), tz), datetime.combine(end, time(0), tz) + timedelta(days=1)
    return [m for m in meetings_between(session, first, after) if m.kind in ABSENCE_MEETING_KINDS]


def registered_meeting_named(*, session: Session, name: str, start: date, end: date,
                             tz: tzinfo) -> MeetingChoice | None:
    """The one meeting of the period whose type `name` says (常务会议, 区政府常务会议 …), if exactly one."""
    try:
        kind = parse_meeting_type(name).value
    except MeetingError:
        return None
    matches = [m for m in _in_period(session, start, end, tz) if m.kind == kind]
    return _choice(matches[0], tz) if len(matches) == 1 else None


def meetings_to_miss(*, session: Session, start: date, end: date, tz: tzinfo) -> list[MeetingChoice]:
    """The period's meetings one may ask leave from; NoMeeting when there is none."""
    meetings = _in_period(session, start, end, tz)
    if not meetings:
        days = format_day(start) if start == end else f"{format_day(start)} 至 {format_day(end)}"
        raise NoMeeting(f"{days} 没有登记的区政府全体会议、常务会议或区长专题会议(第五十三条),请检查日期;"
                        "如会议尚未登记,请联系区政府办公室登记。")
    return [_choice(meeting, tz) for meeting in meetings]


def meeting_to_miss(*, session: Session, meeting_id: int, start: date, end: date, tz: tzinfo) -> MeetingChoice:
    """The chosen meeting, checked: registered, not cancelled, of a 第五十三条 kind, in the period."""
    meeting = meeting_by_id(session, meeting_id)
    if meeting is None or meeting.cancelled or meeting.kind not in ABSENCE_MEETING_KINDS:
        raise NoMeeting("该会议不存在或已取消,请重新选择")
    if not start <= meeting.starts_at.astimezone(tz).date() <= end:
        raise NoMeeting(f"会议 #{meeting.id} 不在请假日期内,请重新选择")
    return _choice(meeting, tz)
