"""The due times the rules set, as pure functions of the moment they count from (SPEC §5)::

    agenda            第四十八条  materials 3 days before the meeting           agenda_deadline(meeting_at)
    normative_document 第十七条  filed within 30 days of publication          normative_document_deadline(published_on)
    foreign_affairs   第六十五条  request 7 working days before the event       foreign_affairs_deadline(event_on, calendar)
    public_opinion    第二十七条  information published within 24 hours        public_opinion_deadline(occurred_at)
    leave_return      第八十二条  销假 on the leave's end date                  leave_return_deadline(end_on)

Date-only due times fall at `END_OF_WORKDAY` (18:00, Asia/Shanghai). The deadline workflow
(office/deadlines.py) and the Q&A's computed dates (office/deadline_answers.py) both use these, so
the bot never gives two dates for one rule; this module touches no database, so `officebot ask`
does not load one. Example::

    agenda_deadline(datetime(2026, 12, 22, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")))   # 2026-12-19 09:00
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum

from office.workdays import WorkdayCalendar

END_OF_WORKDAY = time(18, 0)
AGENDA_LEAD = timedelta(days=3)
FILING_PERIOD = timedelta(days=30)
FOREIGN_AFFAIRS_WORKING_DAYS = 7
PUBLIC_OPINION_WINDOW = timedelta(hours=24)


class DeadlineKind(StrEnum):
    AGENDA = "agenda"  # 第四十八条
    NORMATIVE_DOCUMENT = "normative_document"  # 第十七条
    FOREIGN_AFFAIRS = "foreign_affairs"  # 第六十五条
    PUBLIC_OPINION = "public_opinion"  # 第二十七条
    LEAVE_RETURN = "leave_return"  # 第八十二条
    CUSTOM = "custom"


KIND_ARTICLES = {
    DeadlineKind.AGENDA: 48,
    DeadlineKind.NORMATIVE_DOCUMENT: 17,
    DeadlineKind.FOREIGN_AFFAIRS: 65,
    DeadlineKind.PUBLIC_OPINION: 27,
    DeadlineKind.LEAVE_RETURN: 82,
}
KIND_LABELS = {
    DeadlineKind.AGENDA: "议题材料",
    DeadlineKind.NORMATIVE_DOCUMENT: "规范性文件备案",
    DeadlineKind.FOREIGN_AFFAIRS: "外事请示",
    DeadlineKind.PUBLIC_OPINION: "舆情回应",
    DeadlineKind.LEAVE_RETURN: "销假",
    DeadlineKind.CUSTOM: "自定义",
}


def agenda_deadline(meeting_at: datetime) -> datetime:
    """第四十八条: request materials reach the office at least 3 days before the meeting."""
    return meeting_at - AGENDA_LEAD


def _end_of_day(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, END_OF_WORKDAY, tzinfo=tz)


def normative_document_deadline(published_on: date, tz: tzinfo) -> datetime:
    """第十七条: filed (备案) within 30 days of publication — the 30th day, end of office hours."""
    return _end_of_day(published_on + FILING_PERIOD, tz)


def foreign_affairs_deadline(event_on: date, calendar: WorkdayCalendar, tz: tzinfo) -> datetime:
    """第六十五条: the written request is due 7 working days before the event day (not counted)."""
    return _end_of_day(calendar.add_working_days(event_on, -FOREIGN_AFFAIRS_WORKING_DAYS), tz)


def public_opinion_deadline(occurred_at: datetime) -> datetime:
    """第二十七条: information on a major public-opinion incident published within 24 hours."""
    return occurred_at + PUBLIC_OPINION_WINDOW


def leave_return_deadline(end_on: date, tz: tzinfo) -> datetime:
    """第八十二条: 销假 on the leave's end date."""
    return _end_of_day(end_on, tz)
