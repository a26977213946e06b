"""District government meetings (第四十四条 to 第四十七条): registering, listing, cancelling.

The office (办公室 staff or ADMIN_TELEGRAM_IDS; the command line counts as the office) registers a
meeting with its type, start, place and chair, or a weekly series in one step. Registering a
区政府常务会议 or 区长专题会议 also creates its agenda-materials deadline (3 days before, 第四十八条)
in the deadline store; cancelling the meeting closes that deadline and returns its open items.

Try it::

    /meeting 2026-12-09 09:00 常务会议 区政府第一会议室 连续4周
    officebot meetings add --date 2026-12-09 --time 09:00 --type 常务会议 --weeks 4
    /meetings
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from sqlalchemy.orm import Session

from office.actors import Actor, record_audit, recorded_actor
from office.dates import format_day
from office.deadline_rules import agenda_deadline
from office.deadlines import add_deadline, close_source_deadlines
from office.reminders import AlertPolicy
from office.directory import StaffMember, all_members, is_admin, members_with_role
from office.notices import Notice
from storage.agenda import ItemState, Meeting, MeetingType, items_of_meeting, meeting_by_id, meeting_exists, meetings_between
from storage.people import Role

# 第四十八条 (materials at least 3 days before the meeting) binds these two meeting types only.
DEADLINE_RULE_TYPES = (MeetingType.EXECUTIVE, MeetingType.MAYOR_TOPIC)
OFFICE_UNIT = "区政府办公室"
MAX_PLACE = 128  # storage/agenda.py Meeting.place
MAX_SERIES_WEEKS = 52

# What people type for each type; the full names are accepted too.
TYPE_ALIASES = {
    "全体会议": MeetingType.PLENARY,
    "常务会议": MeetingType.EXECUTIVE,
    "区长专题会": MeetingType.MAYOR_TOPIC,
    "副区长专题会": MeetingType.VICE_MAYOR_TOPIC,
} | {kind.value: kind for kind in MeetingType}

# 第四十五至四十七条: who may chair each type. The first role is the default chair.
CHAIR_ROLES = {
    MeetingType.PLENARY: (Role.MAYOR,),
    MeetingType.EXECUTIVE: (Role.MAYOR, Role.EXECUTIVE_VICE_MAYOR),
    MeetingType.MAYOR_TOPIC: (Role.MAYOR,),
    MeetingType.VICE_MAYOR_TOPIC: (Role.EXECUTIVE_VICE_MAYOR, Role.VICE_MAYOR),
}


class MeetingError(ValueError):
    """A meeting operation that was refused; the message (Chinese) says what to fix."""


def parse_meeting_type(text: str) -> MeetingType:
    kind = TYPE_ALIASES.get(text.strip())
    if kind is None:
        raise MeetingError(f"未知会议类型「{text}」,可选:全体会议、常务会议、区长专题会议、副区长专题会议")
    return kind


def materials_due(meeting: Meeting) -> datetime | None:
    """When the agenda materials are due (第四十八条), or None where that rule does not apply."""
    if meeting.kind_enum not in DEADLINE_RULE_TYPES:
        return None
    return agenda_deadline(meeting.starts_at)


def format_moment(moment: datetime, tz: tzinfo) -> str:
    """2026-12-09(周三)09:00 in the office's time zone."""
    local = moment.astimezone(tz)
    return f"{format_day(local.date())}{local:%H:%M}"


def meeting_label(meeting: Meeting, tz: tzinfo) -> str:
    chair = f",主持:{meeting.chair.name}" if meeting.chair else ""
    place = f",{meeting.place}" if meeting.place else ""
    cancelled = "(已取消)" if meeting.cancelled else ""
    return f"{format_moment(meeting.starts_at, tz)} {meeting.kind}{cancelled}(#{meeting.id}{place}{chair})"


def _check_office(session: Session, actor: Actor | None, admin_ids: Iterable[int]) -> None:
    # The command line (no actor) is run by the operator on the server and acts as the office.
    if actor is None:
        return
    if not is_admin(session=session, actor=actor, settings_admin_ids=admin_ids):
        raise MeetingError("只有区政府办公室可以登记或取消会议。")


def _resolve_chair(session: Session, kind: MeetingType, chair_name: str | None) -> StaffMember:
    roles = CHAIR_ROLES[kind]
    allowed = "、".join(role.value for role in roles)
    if chair_name:
        matches = [m for m in all_members(session=session) if m.name == chair_name.strip() and m.role in roles]
        if len(matches) != 1:
            raise MeetingError(f"{kind.value}的主持人应为{allowed};名录中没有唯一一位叫「{chair_name}」的{allowed}。")
        return matches[0]
    if kind is MeetingType.VICE_MAYOR_TOPIC:
        raise MeetingError("副区长专题会议请写明主持人,例如「主持:李四」。")
    mayors = members_with_role(session=session, role=Role.MAYOR)
    if not mayors:
        raise MeetingError("名录中没有区长,无法确定会议主持人;请先登记区长,或写明主持人。")
    return mayors[0]


