"""Leave reports (请销假 / 报备): file, decide, withdraw, cancel and return (销假).

States: 待审批 → 已批准 (every approver agreed) | 已退回 (one sent it back) | 已撤回 (filer, before the
decision); 已批准 → 已取消 (filer, with a reason) | 已销假 (`/back`). 区长's reports are recorded
as 已批准 at once (asked of 市政府、区委 outside the bot). Every change is one transaction with its
audit row; an approved report gets a 第八十二条 "leave_return" deadline due on its end date.

Try it (in a test or `officebot chat`)::

    plan = plan_leave(session=s, request=LeaveRequest(person_id=7, kind="出差", start=..., end=...,
                      destination="上海", reason="参加长三角协作会"), now=now)
    filed = file_leave(session=s, request=plan.request, now=now)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy.orm import Session

from office.actors import Actor, record_audit
from office.dates import AFTERNOON, MORNING, WHOLE_DAY, format_day, half_day_slots
from office.deadline_rules import DeadlineKind, leave_return_deadline
from office.deadlines import add_deadline, close_source_deadlines
from office.reminders import AlertPolicy
from office.directory import NOT_REGISTERED, StaffMember, acting_member, member_of
from office.leave_meetings import NoMeeting, meeting_to_miss
from office.leave_presence import days_nobody_presides, nobody_presides_warning
from office.leave_routing import Approver, LeaveKind, Route, RoutingError, route_for
from storage.leaves import (
    LeaveApproval,
    LeaveReport,
    approval_by_id,
    approved_reports_of,
    lock_person,
    overlapping_reports,
    report_by_id,
)
from storage.people import Role

MAX_DAYS_WITHOUT_CONFIRMATION = 30
KINDS_NEEDING_PLACE = (LeaveKind.TRIP_ABROAD, LeaveKind.BUSINESS_TRIP)
MAX_PLACE_LENGTH = 128
MAX_REASON_LENGTH = 500
APPROVE, REJECT = "同意", "退回"


class LeaveState(StrEnum):
    PENDING = "待审批"
    APPROVED = "已批准"
    REJECTED = "已退回"
    WITHDRAWN = "已撤回"
    CANCELLED = "已取消"
    RETURNED = "已销假"


class LeaveError(ValueError):
    """A refused filing or action; the message (Chinese) says what to fix. Nothing was stored."""


@dataclass(frozen=True)
class LeaveRequest:
    """What the filer (the directory's `person_id`) asks for, already parsed (dates are dates)."""

    person_id: int
    kind: str
    start: date
    end: date
    destination: str = ""
    reason: str = ""
    start_period: str = WHOLE_DAY
    end_period: str = WHOLE_DAY
    meeting_id: int | None = None  # a 会议请假's registered meeting (office/leave_meetings.py)


@dataclass(frozen=True)
class LeavePlan:
    """A checked request with its route, shown for confirmation before anything is stored."""

    request: LeaveRequest
    filer: StaffMember
    kind: LeaveKind
    route: Route
    days: float
    warning: str = ""  # 第七条: nobody would preside on some days (office/leave_presence.py)

    @property
    def too_long(self) -> bool:
        return self.days > MAX_DAYS_WITHOUT_CONFIRMATION


@dataclass(frozen=True)
class ApprovalView:
    id: int
    label: str
    approver: StaffMember | None
    approver_role: Role | None
    decision: str | None
    note: str | None

    @property
    def display(self) -> str:
        return Approver(self.label, self.approver, self.approver_role).display


@dataclass(frozen=True)
class FiledLeave:
    """A stored report as plain data (safe outside the session)."""

    id: int
    state: LeaveState
    filer: StaffMember
    kind: LeaveKind
    start: date
    start_period: str
    end: date
    end_period: str
    destination: str
    reason: str
    recorded_only: bool
    acting: StaffMember | None
    cancel_reason: str | None
    approvals: tuple[ApprovalView, ...] = field(default=())
    meeting_id: int | None = None

    @property
    def dates_text(self) -> str:
        start, end = format_day(self.start, self.start_period), format_day(self.end, self.end_period)
        return start if start == end else f"{start} 至 {end}"

    @property
    def days(self) -> float:
        return _days(self.start, self.start_period, self.end, self.end_period)


@dataclass(frozen=True)
class Decision:
    """The outcome of one approver's decision."""

    leave: FiledLeave
    approval: ApprovalView
    completed: bool  # the report left 待审批 (approved by all, or sent back)
    warning: str = ""  # 第七条: now approved, it leaves nobody to preside on some days


def _days(start: date, start_period: str, end: date, end_period: str) -> float:
    first, last = half_day_slots(start, start_period, end, end_period)
    return (last - first + 1) / 2


def leave_of(report: LeaveReport) -> FiledLeave:
    """The plain view of a stored report."""
    return FiledLeave(
        id=report.id,
        state=LeaveState(report.state),
        filer=member_of(report.person),
        kind=LeaveKind(report.kind),
        start=report.start_date,
        start_period=report.start_period,
        end=report.end_date,
        end_period=report.end_period,
        destination=report.destination,
        reason=report.reason,
        recorded_only=report.recorded_only,
        acting=member_of(report.acting_person) if report.acting_person else None,
        cancel_reason=report.cancel_reason,
        approvals=tuple(_approval_view(a) for a in report.approvals),
        meeting_id=report.meeting_id,
    )


def _approval_view(approval: LeaveApproval) -> ApprovalView:
    return ApprovalView(
        id=approval.id,
        label=approval.label,
        approver=member_of(approval.approver) if approval.approver else None,
        approver_role=Role(approval.approver_role) if approval.approver_role else None,
        decision=approval.decision,
        note=approval.note,
    )


def parse_kind(text: str) -> LeaveKind:
    try:
        return LeaveKind(text.strip())
    except ValueError:
        kinds = "、".join(kind.value for kind in LeaveKind)
        raise LeaveError(f"未知的请假类型「{text.strip()}」,可选:{kinds}") from None


def check_start(start: date, today: date) -> None:
    """Starting today is allowed: 第八十二条's "事前" means before leaving, and a 会议请假 is often
    filed on the meeting's day."""
    if start < today:
        raise LeaveError(f"开始日期 {format_day(start)} 已过去,请从今天或以后开始")


def check_order(start: date, start_period: str, end: date, end_period: str) -> float:
    """The days from start to end; refused when the end comes first."""
    for period in (start_period, end_period):
        if period not in (WHOLE_DAY, MORNING, AFTERNOON):
            raise LeaveError(f"无法识别的时段「{period}」,只能是上午、下午或全天")
    first, last = half_day_slots(start, start_period, end, end_period)
    if last < first:
        raise LeaveError(
            f"结束时间({format_day(end, end_period)})早于开始时间({format_day(start, start_period)}),请检查日期"
        )
    return (last - first + 1) / 2


def _check_dates(request: LeaveRequest, today: date) -> float:
    days = check_order(request.start, request.start_period, request.end, request.end_period)
    check_start(request.start, today)
    return days


def check_place(kind: LeaveKind, destination: str) -> None:
    destination = destination.strip()
    if kind in KINDS_NEEDING_PLACE and not destination:
        raise LeaveError(f"{kind.value}须填写目的地,例如:/leave {kind.value} 2026-12-01 2026-12-03 上海 参加协作会")
    if kind is LeaveKind.MEETING and not destination:
        raise LeaveError("会议请假须写明会议名称,例如:/leave 会议请假 明天 区政府常务会议 在外调研")
    if len(destination) > MAX_PLACE_LENGTH:
        raise LeaveError(f"目的地/会议名称太长(最多 {MAX_PLACE_LENGTH} 字)")


def check_reason(reason: str) -> None:
    reason = reason.strip()
    if not reason:
        raise LeaveError("请写明事由")
    if len(reason) > MAX_REASON_LENGTH:
        raise LeaveError(f"事由太长(最多 {MAX_REASON_LENGTH} 字)")


def _check_text(request: LeaveRequest, kind: LeaveKind) -> None:
    check_place(kind, request.destination)
    check_reason(request.reason)


def _clashes(request: LeaveRequest, kind: LeaveKind, other: LeaveReport) -> bool:
    """Whether an open report of the same person (dates touching the request's) blocks the request.

    A 会议请假 is an absence from one meeting, not from the district: one is usually filed because
    of a trip, so it clashes only with another 会议请假 for the same meeting (the name as recorded).
    """
    if (kind is LeaveKind.MEETING) != (other.kind == LeaveKind.MEETING.value):
        return False
    if kind is LeaveKind.MEETING:
        if request.meeting_id is not None and other.meeting_id is not None:
            return other.meeting_id == request.meeting_id
        return other.destination == request.destination.strip()
    first, last = half_day_slots(request.start, request.start_period, request.end, request.end_period)
    other_first, other_last = half_day_slots(other.start_date, other.start_period, other.end_date, other.end_period)
    return other_first <= last and first <= other_last


def _check_overlap(session: Session, filer: StaffMember, request: LeaveRequest, kind: LeaveKind) -> None:
    for other in overlapping_reports(session, filer.person_id, request.start, request.end):
        if _clashes(request, kind, other):
            raise LeaveError(
                f"与您已有的请假(编号 {other.id},{other.kind},{format_day(other.start_date, other.start_period)}"
                f" 至 {format_day(other.end_date, other.end_period)},{other.state})时间重叠,请调整日期或先撤回/取消原申请"
            )


def filer_of(session: Session, person_id: int) -> StaffMember:
    """The filer, still an active member of the directory."""
    filer = acting_member(session=session, actor=Actor.of(person_id=person_id))
    if filer is None:
        raise LeaveError(NOT_REGISTERED)
    return filer


def route_of(session: Session, filer: StaffMember, kind: LeaveKind) -> Route:
    """The filer's route for this kind, or LeaveError naming whom the office must register."""
    try:
        return route_for(session=session, filer=filer, kind=kind)
    except RoutingError as exc:
        raise LeaveError(str(exc)) from None


def check_free(session: Session, request: LeaveRequest) -> None:
    """Refused when an open report of the filer already takes these dates (see `_clashes`)."""
    kind = parse_kind(request.kind)
    _check_overlap(session, filer_of(session, request.person_id), request, kind)


def plan_leave(*, session: Session, request: LeaveRequest, now: datetime) -> LeavePlan:
    """Check a request and find its approvers; raises LeaveError saying what to fix.

    `now` is aware and in the office's time zone: its date is "today".
    """
    filer = filer_of(session, request.person_id)
    kind = parse_kind(request.kind)
    days = _check_dates(request, now.date())
    _check_text(request, kind)
    _check_meeting(session, request, kind, now)
    _check_overlap(session, filer, request, kind)
    route = route_of(session, filer, kind)
    absent = days_nobody_presides(session, filer=filer, kind=kind, start=request.start,
                                  start_period=request.start_period, end=request.end, end_period=request.end_period)
    return LeavePlan(request=request, filer=filer, kind=kind, route=route, days=days,
                     warning=nobody_presides_warning(absent))


def _check_meeting(session: Session, request: LeaveRequest, kind: LeaveKind, now: datetime) -> None:
    if request.meeting_id is None:
        return
    if kind is not LeaveKind.MEETING:
        raise LeaveError("只有会议请假可以选择会议")
    assert now.tzinfo is not None
    try:
        meeting_to_miss(session=session, meeting_id=request.meeting_id, start=request.start, end=request.end,
                        tz=now.tzinfo)
    except NoMeeting as exc:
        raise LeaveError(str(exc)) from None


def presiding_warning(*, session: Session, leave: FiledLeave) -> str:
    """The 第七条 warning of a stored report, for its approval card and the office group ("" if none)."""
    absent = days_nobody_presides(session, filer=leave.filer, kind=leave.kind, start=leave.start,
                                  start_period=leave.start_period, end=leave.end, end_period=leave.end_period)
    return nobody_presides_warning(absent)


def file_leave(
    *, session: Session, request: LeaveRequest, now: datetime, confirmed_long: bool = False,
    policy: AlertPolicy | None = None,
) -> FiledLeave:
    """Store a checked request with its approvals (or, for 区长, as recorded and approved)."""
    lock_person(session, request.person_id)  # the overlap check below must see concurrent filings
    plan = plan_leave(session=session, request=request, now=now)
    if plan.too_long and not confirmed_long:
        raise LeaveError(f"请假共 {plan.days:g} 天,超过 {MAX_DAYS_WITHOUT_CONFIRMATION} 天,请确认后再提交")
    route = plan.route
    report = LeaveReport(
        person_id=plan.filer.person_id,
        kind=plan.kind.value,
        start_date=request.start,
        start_period=request.start_period,
        end_date=request.end,
        end_period=request.end_period,
        destination=request.destination.strip(),
        reason=request.reason.strip(),
        state=(LeaveState.APPROVED if route.recorded_only else LeaveState.PENDING).value,
        recorded_only=route.recorded_only,
        acting_person_id=route.acting.person_id if route.acting else None,
        meeting_id=request.meeting_id,
        created_at=now,
        decided_at=now if route.recorded_only else None,
        approvals=[
            LeaveApproval(
                position=position,
                label=approver.label,
                approver_person_id=approver.member.person_id if approver.member else None,
                approver_role=approver.role.value if approver.role else None,
            )
            for position, approver in enumerate(route.approvers)
        ],
    )
    session.add(report)
    session.flush()
    record_audit(
        session,
        Actor.of(person_id=plan.filer.person_id),
        action="recorded" if route.recorded_only else "filed",
        entity="leave",
        entity_id=report.id,
        detail={"kind": plan.kind.value, "start": request.start.isoformat(), "end": request.end.isoformat()},
    )
    if route.recorded_only:
        _add_return_deadline(session, report, now, policy)
    return leave_of(report)


def _add_return_deadline(session: Session, report: LeaveReport, now: datetime, policy: AlertPolicy | None) -> None:
    """第八十二条: 销假 is due on the end date; the deadlines dispatcher reminds the filer until /back."""
    add_deadline(
        session=session,
        title=f"销假:{report.person.name} {report.kind}(请假编号 {report.id})",
        due_at=leave_return_deadline(report.end_date, now.tzinfo),
        kind=DeadlineKind.LEAVE_RETURN.value,
        rule_article=82,
        source_type="leave",
        source_id=report.id,
        responsible_person_id=report.person_id,
        responsible_unit=report.person.unit,
        actor=None,
        now=now,
        policy=policy,
    )


def _close_return_deadline(session: Session, report: LeaveReport, state: str, actor: Actor, now: datetime) -> None:
    close_source_deadlines(session=session, source_type="leave", source_id=report.id, state=state, actor=actor, now=now)


def _may_decide(approval: LeaveApproval, decider: StaffMember, report: LeaveReport) -> bool:
    if decider.person_id == report.person_id:
        return False  # nobody approves their own report, not even as a member of the office
    if approval.approver_person_id is not None:
        return approval.approver_person_id == decider.person_id
    return approval.approver_role == decider.role.value


def decide_leave(
    *, session: Session, approval_id: int, actor: Actor, approve: bool, note: str | None, now: datetime,
    policy: AlertPolicy | None = None,
) -> Decision:
    """One approver's 同意 / 退回; the report is approved when every approver agreed."""
    approval = approval_by_id(session, approval_id)
    if approval is None:
        raise LeaveError("该审批事项不存在")
    report = report_by_id(session, approval.report_id, for_update=True)
    assert report is not None  # an approval always has its report (foreign key)
    # Read the approval again under a lock: a concurrent `/staff reassign` may have just handed it on.
    session.refresh(approval, with_for_update=True)
    decider = acting_member(session=session, actor=actor)
    if decider is None or not _may_decide(approval, decider, report):
        raise LeaveError("您不是该申请的审批人,无权审批")
    if report.state != LeaveState.PENDING:
        raise LeaveError(f"该申请当前状态为「{report.state}」,无需再审批")
    if approval.decision is not None:
        raise LeaveError(f"您已作出决定({approval.decision}),不能重复审批")
    note = (note or "").strip() or None
    if note and len(note) > MAX_REASON_LENGTH:
        raise LeaveError(f"附言太长(最多 {MAX_REASON_LENGTH} 字)")
    approval.decision = APPROVE if approve else REJECT
    approval.note = note
    approval.decided_by_person_id = decider.person_id
    approval.decided_at = now
    completed = False
    if not approve:
        report.state, report.decided_at, completed = LeaveState.REJECTED.value, now, True
    elif all(a.decision == APPROVE for a in report.approvals):
        report.state, report.decided_at, completed = LeaveState.APPROVED.value, now, True
    session.flush()
    record_audit(
        session,
        actor,
        action="approved" if approve else "rejected",
        entity="leave",
        entity_id=report.id,
        detail={"approval": approval.label, "note": note, "state": report.state},
    )
    leave, warning = leave_of(report), ""
    if report.state == LeaveState.APPROVED:
        _add_return_deadline(session, report, now, policy)
        warning = presiding_warning(session=session, leave=leave)
    return Decision(leave=leave, approval=_approval_view(approval), completed=completed, warning=warning)


def _own_report(session: Session, report_id: int, actor: Actor) -> LeaveReport:
    report = report_by_id(session, report_id, for_update=True)
    filer = acting_member(session=session, actor=actor)
    if report is None or filer is None or report.person_id != filer.person_id:
        raise LeaveError(f"没有找到您的请假申请(编号 {report_id})")
    return report


def withdraw_leave(*, session: Session, report_id: int, actor: Actor, now: datetime) -> FiledLeave:
    """The filer takes back a report nobody has finished deciding (已撤回); its approvers are to be
    told (office/leave_notices.py `withdrawal_notices`)."""
    report = _own_report(session, report_id, actor)
    if report.state != LeaveState.PENDING:
        raise LeaveError(f"该申请当前状态为「{report.state}」,只有待审批的申请可以撤回")
    report.state, report.closed_at = LeaveState.WITHDRAWN.value, now
    record_audit(session, actor, action="withdrawn", entity="leave", entity_id=report.id)
    return leave_of(report)


def cancel_leave(*, session: Session, report_id: int, actor: Actor, reason: str, now: datetime) -> FiledLeave:
    """The filer calls off an approved report before returning (已取消, with a reason). Everyone who
    was told the leave stands is to hear of it (office/leave_notices.py `cancellation_notices`)."""
    report = _own_report(session, report_id, actor)
    if report.state != LeaveState.APPROVED:
        raise LeaveError(f"该申请当前状态为「{report.state}」,只有已批准的请假可以取消")
    reason = reason.strip()
    if not reason:
        raise LeaveError("取消请假须写明原因")
    if len(reason) > MAX_REASON_LENGTH:
        raise LeaveError(f"原因太长(最多 {MAX_REASON_LENGTH} 字)")
    report.state, report.cancel_reason, report.closed_at = LeaveState.CANCELLED.value, reason, now
    record_audit(session, actor, action="cancelled", entity="leave", entity_id=report.id, detail={"reason": reason})
    _close_return_deadline(session, report, "cancelled", actor, now)
    return leave_of(report)


def return_from_leave(*, session: Session, actor: Actor, now: datetime, report_id: int | None = None) -> FiledLeave:
    """销假: close the filer's approved report that has begun (the latest one, unless named)."""
    filer = acting_member(session=session, actor=actor)
    if filer is None:
        raise LeaveError(NOT_REGISTERED)
    approved = approved_reports_of(session, filer.person_id)
    if report_id is not None:
        approved = [r for r in approved if r.id == report_id]
    begun = [r for r in approved if r.start_date <= now.date()]
    if not begun:
        if approved:
            upcoming = approved[0]
            raise LeaveError(
                f"您的请假(编号 {upcoming.id})从 {format_day(upcoming.start_date)} 开始,尚未开始,无需销假;"
                "如不再外出,请在 /leaves 中取消"
            )
        raise LeaveError("您没有需要销假的已批准请假")
    report = report_by_id(session, begun[-1].id, for_update=True)
    assert report is not None
    if report.state != LeaveState.APPROVED:  # decided by a concurrent /back
        raise LeaveError("该请假已销假")
    report.state, report.closed_at = LeaveState.RETURNED.value, now
    record_audit(session, actor, action="returned", entity="leave", entity_id=report.id)
    _close_return_deadline(session, report, "done", actor, now)
    return leave_of(report)
