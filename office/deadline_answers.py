"""The date a rule's deadline falls on, for a rules question that names the event: the computed first
line of a Q&A answer ("下周三的外宾座谈会,书面请示最晚哪天报外事办?" → the date, not only 提前7个工作日).

Only the deadlines the office already computes are stated, with the very functions the deadline
workflow uses (`office.deadline_rules`), so the bot never gives two dates for one rule:

    第四十八条  agenda materials 3 days before the meeting      the meeting's date (and time)
    第十七条    filing within 30 days of publication            the publication date
    第六十五条  foreign-affairs request 7 working days before   the event's date
    第二十七条  information within 24 hours of an incident      the incident's date (and time)
    第八十二条  销假 on the leave's end date                    the leave's last day

The question must name the moment (absolute or relative, read with `office.dates.find_moments` from
`now`, the office's local time), ask when ("最晚哪天", "几号", "周几" …) and be about what the article
sets (备案, 外事, 舆情, 销假, the materials of a meeting); otherwise there is no statement and the
answer stays the article alone. Try it::

    >>> from datetime import datetime
    >>> from zoneinfo import ZoneInfo
    >>> now = datetime(2026, 12, 3, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))   # a Thursday
    >>> deadline_statement(question="下周三的外宾座谈会想请副区长参加,书面请示最晚哪天报外事办?",
    ...                    articles=[65], now=now, calendar=WorkdayCalendar()).due_at.date()
    datetime.date(2026, 11, 30)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from office.dates import Moment, find_moments, format_day
from office.deadline_rules import (
    KIND_ARTICLES,
    DeadlineKind,
    agenda_deadline,
    foreign_affairs_deadline,
    leave_return_deadline,
    normative_document_deadline,
    public_opinion_deadline,
)
from office.workdays import WorkdayCalendar

# The question asks when something is due.
_ASKS_WHEN = re.compile(
    r"哪天|哪一天|哪日|几号|几月几|什么时候|什么时间|啥时候|何时|最晚|最迟|截止|截至|之前|以前|几点|周几|星期几|礼拜几"
    r"|日期|来得及|赶得上|赶不赶得上|提前几|几天|几个?工作日|多久|时限|期限"
)
# What each rule sets, as a question names it.
_SUBJECTS = {
    DeadlineKind.AGENDA: re.compile(r"(?=.*(?:议题|材料|会议请示|上会))(?=.*会)"),
    DeadlineKind.NORMATIVE_DOCUMENT: re.compile(r"备案"),
    DeadlineKind.FOREIGN_AFFAIRS: re.compile(r"外事|外宾|外办|外国|国外|涉外|外方|国际|友好城市|使馆|领事"),
    DeadlineKind.PUBLIC_OPINION: re.compile(r"舆情|突发事件|发布信息|信息发布"),
    DeadlineKind.LEAVE_RETURN: re.compile(r"销假"),
}
_KIND_OF_ARTICLE = {article: kind for kind, article in KIND_ARTICLES.items()}
# An event ahead (meeting, visit, leave end) is the latest date named; an event behind
# (publication, incident) the earliest.
_EVENT_AHEAD = {DeadlineKind.AGENDA, DeadlineKind.FOREIGN_AFFAIRS, DeadlineKind.LEAVE_RETURN}
EXAMPLE_MEETING_TIME = time(9, 0)  # how a meeting without a given time is shown ("会议如9:00开始")
ESTIMATED_NOTE = "(所涉年份的节假日安排尚未公布,按估算的节假日计算,请以国务院办公厅当年通知为准。)"


@dataclass(frozen=True)
class DeadlineStatement:
    """The computed deadline of one article for the moment the question names."""

    article: int  # 65
    kind: DeadlineKind
    due_at: datetime  # in the office's time zone
    estimated: bool  # a working day of an estimated holiday schedule was counted
    text: str  # the Chinese line the answer opens with


def deadline_statement(
    *, question: str, articles: Sequence[int], now: datetime, calendar: WorkdayCalendar
) -> DeadlineStatement | None:
    """The statement for the first of `articles` (cited articles of the bundled rule book, best
    first) that sets a computed deadline the question is about, or None. `now` is aware, in the
    office's time zone: its date is what 明天 and 下周三 are read from."""
    if now.tzinfo is None:
        raise ValueError("now must be time-zone aware")
    if not _ASKS_WHEN.search(question):
        return None
    moments = find_moments(question, today=now.date())
    if not moments:
        return None
    for article in articles:
        kind = _KIND_OF_ARTICLE.get(article)
        if kind is None or not _SUBJECTS[kind].search(question):
            continue
        by_day = sorted(moments, key=lambda m: (m.day, m.at or time(0)))
        moment = by_day[-1] if kind in _EVENT_AHEAD else by_day[0]
        return _STATEMENTS[kind](moment, now, calendar)
    return None