def register_meetings(
    *,
    session: Session,
    kind: MeetingType,
    starts_at: datetime,
    place: str,
    chair_name: str | None,
    weeks: int,
    actor: Actor | None,
    admin_ids: Iterable[int],
    now: datetime,
    policy: AlertPolicy | None = None,
) -> list[Meeting]:
    """Register one meeting, or `weeks` weekly meetings at the same local time, all or none.
    `actor` None is the command line's operator."""
    _check_office(session, actor, admin_ids)
    if starts_at.tzinfo is None:
        raise ValueError("starts_at must be time-zone aware")
    if not 1 <= weeks <= MAX_SERIES_WEEKS:
        raise MeetingError(f"连续周数应在 1 到 {MAX_SERIES_WEEKS} 之间。")
    if starts_at <= now:
        raise MeetingError("会议时间已过,请登记今后的会议。")
    if len(place.strip()) > MAX_PLACE:
        raise MeetingError(f"会议地点太长(最多 {MAX_PLACE} 字)。")
    chair = _resolve_chair(session, kind, chair_name)
    creator = recorded_actor(session, actor)
    meetings: list[Meeting] = []
    for week in range(weeks):
        # Aware arithmetic in the caller's zone keeps the wall-clock time across weeks.
        moment = starts_at + timedelta(weeks=week)
        if meeting_exists(session, kind.value, moment):
            raise MeetingError(f"{format_day(moment.date())}{moment:%H:%M} 已登记过{kind.value},未重复登记。")
        meeting = Meeting(
            kind=kind.value,
            starts_at=moment,
            place=place.strip(),
            chair_person_id=chair.person_id,
            series_id=meetings[0].id if meetings else None,
            created_by_person_id=creator.person_id,
            created_by_telegram_id=creator.telegram_id,
        )
        session.add(meeting)
        session.flush()
        if weeks > 1 and not meetings:
            meeting.series_id = meeting.id
        record_audit(
            session,
            actor,
            action="created",
            entity="meeting",
            entity_id=meeting.id,
            detail={"kind": kind.value, "starts_at": moment.isoformat(), "place": meeting.place, "chair": chair.name},
        )
        _add_materials_deadline(session, meeting, actor, now, policy)
        meetings.append(meeting)
    return meetings


def _add_materials_deadline(
    session: Session, meeting: Meeting, actor: Actor | None, now: datetime, policy: AlertPolicy | None
) -> None:
    due = materials_due(meeting)
    if due is None:
        return
    add_deadline(
        session=session,
        title=f"{meeting.kind}({meeting.starts_at.date().isoformat()} 召开)议题材料报送截止",
        due_at=due,
        kind="agenda",
        rule_article=48,
        source_type="meeting",
        source_id=meeting.id,
        responsible_person_id=None,
        responsible_unit=OFFICE_UNIT,
        actor=actor,
        now=now,
        policy=policy,
    )


def cancel_meeting(
    *,
    session: Session,
    meeting_id: int,
    reason: str,
    actor: Actor | None,
    admin_ids: Iterable[int],
    tz: tzinfo,
    now: datetime,
) -> tuple[Meeting, list[Notice]]:
    """Cancel a meeting: its deadline is closed and its open items are returned to their proposers."""
    _check_office(session, actor, admin_ids)
    meeting = meeting_by_id(session, meeting_id)
    if meeting is None:
        raise MeetingError(f"没有编号为 {meeting_id} 的会议。")
    if meeting.cancelled:
        raise MeetingError("该会议已经取消。")
    reason = reason.strip() or "未说明"
    meeting.cancelled, meeting.cancel_reason = True, reason
    record_audit(session, actor, action="cancelled", entity="meeting", entity_id=meeting.id, detail={"reason": reason})
    close_source_deadlines(session=session, source_type="meeting", source_id=meeting.id, state="cancelled", actor=actor,
                           now=now)
    notices = []
    open_states = [ItemState.DRAFT, ItemState.OVERSEER_REVIEW, ItemState.LEADER_APPROVAL, ItemState.SCHEDULED]
    for item in items_of_meeting(session, meeting.id, states=open_states):
        item.state, item.return_reason, item.position = ItemState.RETURNED.value, f"会议已取消:{reason}", None
        record_audit(session, actor, action="returned", entity="agenda_item", entity_id=item.id,
                     detail={"reason": item.return_reason})
        notices.append(Notice(f"议题「{item.title}」已退回:{meeting_label(meeting, tz)}已取消({reason})。",
                              person_id=item.proposer_person_id, recipient=f"「{item.title}」的提出人{item.proposer.name}"))
    return meeting, notices


