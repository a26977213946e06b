"""How leave reports look in Telegram: the summary card, the approval card and its buttons.

Callback data (prefix "lv:", see bot/app.py): lv:go:<draft> / lv:drop:<draft> confirm or drop a
draft; lv:ok:<approval> / lv:no:<approval> decide; lv:okn / lv:non decide with a note;
lv:wd:<report> withdraws; lv:cx:<report> cancels with a reason.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from handlers.html import escape
from office.dates import format_day
from office.leave import MAX_DAYS_WITHOUT_CONFIRMATION, FiledLeave, LeavePlan, LeaveState
from office.leave_routing import LeaveKind


def _place_label(kind: LeaveKind) -> str:
    return "会议" if kind is LeaveKind.MEETING else "目的地"


def leave_lines(leave: FiledLeave) -> list[str]:
    """The facts of a report, HTML-escaped, one per line."""
    lines = [
        f"<b>{escape(leave.kind.value)}</b>(编号 {leave.id},{leave.state.value})",
        f"申请人:{escape(leave.filer.label)}",
        f"时间:{leave.dates_text},共 {leave.days:g} 天",
    ]
    if leave.destination:
        lines.append(f"{_place_label(leave.kind)}:{escape(leave.destination)}")
    lines.append(f"事由:{escape(leave.reason)}")
    if leave.recorded_only:
        lines.append("已向市政府、区委请示")
    if leave.acting is not None:
        lines.append(f"主持区政府工作:常务副区长 {escape(leave.acting.name)}(第七条)")
    for approval in leave.approvals:
        decision = approval.decision or "待决定"
        note = f"({escape(approval.note)})" if approval.note else ""
        lines.append(f"{escape(approval.display)}:{decision}{note}")
    if leave.cancel_reason:
        lines.append(f"取消原因:{escape(leave.cancel_reason)}")
    return lines


def leave_card(leave: FiledLeave, title: str = "", warning: str = "") -> str:
    """The report under an optional headline, with an optional warning (第七条) after it."""
    lines = ([f"<b>{escape(title)}</b>"] if title else []) + leave_lines(leave)
    return "\n".join(lines + ([f"⚠️ {escape(warning)}"] if warning else []))


def plan_card(plan: LeavePlan) -> str:
    """The confirmation shown before anything is stored."""
    request = plan.request
    start, end = format_day(request.start, request.start_period), format_day(request.end, request.end_period)
    lines = [
        "<b>请确认请假申请</b>",
        f"类型:{plan.kind.value}",
        f"时间:{start if start == end else f'{start} 至 {end}'},共 {plan.days:g} 天",
    ]
    if request.destination.strip():
        lines.append(f"{_place_label(plan.kind)}:{escape(request.destination.strip())}")
    lines.append(f"事由:{escape(request.reason.strip())}")
    lines.append(f"审批:{escape(plan.route.describe())}")
    if plan.too_long:
        lines.append(f"⚠️ 请假超过 {MAX_DAYS_WITHOUT_CONFIRMATION} 天,请确认日期无误。")
    if plan.warning:
        lines.append(f"⚠️ {escape(plan.warning)}")
    return "\n".join(lines)


def confirm_buttons(draft: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton("确认提交", callback_data=f"lv:go:{draft}"),
          InlineKeyboardButton("放弃", callback_data=f"lv:drop:{draft}")]]
    )


def decision_buttons(approval_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("同意", callback_data=f"lv:ok:{approval_id}"),
             InlineKeyboardButton("退回", callback_data=f"lv:no:{approval_id}")],
            [InlineKeyboardButton("附言并同意", callback_data=f"lv:okn:{approval_id}"),
             InlineKeyboardButton("附言并退回", callback_data=f"lv:non:{approval_id}")],
        ]
    )


def owner_buttons(leave: FiledLeave) -> InlineKeyboardMarkup | None:
    """What the filer may still do with a report: withdraw it (pending) or cancel it (approved)."""
    if leave.state is LeaveState.PENDING:
        return InlineKeyboardMarkup([[InlineKeyboardButton(f"撤回 {leave.id}", callback_data=f"lv:wd:{leave.id}")]])
    if leave.state is LeaveState.APPROVED:
        return InlineKeyboardMarkup([[InlineKeyboardButton(f"取消 {leave.id}", callback_data=f"lv:cx:{leave.id}")]])
    return None
