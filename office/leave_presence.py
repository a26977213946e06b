"""Who presides over the district government (第七条): the 区长, or while the 区长 is away the 常务副区长.

A leave of either that falls on days the other is away too (by an approved or recorded report)
leaves nobody to preside. The rules do not forbid it, so this warns and does not refuse: the
approver sees it on the approval card, the office group when the leave stands, and the office
arranges cover. A 会议请假 is an absence from one meeting, not from the district, so it does not
count; a report still pending does not either, until it is approved (then it warns).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from office.dates import day_of_slot, format_day, half_day_slots
from office.directory import StaffMember, members_with_role
from office.leave_routing import LeaveKind
from storage.leaves import approved_reports_of
from storage.people import Role

# Each of the two posts, and the one who presides when its holder is away.
OTHER_PRESIDING = {Role.MAYOR: Role.EXECUTIVE_VICE_MAYOR, Role.EXECUTIVE_VICE_MAYOR: Role.MAYOR}


def days_nobody_presides(
    session: Session, *, filer: StaffMember, kind: LeaveKind, start: date, start_period: str, end: date,
    end_period: str,
) -> list[date]:
    """The days of this leave on which the other of 区长 / 常务副区长 is away as well."""
    other_role = OTHER_PRESIDING.get(filer.role)
    if other_role is None or kind is LeaveKind.MEETING:
        return []
    first, last = half_day_slots(start, start_period, end, end_period)
    shared: set[int] = set()
    for other in members_with_role(session=session, role=other_role):
        for report in approved_reports_of(session, other.person_id):
            if report.kind == LeaveKind.MEETING.value:
                continue
            other_first, other_last = half_day_slots(
                report.start_date, report.start_period, report.end_date, report.end_period
            )
            shared.update(range(max(first, other_first), min(last, other_last) + 1))
    return sorted({day_of_slot(slot) for slot in shared})


def nobody_presides_warning(days: list[date]) -> str:
    """The warning in Chinese, or "" when someone presides every day."""
    if not days:
        return ""
    names = "、".join(format_day(day) for day in days)
    return f"注意:{names} 区长和常务副区长均不在区内,无人主持区政府工作(第七条),请提前安排。"
