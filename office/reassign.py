"""Handing someone's open decisions to a successor: `/staff reassign OLD NEW` (办公室 admins).

A leave report's approvers and an agenda item's 分管副区长 are fixed when it is filed, so when a
person leaves the directory or a post changes hands, what waited for them would wait forever. An
admin moves every undecided leave approval and every agenda review waiting for the old person to
the new one, who must hold a role that may take that step (a 区长 approval goes to the 区长 …)
and must not be the filer of a report it moves (a clerk promoted to head of the unit). Every move is
audited; the old person's buttons stop working because each press is checked, under a row lock,
against the approver stored now.

Example::

    with db.transaction() as session:
        moved = reassign_open_decisions(session=session, actor_telegram_id=9001,
                                        from_telegram_id=2001, to_telegram_id=2005, now=now, tz=settings.tz)
    moved.leave_approvals    # ((approval id, FiledLeave), …): send the new approver the cards
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from sqlalchemy.orm import Session

from office.agenda import review_request
from office.directory import VICE_MAYOR_ROLES, DirectoryError, StaffMember, find_member
from office.leave import FiledLeave, leave_of
from office.leave_routing import ROLES_FOR_LABEL
from office.notices import Notice
from storage import audit
from storage.agenda import ItemState, items_in_state
from storage.leaves import pending_approvals_of_person, report_by_id
from storage.people import person_by_telegram_id


@dataclass(frozen=True)
class Reassignment:
    successor: StaffMember
    leave_approvals: tuple[tuple[int, FiledLeave], ...]  # (approval id, report) now waiting for the successor
    agenda_reviews: tuple[Notice, ...]  # review requests for the successor, with their buttons' item ids

    @property
    def count(self) -> int:
        return len(self.leave_approvals) + len(self.agenda_reviews)


def reassign_open_decisions(
    *,
    session: Session,
    actor_telegram_id: int | None,
    from_telegram_id: int,
    to_telegram_id: int,
    now: datetime,
    tz: tzinfo,
) -> Reassignment:
    """Move everything waiting for `from_telegram_id` (in or out of the directory) to the active
    member `to_telegram_id`; all or nothing (DirectoryError names what blocks the move). Reviews
    for meetings that have started or been cancelled stay where they are: nobody can act on them."""
    predecessor = person_by_telegram_id(session, from_telegram_id, active_only=False)
    if predecessor is None:
        raise DirectoryError(f"未找到 Telegram ID {from_telegram_id} 的人员")
    successor = find_member(session=session, telegram_id=to_telegram_id)
    if successor is None:
        raise DirectoryError(f"接替人 Telegram ID {to_telegram_id} 不在名录中,请先登记")
    if successor.person_id == predecessor.id:
        raise DirectoryError("原审批人和接替人是同一人")

    moved_leaves = []
    for approval in pending_approvals_of_person(session, predecessor.id):
        allowed = ROLES_FOR_LABEL.get(approval.label, ())
        if successor.role not in allowed:
            raise DirectoryError(
                f"请假 #{approval.report_id} 待「{approval.label}」审批,{successor.name}是{successor.role.value},不能接替"
            )
        if approval.report.person_id == successor.person_id:  # e.g. a clerk promoted to head of the unit
            raise DirectoryError(f"请假 #{approval.report_id} 是{successor.name}本人的申请,不能由本人审批,请另选接替人")
        approval.approver_person_id = successor.person_id
        audit.record(session, actor_telegram_id=actor_telegram_id, action="reassigned", entity="leave_approval",
                     entity_id=approval.id, detail={"from": from_telegram_id, "to": to_telegram_id})
        moved_leaves.append(approval)

    items = [
        item
        for item in items_in_state(session, ItemState.OVERSEER_REVIEW, overseer_person_id=predecessor.id, for_update=True)
        if item.meeting.starts_at > now and not item.meeting.cancelled
    ]
    if items and successor.role not in VICE_MAYOR_ROLES:
        raise DirectoryError(f"有 {len(items)} 个议题待分管副区长审核,{successor.name}是{successor.role.value},不能接替")
    reviews = []
    for item in items:
        if item.proposer_person_id == successor.person_id:
            raise DirectoryError(f"议题 #{item.id} 是{successor.name}本人提交的,不能由本人审核,请另选接替人")
        item.overseer_person_id = successor.person_id
        audit.record(session, actor_telegram_id=actor_telegram_id, action="reassigned", entity="agenda_item",
                     entity_id=item.id, detail={"from": from_telegram_id, "to": to_telegram_id})
        reviews.append(review_request(item, tz, reviewer_telegram_id=successor.telegram_id, handed_over_from=predecessor.name))
    session.flush()
    session.expire_all()  # the moved rows' approver / overseer relationships still point at the predecessor
    leaves = [(a.id, leave_of(report_by_id(session, a.report_id))) for a in moved_leaves]
    return Reassignment(successor=successor, leave_approvals=tuple(leaves), agenda_reviews=tuple(reviews))