def upcoming_meetings(*, session: Session, now: datetime, days: int = 60) -> list[Meeting]:
    return meetings_between(session, now, now + timedelta(days=days))


def meetings_on_day(*, session: Session, day: date, tz: tzinfo) -> list[Meeting]:
    """The day's meetings, cancelled ones included (they say so when shown)."""
    start = datetime.combine(day, time(0), tz)
    return meetings_between(session, start, start + timedelta(days=1), include_cancelled=True)


MEETING_TIME = re.compile(r"([01]?\d|2[0-3])[:：]([0-5]\d)")
MEETING_NUMBER = re.compile(r"[#＃](\d{1,12})")
PICK_EXAMPLE = "在日期后写开始时间「{time}」或会议编号「#{id}」"


@dataclass(frozen=True)
class MeetingPick:
    """Which of a day's meetings someone means: by type, start time (HH:MM) and/or number (#id);
    two meetings of one type on one day are told apart by the last two."""

    kind: MeetingType | None = None
    at: time | None = None
    meeting_id: int | None = None

    def matches(self, meeting: Meeting, tz: tzinfo) -> bool:
        local = meeting.starts_at.astimezone(tz)
        return ((self.kind is None or meeting.kind_enum is self.kind)
                and (self.at is None or (local.hour, local.minute) == (self.at.hour, self.at.minute))
                and (self.meeting_id is None or meeting.id == self.meeting_id))

    def describe(self) -> str:
        """What was asked for, e.g. "15:00 的区长专题会议" or "编号 #4 的会议"."""
        number = f"编号 #{self.meeting_id} 的" if self.meeting_id is not None else ""
        at = f"{self.at:%H:%M} 的" if self.at is not None else ""
        return f"{number}{at}{self.kind.value if self.kind else '会议'}"


def parse_meeting_time(text: str) -> time | None:
    """HH:MM (also with a full-width colon) as a time, else None."""
    clock = MEETING_TIME.fullmatch(text.strip())
    return time(int(clock[1]), int(clock[2])) if clock else None


def parse_meeting_pick(words: list[str]) -> tuple[MeetingPick, list[str]]:
    """The leading words that pick a meeting — a type, HH:MM, #number, in any order — and the rest
    (e.g. the title of `/agenda 2026-12-09 15:00 区长专题会议 关于XX的请示`)."""
    kind, at, meeting_id, index = None, None, None, 0
    for index, word in enumerate([*words, ""]):
        if kind is None and word in TYPE_ALIASES:
            kind = TYPE_ALIASES[word]
        elif at is None and (clock := parse_meeting_time(word)) is not None:
            at = clock
        elif meeting_id is None and (number := MEETING_NUMBER.fullmatch(word)):
            meeting_id = int(number[1])
        else:
            break
    return MeetingPick(kind, at, meeting_id), words[index:]


def _candidate(meeting: Meeting, tz: tzinfo) -> str:
    """One line of a choice between meetings: number, time, type, place and chair."""
    place = f",{meeting.place}" if meeting.place else ""
    chair = f",主持:{meeting.chair.name}" if meeting.chair else ""
    return f"#{meeting.id} {meeting.starts_at.astimezone(tz):%H:%M} {meeting.kind}{place}{chair}"


def find_meeting(
    *, session: Session, day: date, tz: tzinfo, pick: MeetingPick = MeetingPick(), example: str = PICK_EXAMPLE,
    listing: str = "/meetings",
) -> Meeting:
    """The one meeting held on `day` that `pick` names, or a MeetingError saying what exists; when
    several fit, it lists them and shows how to pick one (`example`, formatted with the first one's
    {time}, {id} and {kind}); with none that day it points at `listing` (the chat's /meetings)."""
    on_day = meetings_on_day(session=session, day=day, tz=tz)
    wanted = [m for m in on_day if pick.matches(m, tz)]
    matches = [m for m in wanted if not m.cancelled]
    if len(matches) == 1:
        return matches[0]
    if not matches and wanted:
        raise MeetingError(f"{meeting_label(wanted[0], tz)},取消原因:{wanted[0].cancel_reason}。")
    live = [m for m in on_day if not m.cancelled]
    if not live:
        raise MeetingError(f"{format_day(day)} 没有已登记的会议,请用 {listing} 查看近期会议。")
    if not matches:
        listed = ";".join(meeting_label(m, tz) for m in live)
        raise MeetingError(f"{format_day(day)} 没有{pick.describe()},当天的会议:{listed}")
    first = matches[0]
    how = example.format(time=f"{first.starts_at.astimezone(tz):%H:%M}", id=first.id, kind=first.kind)
    lines = "\n".join(_candidate(m, tz) for m in matches)
    raise MeetingError(f"{format_day(day)} 有 {len(matches)} 个{pick.describe()}:\n{lines}\n请写明是哪一个,{how}。")
