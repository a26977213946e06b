"""How leave reports look, on every messenger: the report's card, the confirmation card, and the
buttons under them (handlers/messages.py types; the adapter renders them).

Button data (prefix "lv:", see bot/app.py): lv:card:go:<token> / lv:card:drop:<token> confirm or
drop a draft (handlers/leave.py); lv:f:… answer the guided form (handlers/leave_form.py);
lv:ok:<approval> / lv:no:<approval> decide, lv:okn / lv:non decide with a note, lv:wd:<report>
withdraws, lv:cx:<report> cancels with a reason (handlers/leave_decisions.py).
"""

from __future__ import annotations

from handlers.messages import Button, Rich, bold
from office.dates import format_day
from office.leave import MAX_DAYS_WITHOUT_CONFIRMATION, FiledLeave, LeavePlan, LeaveState
from office.leave_routing import LeaveKind

Rows = tuple[tuple[Button, ...], ...]
CONFIRM, DROP = "lv:card:go:", "lv:card:drop:"


def _place_label(kind: LeaveKind) -> str:
    return "会议" if kind is LeaveKind.MEETING else "目的地"


def leave_lines(leave: FiledLeave) -> list[str | Rich]:
    """The facts of a report, one per line."""
    lines: list[str | Rich] = [
        Rich.of(bold(leave.kind.value), f"(编号 {leave.id},{leave.state.value})"),
        f"申请人:{leave.filer.label}",
        f"时间:{leave.dates_text},共 {leave.days:g} 天",
    ]
    if leave.destination:
        lines.append(f"{_place_label(leave.kind)}:{leave.destination}")
    lines.append(f"事由:{leave.reason}")
    if leave.recorded_only:
        lines.append("已向市政府、区委请示")
    if leave.acting is not None:
        lines.append(f"主持区政府工作:常务副区长 {leave.acting.name}(第七条)")
    for approval in leave.approvals:
        note = f"({approval.note})" if approval.note else ""
        lines.append(f"{approval.display}:{approval.decision or '待决定'}{note}")
    if leave.cancel_reason:
        lines.append(f"取消原因:{leave.cancel_reason}")
    return lines


def leave_card(leave: FiledLeave, title: str = "", warning: str = "") -> Rich:
    """The report under an optional headline, with an optional warning (第七条) after it."""
    lines = ([bold(title)] if title else []) + leave_lines(leave)
    return Rich.lines(lines + ([f"⚠️ {warning}"] if warning else []))


def plan_card(plan: LeavePlan) -> Rich:
    """The confirmation shown before anything is stored."""
    request = plan.request
    start, end = format_day(request.start, request.start_period), format_day(request.end, request.end_period)
    lines: list[str | Rich] = [
        bold("请确认请假申请"),
        f"类型:{plan.kind.value}",
        f"时间:{start if start == end else f'{start} 至 {end}'},共 {plan.days:g} 天",
    ]
    if request.destination.strip():
        lines.append(f"{_place_label(plan.kind)}:{request.destination.strip()}")
    lines.append(f"事由:{request.reason.strip()}")
    lines.append(f"审批:{plan.route.describe()}")
    if plan.too_long:
        lines.append(f"⚠️ 请假超过 {MAX_DAYS_WITHOUT_CONFIRMATION} 天,请确认日期无误。")
    if plan.warning:
        lines.append(f"⚠️ {plan.warning}")
    return Rich.lines(lines)


def confirm_buttons(token: str) -> Rows:
    return ((Button("确认提交", CONFIRM + token), Button("放弃", DROP + token)),)


def decision_buttons(approval_id: int) -> Rows:
    return ((Button("同意", f"lv:ok:{approval_id}"), Button("退回", f"lv:no:{approval_id}")),
            (Button("附言并同意", f"lv:okn:{approval_id}"), Button("附言并退回", f"lv:non:{approval_id}")))


def owner_buttons(leave: FiledLeave) -> Rows:
    """What the filer may still do with a report: withdraw it (pending) or cancel it (approved)."""
    if leave.state is LeaveState.PENDING:
        return ((Button(f"撤回 {leave.id}", f"lv:wd:{leave.id}"),),)
    if leave.state is LeaveState.APPROVED:
        return ((Button(f"取消 {leave.id}", f"lv:cx:{leave.id}"),),)
    return ()
