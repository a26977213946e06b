"""Who hears of a leave report, and with which headline: the domain's notices for each change,
addressed by person (the directory's id) or to the office group, for any messenger to deliver.

- filed: every approver asked to decide gets the card with 同意 / 退回 (a role's approval goes to
  each of its members but the filer), with the 第七条 warning when nobody would preside; the
  区长's own report is 报备'd to the office group and the 常务副区长 is told to preside (第七条).
- decided: the filer hears the decision; once the report stands, the filer is told to go, the office
  group gets the 报备, and a 会议请假 the office collected is reported to the 区长 (第五十三条).
- withdrawn: everyone asked to decide. Cancelled: its approvers, the 常务副区长 named to preside,
  the 区长 told of a 会议请假, and the office group. 销假: the office group.

Try it::

    notices = filing_notices(session=s, leave=filed, warning="")
    [(n.person_id, n.headline) for n in notices]   # [(3, "请审批:王区长,您有一件请假申请待审批"), …]
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from office.directory import StaffMember, members_with_role
from office.leave import APPROVE, Decision, FiledLeave
from office.leave_routing import OFFICE_LABEL
from storage.leaves import report_by_id
from storage.people import Role


@dataclass(frozen=True)
class LeaveNotice:
    """A message about one report: to a person (`person_id`), or to the office group (None).

    With `card`, the headline tops the report's card (and `warning` follows it); without, the
    headline is the whole message. With `approval_id`, the card carries 同意 / 退回 for it."""

    headline: str
    person_id: int | None = None
    recipient: str = ""  # who it is for, named to the sender when it could not be delivered
    card: bool = True
    approval_id: int | None = None
    warning: str = ""


OFFICE_GROUP = "区政府办公室群"  # the recipient named for a notice to the office group


def decision_makers(session: Session, leave: FiledLeave) -> list[tuple[int, StaffMember]]:
    """(approval id, person) for every undecided approval; a role approval goes to each member but the filer."""
    pairs: list[tuple[int, StaffMember]] = []
    for approval in leave.approvals:
        if approval.decision is not None:
            continue
        if approval.approver is not None:
            pairs.append((approval.id, approval.approver))
        elif approval.approver_role is not None:
            members = members_with_role(session=session, role=approval.approver_role)
            pairs += [(approval.id, member) for member in members if member.person_id != leave.filer.person_id]
    return pairs


def filing_notices(*, session: Session, leave: FiledLeave, warning: str = "") -> list[LeaveNotice]:
    """A report just filed: the approvers' requests, or for the 区长's own report the 报备 and 第七条."""
    if leave.recorded_only:
        notices = [LeaveNotice("请假报备(区长)", warning=warning, recipient=OFFICE_GROUP)]
        if leave.acting is not None:
            notices.append(LeaveNotice("区长外出,请您主持区政府工作(第七条)", leave.acting.person_id,
                                       recipient=f"常务副区长{leave.acting.name}"))
        return notices
    return [LeaveNotice(f"请审批:{member.name},您有一件请假申请待审批", member.person_id, recipient=member.name,
                        approval_id=approval_id, warning=warning)
            for approval_id, member in decision_makers(session, leave)]


def decision_notices(*, session: Session, decision: Decision) -> list[LeaveNotice]:
    leave, verb = decision.leave, decision.approval.decision
    filer = leave.filer.person_id, f"申请人{leave.filer.name}"
    note = f",附言:{decision.approval.note}" if decision.approval.note else ""
    notices = [LeaveNotice(f"您的{leave.kind.value}申请(编号 {leave.id})已由{decision.approval.display}{verb}{note}。",
                           *filer, card=False)]
    if not decision.completed or verb != APPROVE:
        return notices
    notices.append(LeaveNotice("请假已批准,可按期外出;返回后请发送 /back 销假", *filer))
    notices.append(LeaveNotice("请假报备", warning=decision.warning, recipient=OFFICE_GROUP))
    if decision.approval.label == OFFICE_LABEL:  # 第五十三条: the office reports the absence to the 区长
        notices += [LeaveNotice("区政府办公室报告:会议请假", mayor.person_id, recipient=f"区长{mayor.name}")
                    for mayor in members_with_role(session=session, role=Role.MAYOR)]
    return notices


def _approvers_asked(session: Session, leave: FiledLeave) -> list[int]:
    """Person ids of everyone who decided the report or was asked to (a role's members but the filer)."""
    report = report_by_id(session, leave.id)
    assert report is not None  # the report was just changed in this transaction
    asked: list[int] = []
    for approval in report.approvals:
        if approval.decided_by_person_id is not None:
            asked.append(approval.decided_by_person_id)
        elif approval.approver_person_id is not None:
            asked.append(approval.approver_person_id)
        elif approval.approver_role is not None:
            asked += [m.person_id for m in members_with_role(session=session, role=Role(approval.approver_role))]
    return asked


def _once_each(leave: FiledLeave, recipients: list[tuple[int, str]]) -> list[LeaveNotice]:
    """One notice per person (the first headline wins), never to the filer."""
    notices: dict[int, LeaveNotice] = {}
    for person_id, headline in recipients:
        if person_id != leave.filer.person_id:
            notices.setdefault(person_id, LeaveNotice(headline, person_id))
    return list(notices.values())


def withdrawal_notices(*, session: Session, leave: FiledLeave) -> list[LeaveNotice]:
    return _once_each(leave, [(who, "申请人已撤回,无需审批") for who in _approvers_asked(session, leave)])


def cancellation_notices(*, session: Session, leave: FiledLeave) -> list[LeaveNotice]:
    recipients = [(who, "您批准的请假已由申请人取消") for who in _approvers_asked(session, leave)]
    if leave.acting is not None:
        recipients.append((leave.acting.person_id, "区长取消外出,无需再主持区政府工作(第七条)"))
    if any(approval.label == OFFICE_LABEL for approval in leave.approvals):
        recipients += [(mayor.person_id, "区政府办公室报告:会议请假已取消")
                       for mayor in members_with_role(session=session, role=Role.MAYOR)]
    return [*_once_each(leave, recipients), LeaveNotice("请假取消", recipient=OFFICE_GROUP)]


def return_notices(leave: FiledLeave) -> list[LeaveNotice]:
    return [LeaveNotice("销假", recipient=OFFICE_GROUP)]
