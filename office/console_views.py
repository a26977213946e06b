"""What the web console's pages show, already cut to what the viewer may see (office/console_access.py).

Plain data only; the web layer renders it. Try it in a shell: `away_between(session=…, viewer=…,
start=date(2026, 12, 7), end=date(2026, 12, 13))`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.orm import Session

from office.actors import Actor, acting_person
from office.agenda_checks import is_late
from office.agenda_gaps import missing_materials
from office.console_access import Viewer
from office.deadline_rules import KIND_LABELS
from office.deadlines import may_manage
from office.leave import FiledLeave
from office.leave_views import PendingApproval, away_on, pending_for
from office.meetings import materials_due, upcoming_meetings
from storage import deadlines as deadline_store
from storage.agenda import AgendaItem, ItemState, Meeting, items_of_meeting
from storage.audit import AuditEntry
from storage.deadlines import ReminderState
from storage.leaves import LeaveReport
from storage.people import Person


@dataclass(frozen=True)
class Waiting:
    approval: PendingApproval
    since: datetime

    def waited(self, now: datetime) -> str:
        hours = max(0, int((now - self.since).total_seconds() // 3600))
        return f"{hours // 24} 天 {hours % 24} 小时" if hours >= 24 else f"{hours} 小时"


@dataclass(frozen=True)
class DeadlineRow:
    id: int
    title: str
    kind: str
    rule_article: int | None
    due_at: datetime
    responsible: str | None
    overdue: bool
    reminders: str  # each reminder's delivery state, counted: 已发送 2 · 待发送 1
    manageable: bool  # the viewer may 完成 / 推迟 it (office/deadlines.py may_manage)


@dataclass(frozen=True)
class MeetingRow:
    meeting: Meeting
    items: int
    late: int
    due_at: datetime | None


@dataclass(frozen=True)
class ItemRow:
    item: AgendaItem
    late: bool
    missing: list[str]


def waiting_approvals(*, session: Session, viewer: Viewer) -> list[Waiting]:
    """The leave approvals waiting for the viewer, oldest first, with when the report was filed."""
    pending = pending_for(session=session, member=viewer.member)
    filed = {r.id: r.created_at for r in session.scalars(
        select(LeaveReport).where(LeaveReport.id.in_([p.leave.id for p in pending])))}
    return sorted((Waiting(p, filed[p.leave.id]) for p in pending), key=lambda w: w.since)


def away_between(*, session: Session, viewer: Viewer, start: date, end: date) -> dict[date, list[FiledLeave]]:
    """Day → the approved leaves covering it that the viewer may see, for start..end inclusive."""
    days: dict[date, list[FiledLeave]] = {}
    day = start
    while day <= end:
        days[day] = [leave for leave in away_on(session=session, day=day) if viewer.sees(leave.filer)]
        day += timedelta(days=1)
    return days


def distinct_leaves(days: dict[date, list[FiledLeave]]) -> list[FiledLeave]:
    seen: dict[int, FiledLeave] = {}
    for leaves in days.values():
        for leave in leaves:
            seen.setdefault(leave.id, leave)
    return list(seen.values())


def visible_deadlines(*, session: Session, viewer: Viewer, now: datetime) -> list[DeadlineRow]:
    """Open deadlines the viewer may see: all for the office; a leader's overseen units; their own
    unit for a 部门正职; their own and those they created for everyone."""
    rows = []
    for d in deadline_store.open_deadlines(session):
        person = d.responsible_person_id
        own = viewer.member.person_id in (person, d.created_by_person_id)
        unit = d.responsible_unit
        if person is not None and unit is None:
            holder = session.get(Person, person)
            unit = holder.unit if holder else None
        if own or viewer.sees_unit(unit):
            manageable = may_manage(session=session, deadline=d, member=viewer.member, is_admin=viewer.is_office)
            rows.append(DeadlineRow(d.id, d.title, KIND_LABELS.get(d.kind, d.kind), d.rule_article, d.due_at,
                                    deadline_store.responsible_label(session, d), d.due_at < now,
                                    reminder_states(d), manageable))
    return rows


REMINDER_STATES = {
    ReminderState.SENT: "已发送", ReminderState.PENDING: "待发送", ReminderState.SENDING: "发送中",
    ReminderState.FAILED: "发送失败", ReminderState.UNCERTAIN: "送达不明", ReminderState.SKIPPED: "已合并",
    ReminderState.CANCELLED: "已取消",
}


def reminder_states(deadline: deadline_store.Deadline) -> str:
    counts: dict[str, int] = {}
    for reminder in deadline.reminders:
        label = REMINDER_STATES.get(ReminderState(reminder.state), reminder.state)
        counts[label] = counts.get(label, 0) + 1
    return " · ".join(f"{label} {count}" for label, count in counts.items()) or "尚无提醒"


def next_meetings(*, session: Session, now: datetime, days: int = 60) -> list[MeetingRow]:
    rows = []
    for meeting in upcoming_meetings(session=session, now=now, days=days):
        live = [i for i in items_of_meeting(session, meeting.id) if i.state != ItemState.RETURNED.value]
        late = sum(1 for i in live if i.submitted_at and is_late(due_at=i.due_at, submitted_at=i.submitted_at))
        rows.append(MeetingRow(meeting, len(live), late, materials_due(meeting)))
    return rows


def agenda_rows(*, session: Session, viewer: Viewer, meeting: Meeting) -> list[ItemRow]:
    """The meeting's items the viewer may see (the office: all), in agenda order, with late and missing marks."""
    items = [i for i in items_of_meeting(session, meeting.id)
             if viewer.sees_unit(i.proposing_unit) or i.proposer_person_id == viewer.member.person_id]
    return [ItemRow(i, bool(i.submitted_at and is_late(due_at=i.due_at, submitted_at=i.submitted_at)),
                    missing_materials(i)) for i in items]


