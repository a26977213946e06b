"""Who is told of a leave decision, and what: the same messages the bot's 同意/退回 buttons send
(handlers/leave_decisions.py), as `Notice`s a channel adapter delivers.

The filer hears the decision; once every approver agreed, the filer is told the leave stands, the
office group gets the 报备, and a 会议请假 the office collected is reported to 区长 (第五十三条).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from office.directory import members_with_role
from office.leave import REJECT, Decision, FiledLeave
from office.leave_routing import OFFICE_LABEL
from office.notices import Notice
from storage.people import Role


def leave_summary(leave: FiledLeave) -> str:
    place = f",{leave.destination}" if leave.destination else ""
    return f"{leave.filer.name}({leave.filer.unit}){leave.kind.value} {leave.dates_text}{place}(编号 {leave.id})"


def decision_notices(*, session: Session, decision: Decision) -> list[Notice]:
    leave, verb = decision.leave, decision.approval.decision
    filer = leave.filer
    note = f",附言:{decision.approval.note}" if decision.approval.note else ""
    notices = [Notice(f"您的{leave.kind.value}申请(编号 {leave.id})已由{decision.approval.display}{verb}{note}。",
                      filer.telegram_id, recipient=f"申请人{filer.name}")]
    if not decision.completed or verb == REJECT:
        return notices
    notices.append(Notice(f"请假已批准,可按期外出;返回后请发送 /back 销假。\n{leave_summary(leave)}",
                          filer.telegram_id, recipient=f"申请人{filer.name}"))
    warning = f"\n{decision.warning}" if decision.warning else ""
    notices.append(Notice(f"请假报备:{leave_summary(leave)}{warning}", None, recipient="区政府办公室群"))
    if decision.approval.label == OFFICE_LABEL:
        for mayor in members_with_role(session=session, role=Role.MAYOR):
            notices.append(Notice(f"区政府办公室报告:会议请假。{leave_summary(leave)}", mayor.telegram_id,
                                  recipient=f"区长{mayor.name}"))
    return notices
