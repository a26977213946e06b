"""The one-line forms of /deadline, /document, /foreign and /incident: parse, plan, record.

    /deadline 2026-12-05 17:00 提交整改报告 @区财政局      date, optional time, title, optional @target
    /document 2026-11-20 关于加强物业管理的通知 @区住建委  publication date, document title
    /foreign 2026-12-20 赴日本友好城市交流               event date, event
    /incident 2026-11-26 21:30 网传学校食堂问题           when it happened (default now), what

Dates use the grammar of `office.dates` (2026-12-05, 12月5日, 下周一 …); a missing time means the
end of office hours (18:00) for /deadline. `@target` is a person's name or a unit from the
directory (`resolve_target`). Only `record_deadline` stores anything. Try it::

    >>> from datetime import date
    >>> line = parse_line("2026-12-05 17:00 提交整改报告 @区财政局", today=date(2026, 11, 26))
    >>> (line.day.isoformat(), line.at, line.title, line.target)
    ('2026-12-05', datetime.time(17, 0), '提交整改报告', '区财政局')
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from sqlalchemy.orm import Session

from office.actors import Actor
from office.dates import DateError, parse_date
from office.deadline_rules import (
    END_OF_WORKDAY,
    KIND_ARTICLES,
    DeadlineKind,
    foreign_affairs_deadline,
    normative_document_deadline,
    public_opinion_deadline,
)
from office.deadlines import LEADER_ROLES, DeadlineError, add_deadline
from office.directory import StaffMember, acting_member, all_members
from office.reminders import AlertPolicy
from office.workdays import WorkdayCalendar
from storage import deadlines as store
from storage.people import Role

_TIME = re.compile(r"^(\d{1,2})[:：](\d{2})$")
_DATE_LIKE = re.compile(r"^\d{1,4}[-/.年月]")  # meant as a date, even when not a valid one
NOT_REGISTERED = "您尚未登记在区政府人员名录中,不能设置期限。请联系区政府办公室登记。"


class LineError(ValueError):
    """A line that does not follow its command's form; the message (Chinese) shows the form."""


@dataclass(frozen=True)
class Line:
    day: date | None
    at: time | None
    title: str
    target: str | None


def parse_when(text: str, *, today: date) -> tuple[date, time | None]:
    """A date with an optional time, as the guided forms ask for it: "2026-12-05 17:00", "明天"."""
    words = unicodedata.normalize("NFKC", text).split()
    if not words:
        raise LineError("请发送日期,例如 2026-12-05、明天、12月5日。")
    try:
        day = parse_date(words[0], today=today)
    except DateError as error:
        raise LineError(str(error)) from None
    if len(words) == 1:
        return day, None
    match = _TIME.match(words[1])
    if len(words) > 2 or match is None:
        raise LineError("只需发送日期和(可选的)时间,例如 2026-12-05 17:00。")
    hour, minute = int(match[1]), int(match[2])
    if hour > 23 or minute > 59:
        raise LineError(f"时间不存在:「{words[1]}」")
    return day, time(hour, minute)


def parse_line(text: str, *, today: date, date_required: bool = True) -> Line:
    """`[DATE [HH:MM]] TITLE [@TARGET]`; the date may be left out only when not `date_required`."""
    words = unicodedata.normalize("NFKC", text).split()
    target = None
    if words and words[-1].startswith("@") and len(words[-1]) > 1:
        target = words.pop()[1:]
    day = at = None
    if words:
        try:
            day = parse_date(words[0], today=today)
            words.pop(0)
        except DateError as error:
            if date_required or _DATE_LIKE.match(words[0]):
                raise LineError(str(error)) from None
    if day is not None and words and (match := _TIME.match(words[0])):
        hour, minute = int(match[1]), int(match[2])
        if hour > 23 or minute > 59:
            raise LineError(f"时间不存在:「{words[0]}」")
        at = time(hour, minute)
        words.pop(0)
    title = " ".join(words)
    if not title:
        raise LineError("请写明事项内容。")
    return Line(day=day, at=at, title=title, target=target)


@dataclass(frozen=True)
class Responsible:
    person_id: int | None
    unit: str | None
    label: str


def resolve_target(*, session: Session, member: StaffMember, target: str | None) -> Responsible:
    """`@张三` (a person's name) or `@区财政局` (a unit) from the directory; none = the member."""
    if target is None:
        return Responsible(member.person_id, member.unit, member.name)
    people = [m for m in all_members(session=session) if m.name == target]
    if len(people) == 1:
        return Responsible(people[0].person_id, people[0].unit, people[0].label)
    if len(people) > 1:
        raise DeadlineError(f"名录中有 {len(people)} 位「{target}」,请改用单位名称指定。")
    if any(m.unit == target for m in all_members(session=session)):
        return Responsible(None, target, target)
    raise DeadlineError(f"名录中没有名为「{target}」的人员或单位。")


