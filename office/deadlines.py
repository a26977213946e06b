"""Deadlines: the ones the rules create, custom ones, closing them and who may see or close them.

The rule-derived due times are in office/deadline_rules.py. Every change here is one
transaction with its audit row and its reminder outbox rows (`office.reminders`). Try it::

    officebot chat   # then: /deadline 2026-12-05 17:00 提交整改报告
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, tzinfo

from sqlalchemy.orm import Session

from office.actors import Actor, record_audit, recorded_actor
from office.alert_leads import DEFAULT_LEAD_TIMES, DEFAULT_LEAD_TIMES_BY_KIND
from office.deadline_rules import DeadlineKind
from office.directory import StaffMember, acting_member
from office.reminders import AlertPolicy, schedule_deadline, snooze
from office.workdays import WorkdayCalendar
from storage import deadlines as store
from storage.deadlines import Deadline, DeadlineState
from storage.people import Role

MAX_TITLE_CHARS = 200  # a deadline's title, as it appears in every alert
LEADER_ROLES = (Role.MAYOR, Role.EXECUTIVE_VICE_MAYOR, Role.VICE_MAYOR)


class DeadlineError(ValueError):
    """A refused deadline operation; the message (Chinese) says why."""


def alert_policy(
    *, lead_times: str = DEFAULT_LEAD_TIMES, lead_times_by_kind: str = DEFAULT_LEAD_TIMES_BY_KIND,
    timezone: str = "Asia/Shanghai",
) -> AlertPolicy:
    """The lead times per deadline kind: the office's configuration (ALERT_LEAD_TIMES*, handed in by
    the composition root) or, without arguments, the defaults. A mistyped lead time raises LeadTimeError."""
    return AlertPolicy.from_texts(lead_times, lead_times_by_kind, kinds=[kind.value for kind in DeadlineKind],
                                  timezone=timezone)


def add_deadline(
    *,
    session: Session,
    title: str,
    due_at: datetime,
    kind: str,
    rule_article: int | None,
    source_type: str | None,
    source_id: int | None,
    responsible_person_id: int | None,
    responsible_unit: str | None,
    actor: Actor | None,
    now: datetime,
    policy: AlertPolicy | None = None,
) -> Deadline:
    """Record a deadline with its audit row and its reminder outbox rows (same transaction);
    `actor` None is the command line or the bot itself."""
    try:
        kind = DeadlineKind(kind).value
    except ValueError:
        raise DeadlineError(f"未知的期限类型「{kind}」") from None
    title = " ".join(title.split())
    if not title:
        raise DeadlineError("请写明期限事项。")
    if len(title) > MAX_TITLE_CHARS:
        raise DeadlineError(f"期限事项过长(最多 {MAX_TITLE_CHARS} 字)。")
    if due_at.tzinfo is None:
        raise ValueError("due_at must be time-zone aware")
    policy = policy or alert_policy()
    creator = recorded_actor(session, actor)
    deadline = Deadline(
        title=title,
        kind=kind,
        rule_article=rule_article,
        due_at=due_at,
        source_type=source_type,
        source_id=source_id,
        responsible_person_id=responsible_person_id,
        responsible_unit=(responsible_unit or "").strip() or None,
        lead_times=",".join(lead.key for lead in policy.leads_for(kind)),
        state=DeadlineState.OPEN.value,
        created_by_person_id=creator.person_id,
        created_by_telegram_id=creator.telegram_id,
        created_at=now,
    )
    session.add(deadline)
    session.flush()
    reminders = schedule_deadline(session=session, deadline=deadline, now=now, tz=policy.timezone)
    record_audit(
        session,
        actor,
        action="created",
        entity="deadline",
        entity_id=deadline.id,
        detail={
            "kind": kind, "due_at": due_at.isoformat(), "source": f"{source_type}:{source_id}", "reminders": reminders
        },
    )
    return deadline


def _close(session: Session, deadline: Deadline, state: DeadlineState, actor: Actor | None, now: datetime) -> None:
    closer = recorded_actor(session, actor)
    deadline.state = state.value
    deadline.closed_at = now
    deadline.closed_by_person_id, deadline.closed_by_telegram_id = closer.person_id, closer.telegram_id
    stopped = store.cancel_pending(session, deadline_id=deadline.id)
    record_audit(
        session,
        actor,
        action=state.value,
        entity="deadline",
        entity_id=deadline.id,
        detail={"reminders_stopped": stopped},
    )


def close_source_deadlines(
    *, session: Session, source_type: str, source_id: int, state: str, actor: Actor | None, now: datetime
) -> int:
    """Close ("done" | "cancelled") the open deadlines of one source record; returns how many."""
    target = DeadlineState(state)
    if target is DeadlineState.OPEN:
        raise ValueError("close_source_deadlines closes; state must be 'done' or 'cancelled'")
    deadlines = store.open_deadlines_of_source(session, source_type=source_type, source_id=source_id)
    for deadline in deadlines:
        _close(session, deadline, target, actor, now)
    return len(deadlines)


def may_manage(*, session: Session, deadline: Deadline, member: StaffMember | None, is_admin: bool) -> bool:
    """Close or snooze: admins (办公室), the responsible person, the head of the responsible unit, the creator."""
    if is_admin:
        return True
    if member is None:
        return False
    if member.person_id in (deadline.responsible_person_id, deadline.created_by_person_id):
        return True
    unit = deadline.responsible_unit or store.unit_of_person(session, deadline.responsible_person_id)
    return member.role is Role.UNIT_HEAD and unit == member.unit


def get_deadline(*, session: Session, deadline_id: int) -> Deadline:
    deadline = store.deadline_by_id(session, deadline_id)
    if deadline is None:
        raise DeadlineError(f"没有编号为 {deadline_id} 的期限。")
    return deadline


def complete_deadline(
    *,
    session: Session,
    deadline_id: int,
    actor: Actor,
    is_admin: bool,
    now: datetime,
) -> Deadline:
    """/done ID and the 完成 button: close it and stop its reminders."""
    deadline = get_deadline(session=session, deadline_id=deadline_id)
    member = acting_member(session=session, actor=actor)
    if not may_manage(session=session, deadline=deadline, member=member, is_admin=is_admin):
        raise DeadlineError("只有责任人、责任单位负责人、创建人或区政府办公室可以办结此期限。")
    if deadline.state != DeadlineState.OPEN.value:
        raise DeadlineError(f"期限 {deadline_id} 已{'办结' if deadline.state == DeadlineState.DONE else '取消'},无需重复操作。")
    if deadline.kind == DeadlineKind.LEAVE_RETURN.value:
        # 第八十二条: only 销假 itself (/back, or cancelling the leave) ends these reminders.
        raise DeadlineError("销假提醒在销假后自动结束:返回后请私聊机器人发送 /back 销假。")
    _close(session, deadline, DeadlineState.DONE, actor, now)
    return deadline


def snooze_alerts(
    *,
    session: Session,
    deadline_id: int,
    chats: Iterable[tuple[str, str]],
    actor: Actor,
    is_admin: bool,
    calendar: WorkdayCalendar,
    tz: tzinfo,
    now: datetime,
    morning: time = time(9, 0),
) -> tuple[Deadline, datetime]:
    """The 推迟 button: the alerts of the deadline to `chats` ((channel, chat) pairs: the chat the button
    was pressed in, or a person's own chats on every messenger) pause until the next working day's morning."""
    deadline = get_deadline(session=session, deadline_id=deadline_id)
    member = acting_member(session=session, actor=actor)
    if not may_manage(session=session, deadline=deadline, member=member, is_admin=is_admin):
        raise DeadlineError("只有责任人、责任单位负责人、创建人或区政府办公室可以推迟提醒。")
    if deadline.state != DeadlineState.OPEN.value:
        raise DeadlineError(f"期限 {deadline_id} 已关闭,不再提醒。")
    next_day = calendar.add_working_days(now.astimezone(tz).date(), 1)
    until = datetime.combine(next_day, morning, tzinfo=tz)
    chats = list(chats)
    held = sum(snooze(session=session, deadline=deadline, channel=channel, chat_id=chat_id, until=until)
               for channel, chat_id in chats)
    record_audit(
        session,
        actor,
        action="snoozed",
        entity="deadline",
        entity_id=deadline.id,
        detail={"chats": [f"{channel}:{chat_id}" for channel, chat_id in chats], "until": until.isoformat(),
                "held": held},
    )
    return deadline, until


@dataclass(frozen=True)
class DeadlineView:
    """An open deadline as a list shows it (plain data, safe outside the session)."""

    id: int
    title: str
    kind: str
    rule_article: int | None
    due_at: datetime
    responsible: str | None


def open_deadlines_for(*, session: Session, actor: Actor, is_admin: bool) -> list[DeadlineView]:
    """/deadlines: everything for the office; otherwise mine, my unit's and the ones I created."""
    member = acting_member(session=session, actor=actor)
    if is_admin:
        rows = store.open_deadlines(session)
    elif member is None:
        rows = []
    else:
        rows = store.open_deadlines(
            session, person_id=member.person_id, unit=member.unit, creator_person_id=member.person_id
        )
    return [
        DeadlineView(d.id, d.title, d.kind, d.rule_article, d.due_at, store.responsible_label(session, d)) for d in rows
    ]
