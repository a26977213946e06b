"""Lists of leave reports: mine, waiting for my decision, who is away on a day, and the CSV export.

Try it: `/leaves`, `/leaves 明天` (办公室), `officebot export leaves --csv`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from office.csv_safe import safe_cell
from office.directory import StaffMember
from office.leave import FiledLeave, leave_of, presiding_warning
from storage.leaves import all_reports, approved_on, pending_approvals_for, reports_of

CSV_COLUMNS = (
    "编号", "姓名", "单位", "角色", "类型", "开始日期", "开始时段", "结束日期", "结束时段", "天数",
    "目的地/会议", "事由", "状态", "审批", "主持工作", "取消原因", "提交时间",
)


@dataclass(frozen=True)
class PendingApproval:
    """An approval waiting for someone, with the report it belongs to."""

    approval_id: int
    label: str
    leave: FiledLeave
    warning: str = ""  # 第七条: approving it would leave nobody to preside on some days


def my_leaves(*, session: Session, member: StaffMember, limit: int = 10) -> list[FiledLeave]:
    return [leave_of(report) for report in reports_of(session, member.person_id, limit=limit)]


def pending_for(*, session: Session, member: StaffMember) -> list[PendingApproval]:
    """Undecided approvals this person may decide (their own reports excluded)."""
    pending = []
    for approval in pending_approvals_for(session, member.person_id, member.role.value):
        if approval.report.person_id != member.person_id:
            leave = leave_of(approval.report)
            pending.append(PendingApproval(approval.id, approval.label, leave,
                                           presiding_warning(session=session, leave=leave)))
    return pending


def away_on(*, session: Session, day: date) -> list[FiledLeave]:
    """Everyone with an approved (not yet returned) report covering `day`."""
    return [leave_of(report) for report in approved_on(session, day)]


def _decisions(leave: FiledLeave) -> str:
    parts = []
    for approval in leave.approvals:
        text = f"{approval.display}:{approval.decision or '未决'}"
        if approval.note:
            text += f"({approval.note})"
        parts.append(text)
    return ";".join(parts) or ("已向市政府、区委请示" if leave.recorded_only else "")


def export_csv(*, session: Session, timezone: str) -> str:
    """Every report, one row each, UTF-8 with BOM so that Excel opens the Chinese correctly."""
    zone = ZoneInfo(timezone)
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for report in all_reports(session):
        leave = leave_of(report)
        writer.writerow(safe_cell(cell) for cell in (
                leave.id, leave.filer.name, leave.filer.unit, leave.filer.role.value, leave.kind.value,
                leave.start.isoformat(), leave.start_period, leave.end.isoformat(), leave.end_period,
                f"{leave.days:g}", leave.destination, leave.reason, leave.state.value, _decisions(leave),
                leave.acting.name if leave.acting else "", leave.cancel_reason or "",
                report.created_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
        ))
    return buffer.getvalue()