def _check_assign(session: Session, member: StaffMember, responsible: Responsible, is_admin: bool) -> None:
    """Anyone for themselves or their unit; unit heads within their unit; leaders and the office for anyone."""
    if is_admin or member.role in LEADER_ROLES:
        return
    unit = responsible.unit or store.unit_of_person(session, responsible.person_id)
    if responsible.person_id == member.person_id or (responsible.person_id is None and unit == member.unit):
        return
    if member.role is Role.UNIT_HEAD and unit == member.unit:
        return
    raise DeadlineError("只能为本人或本单位设置期限;为其他人员或单位设置请联系区政府办公室。")


@dataclass(frozen=True)
class Planned:
    """What a command line means: the deadline to record (not stored yet)."""

    kind: DeadlineKind
    title: str
    due_at: datetime
    source_type: str | None
    estimated_calendar: bool = False


@dataclass(frozen=True)
class Recorded:
    """A deadline just recorded by a command, for the reply."""

    deadline_id: int
    title: str
    due_at: datetime
    responsible: str
    estimated_calendar: bool = False


def record_deadline(
    *, session: Session, actor: Actor, is_admin: bool, planned: Planned, target: str | None, now: datetime,
    policy: AlertPolicy | None = None,
) -> Recorded:
    """Shared by /deadline, /document, /foreign and /incident: check, then `add_deadline`. The actor
    must be in the directory: a deadline without `target` is their own."""
    member = acting_member(session=session, actor=actor)
    if member is None:
        raise DeadlineError(NOT_REGISTERED)
    responsible = resolve_target(session=session, member=member, target=target)
    _check_assign(session, member, responsible, is_admin)
    deadline = add_deadline(
        session=session,
        title=planned.title,
        due_at=planned.due_at,
        kind=planned.kind.value,
        rule_article=KIND_ARTICLES.get(planned.kind),
        source_type=planned.source_type,
        source_id=None,
        responsible_person_id=responsible.person_id,
        responsible_unit=responsible.unit,
        actor=actor,
        now=now,
        policy=policy,
    )
    return Recorded(deadline.id, deadline.title, deadline.due_at, responsible.label, planned.estimated_calendar)


def plan_custom(line: Line, *, now: datetime, tz: tzinfo) -> Planned:
    """/deadline DATE [HH:MM] TITLE: the time defaults to the end of office hours."""
    due_at = datetime.combine(line.day, line.at or END_OF_WORKDAY, tzinfo=tz)
    if due_at <= now:
        raise DeadlineError(f"截止时间 {due_at.astimezone(tz):%Y-%m-%d %H:%M} 已过,请填写将来的时间。")
    return Planned(DeadlineKind.CUSTOM, line.title, due_at, None)


def plan_document(line: Line, *, now: datetime, tz: tzinfo) -> Planned:
    """/document PUBLISHED_ON TITLE: 第十七条 filing within 30 days of publication."""
    if line.day > now.astimezone(tz).date():
        raise DeadlineError("发布日期不能晚于今天:请在文件发布后登记。")
    due_at = normative_document_deadline(line.day, tz)
    return Planned(DeadlineKind.NORMATIVE_DOCUMENT, f"规范性文件备案:{line.title}", due_at, "document")


def plan_foreign(line: Line, *, now: datetime, tz: tzinfo, calendar: WorkdayCalendar) -> Planned:
    """/foreign EVENT_ON EVENT: 第六十五条 request 7 working days before."""
    if line.day <= now.astimezone(tz).date():
        raise DeadlineError("外事活动日期应在今天之后。")
    due_at = foreign_affairs_deadline(line.day, calendar, tz)
    estimated = calendar.estimated_between(due_at.astimezone(tz).date(), line.day)
    title = f"外事请示报外办:{line.title}({line.day:%Y-%m-%d})"
    return Planned(DeadlineKind.FOREIGN_AFFAIRS, title, due_at, "foreign_event", estimated)


def plan_incident(line: Line, *, now: datetime, tz: tzinfo) -> Planned:
    """/incident [DATE HH:MM] WHAT: 第二十七条 information published within 24 hours."""
    occurred_at = now
    if line.day is not None:
        occurred_at = datetime.combine(line.day, line.at or now.astimezone(tz).time(), tzinfo=tz)
    if occurred_at > now + timedelta(minutes=1):
        raise DeadlineError("舆情发生时间不能晚于现在。")
    return Planned(DeadlineKind.PUBLIC_OPINION, f"舆情回应:{line.title}", public_opinion_deadline(occurred_at), "incident")