@dataclass(frozen=True)
class AuditRow:
    """One audit row as the page shows it, naming who acted."""

    at: datetime
    actor: str  # 张三(区政府办公室), Telegram 9001 (an administrator outside the directory), 命令行或系统
    action: str
    entity: str
    entity_id: int
    detail: dict | None


def audit_entries(*, session: Session, entity: str = "", actor: Actor | None = None, limit: int = 200) -> list[AuditRow]:
    """The latest audit rows, newest first, optionally of one entity kind or of what one actor did
    (matched as their rows name them: by person, or an outsider by Telegram id)."""
    query = select(AuditEntry)
    if entity:
        query = query.where(AuditEntry.entity == entity)
    if actor is not None:
        query = query.where(_acted_by(acting_person(session, actor, active_only=False), actor))
    entries = list(session.scalars(query.order_by(AuditEntry.id.desc()).limit(limit)))
    ids = {e.actor_person_id for e in entries if e.actor_person_id is not None}
    people = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(ids)))} if ids else {}
    return [AuditRow(e.at, _actor_label(e, people), e.action, e.entity, e.entity_id, e.detail) for e in entries]


def _acted_by(person: Person | None, actor: Actor) -> ColumnElement[bool]:
    """Rows naming the person, and the rows of their Telegram id from before they were registered
    (an ADMIN_TELEGRAM_IDS administrator outside the directory is recorded by that id)."""
    telegram_id = person.telegram_id if person is not None else actor.telegram_id
    by_telegram = AuditEntry.actor_telegram_id == telegram_id if telegram_id is not None else false()
    return or_(AuditEntry.actor_person_id == person.id, by_telegram) if person is not None else by_telegram


def _actor_label(entry: AuditEntry, people: dict[int, Person]) -> str:
    person = people.get(entry.actor_person_id) if entry.actor_person_id is not None else None
    if person is not None:
        return f"{person.name}({person.unit})"
    if entry.actor_telegram_id is not None:
        return f"Telegram {entry.actor_telegram_id}"
    return "命令行或系统"


@dataclass(frozen=True)
class TroubledReminder:
    deadline_title: str
    chat: str  # "telegram:-1001…", "dingtalk:cid…"
    lead: str
    state: str
    error: str


def failed_reminders(*, session: Session, viewer: Viewer, visible_ids: set[int], limit: int = 20) -> list[TroubledReminder]:
    """Reminders Telegram refused or whose delivery is unknown, of the deadlines the viewer sees (office: all)."""
    rows = deadline_store.troubled_reminders(session, limit=limit)
    return [TroubledReminder(r.deadline.title, f"{r.channel}:{r.chat_id}", r.lead, REMINDER_STATES.get(ReminderState(r.state), r.state),
                             r.last_error or "") for r in rows if viewer.is_office or r.deadline_id in visible_ids]


def leave_days_by_unit(days: dict[date, list[FiledLeave]]) -> list[tuple[str, float]]:
    """(unit, person-days away) over the given days, most first: what the calendar's chart draws.
    A half day (上午/下午) at either end counts as a whole calendar day here."""
    totals: dict[str, float] = {}
    for leaves in days.values():
        for leave in leaves:
            totals[leave.filer.unit] = totals.get(leave.filer.unit, 0) + 1
    return sorted(totals.items(), key=lambda pair: (-pair[1], pair[0]))