def _at(moment: Moment, now: datetime) -> datetime:
    return datetime.combine(moment.day, moment.at or time(0), tzinfo=now.tzinfo)


def _shown(moment: datetime) -> str:
    """2026-12-06(周日)09:00"""
    return f"{format_day(moment.date())}{moment:%H:%M}"


def _named(moment: Moment) -> str:
    """下周三即2026-12-09(周三)09:00 — as asked, then as a date."""
    when = format_day(moment.day) + (f"{moment.at:%H:%M}" if moment.at else "")
    return when if moment.text.startswith(moment.day.isoformat()) else f"{moment.text}即{when}"


def _agenda(moment: Moment, now: datetime, calendar: WorkdayCalendar) -> DeadlineStatement:
    if moment.at is not None:
        due = agenda_deadline(_at(moment, now))
        text = (f"按第四十八条计算:会议于{_named(moment)}召开,议题的会议请示材料最晚须于 {_shown(due)} 前"
                "报送区政府办公室(至少会前3天,按小时倒推)。")
    else:
        example = agenda_deadline(datetime.combine(moment.day, EXAMPLE_MEETING_TIME, tzinfo=now.tzinfo))
        due = example
        text = (f"按第四十八条计算:会议于{_named(moment)}召开,议题的会议请示材料最晚须于 {format_day(due.date())} "
                f"会议开始的同一时刻前报送区政府办公室(至少会前3天,按小时倒推;如会议{EXAMPLE_MEETING_TIME:%H:%M}"
                f"开始,则截止 {_shown(due)})。")
    return DeadlineStatement(48, DeadlineKind.AGENDA, due, False, text)


def _normative_document(moment: Moment, now: datetime, calendar: WorkdayCalendar) -> DeadlineStatement:
    due = normative_document_deadline(moment.day, now.tzinfo)
    text = f"按第十七条计算:{_named(moment)}公布的规范性文件,最晚须于 {_shown(due)} 前报送备案(自公布之日起30日内)。"
    return DeadlineStatement(17, DeadlineKind.NORMATIVE_DOCUMENT, due, False, text)


def _foreign_affairs(moment: Moment, now: datetime, calendar: WorkdayCalendar) -> DeadlineStatement:
    due = foreign_affairs_deadline(moment.day, calendar, now.tzinfo)
    estimated = calendar.estimated_between(due.date(), moment.day)
    text = (f"按第六十五条计算:{_named(moment)}的外事活动,书面请示最晚须于 {_shown(due)} 前报区政府外事办"
            "(提前7个工作日,活动当天不计,周末、法定节假日不计,调休上班日计入)。")
    return DeadlineStatement(65, DeadlineKind.FOREIGN_AFFAIRS, due, estimated, text + (ESTIMATED_NOTE if estimated else ""))


def _public_opinion(moment: Moment, now: datetime, calendar: WorkdayCalendar) -> DeadlineStatement:
    due = public_opinion_deadline(_at(moment, now))
    if moment.at is not None:
        text = f"按第二十七条计算:舆情于{_named(moment)}发生,最晚须于 {_shown(due)} 前发布信息(24小时内)。"
    else:
        text = (f"按第二十七条计算:舆情于{_named(moment)}发生,须在24小时内发布信息,即最晚于 "
                f"{format_day(moment.day + timedelta(days=1))} 与发生时刻相同的时刻前。")
    return DeadlineStatement(27, DeadlineKind.PUBLIC_OPINION, due, False, text)


def _leave_return(moment: Moment, now: datetime, calendar: WorkdayCalendar) -> DeadlineStatement:
    due = leave_return_deadline(moment.day, now.tzinfo)
    text = f"按第八十二条计算:假期到{_named(moment)}结束的,应于当天、最晚 {_shown(due)} 前销假。"
    return DeadlineStatement(82, DeadlineKind.LEAVE_RETURN, due, False, text)


_STATEMENTS = {
    DeadlineKind.AGENDA: _agenda,
    DeadlineKind.NORMATIVE_DOCUMENT: _normative_document,
    DeadlineKind.FOREIGN_AFFAIRS: _foreign_affairs,
    DeadlineKind.PUBLIC_OPINION: _public_opinion,
    DeadlineKind.LEAVE_RETURN: _leave_return,
}
