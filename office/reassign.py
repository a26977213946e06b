"""Handing someone's open decisions to a successor: `/staff reassign OLD NEW` (办公室 admins), and
a unit to a new 分管副区长 with what waits for its former one: `/staff transfer UNIT NEW`.

A leave report's approvers and an agenda item's 分管副区长 are fixed when it is filed, so when a
person leaves the directory or a post changes hands, what waited for them would wait forever. An
admin moves every undecided leave approval and every agenda review waiting for the old person to
the new one, who must hold a role that may take that step (a 区长 approval goes to the 区长 …)
and must not be the filer of a report it moves (a clerk promoted to head of the unit). Every move is
audited; the old person's buttons stop working because each press is checked, under a row lock,
against the approver stored now. Either person may be named by any of their accounts (a Telegram id,
钉钉:userid) or, from the web console, by person id.

Example::

    with db.transaction() as session:
        moved = reassign_open_decisions(session=session, actor=Actor.telegram(9001), predecessor=Actor.telegram(2001),
                                        successor=Actor.on(DINGTALK, "manager4521"), now=now, tz=settings.tz)
    moved.leave_approvals    # ((approval id, FiledLeave), …): send the new approver the cards
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from sqlalchemy.orm import Session

from office.actors import Actor, acting_person, record_audit
from office.agenda import review_request
from office.directory import (
    VICE_MAYOR_ROLES,
    DirectoryError,
    StaffMember,
    account_text,
    acting_member,
    move_oversight,
)
from office.leave import FiledLeave, leave_of
from office.leave_routing import OVERSEER_LABEL, ROLES_FOR_LABEL
from office.notices import Notice
from storage.agenda import ItemState, items_in_state
from storage.leaves import LeaveApproval, pending_approvals_of_person, report_by_id
from storage.people import Person


@dataclass(frozen=True)
class Reassignment:
    successor: StaffMember
    leave_approvals: tuple[tuple[int, FiledLeave], ...]  # (approval id, report) now waiting for the successor
    agenda_reviews: tuple[Notice, ...]  # review requests for the successor, with their buttons' item ids

    @property
    def count(self) -> int:
        return len(self.leave_approvals) + len(self.agenda_reviews)


def _as_typed(named: Actor) -> str:
    """The person as the admin named them: 1001, 钉钉:manager4521, or (web console) 人员编号 7."""
    if named.channel is not None and named.account is not None:
        return account_text(named.channel, named.account)
    return f"人员编号 {named.person_id}"


def reassign_open_decisions(
    *,
    session: Session,
    actor: Actor | None,
    predecessor: Actor,
    successor: Actor,
    now: datetime,
    tz: tzinfo,
) -> Reassignment:
    """Move everything waiting for `predecessor` (in or out of the directory) to the active member
    `successor`; all or nothing (DirectoryError names what blocks the move). Reviews for meetings
    that have started or been cancelled stay where they are: nobody can act on them. `actor` None
    is the command line's operator."""
    predecessor_person = acting_person(session, predecessor, active_only=False)
    if predecessor_person is None:
        raise DirectoryError(f"未找到 {_as_typed(predecessor)} 的人员")
    successor_member = acting_member(session=session, actor=successor)
    if successor_member is None:
        raise DirectoryError(f"接替人 {_as_typed(successor)} 不在名录中,请先登记")
    if successor_member.person_id == predecessor_person.id:
        raise DirectoryError("原审批人和接替人是同一人")
    handover = _Handover(session, actor, predecessor_person, successor_member, None)
    moved_leaves = handover.leave_approvals()
    reviews = handover.agenda_reviews(now, tz)
    return _reassignment(session, successor_member, moved_leaves, reviews)


@dataclass(frozen=True)
class UnitTransfer:
    """A unit handed from its former 分管副区长 to a new one, with what waited for the former."""

    unit: str
    former: tuple[StaffMember, ...]
    moved: Reassignment

    def describe(self) -> str:
        successor = self.moved.successor.name
        if not self.former:
            return f"{self.unit}原无登记的分管副区长,现由{successor}分管。"
        names = "、".join(m.name for m in self.former)
        text = f"已将{self.unit}的分管副区长由{names}改为{successor}:此后该单位的议题审核和部门正职请假会签由{successor}办理。"
        if self.moved.count:
            text += (f"该单位待{names}办理的 {self.moved.count} 项已一并转交{successor}"
                     f"(请假审批 {len(self.moved.leave_approvals)} 项,议题审核 {len(self.moved.agenda_reviews)} 项)。")
        return text


def transfer_unit(
    *, session: Session, actor: Actor | None, unit: str, successor: Actor, now: datetime, tz: tzinfo
) -> UnitTransfer:
    """`/staff transfer UNIT NEW`: NEW becomes the one 分管副区长 of UNIT (the directory refuses a
    second one), and the unit's open reviews and 分管 approvals that waited for the former 分管
    follow the unit, as a filing made now would be routed."""
    new_overseer, former = move_oversight(session=session, actor=actor, unit=unit, successor=successor)
    moved_leaves, reviews = [], []
    for member in former:
        handover = _Handover(session, actor, session.get(Person, member.person_id), new_overseer, unit.strip())
        moved_leaves += handover.leave_approvals()
        reviews += handover.agenda_reviews(now, tz)
    return UnitTransfer(unit=unit.strip(), former=tuple(former),
                        moved=_reassignment(session, new_overseer, moved_leaves, reviews))


@dataclass(frozen=True)
class _Handover:
    """Moves what waits for `predecessor` to `successor`: all of it, or (with `unit`) only what
    concerns that unit as its 分管副区长."""

    session: Session
    actor: Actor | None
    predecessor: Person
    successor: StaffMember
    unit: str | None

    def _audit(self, entity: str, entity_id: int) -> None:
        # Person ids, as the directory's own "oversight_transferred" rows name them.
        detail: dict = {"from": self.predecessor.id, "to": self.successor.person_id}
        if self.unit is not None:
            detail["unit"] = self.unit
        record_audit(self.session, self.actor, action="reassigned", entity=entity, entity_id=entity_id, detail=detail)

    def _concerns_unit(self, approval: LeaveApproval) -> bool:
        return self.unit is None or (approval.label == OVERSEER_LABEL and approval.report.person.unit == self.unit)

    def leave_approvals(self) -> list[LeaveApproval]:
        successor, moved = self.successor, []
        for approval in pending_approvals_of_person(self.session, self.predecessor.id):
            if not self._concerns_unit(approval):
                continue
            allowed = ROLES_FOR_LABEL.get(approval.label, ())
            if successor.role not in allowed:
                raise DirectoryError(
                    f"请假 #{approval.report_id} 待「{approval.label}」审批,{successor.name}是{successor.role.value},不能接替"
                )
            if approval.report.person_id == successor.person_id:  # e.g. a clerk promoted to head of the unit
                raise DirectoryError(f"请假 #{approval.report_id} 是{successor.name}本人的申请,不能由本人审批,请另选接替人")
            approval.approver_person_id = successor.person_id
            self._audit("leave_approval", approval.id)
            moved.append(approval)
        return moved

    def agenda_reviews(self, now: datetime, tz: tzinfo) -> list[Notice]:
        successor = self.successor
        items = [
            item
            for item in items_in_state(self.session, ItemState.OVERSEER_REVIEW, overseer_person_id=self.predecessor.id,
                                       for_update=True)
            if item.meeting.starts_at > now and not item.meeting.cancelled
            and (self.unit is None or item.proposing_unit == self.unit)
        ]
        if items and successor.role not in VICE_MAYOR_ROLES:
            raise DirectoryError(f"有 {len(items)} 个议题待分管副区长审核,{successor.name}是{successor.role.value},不能接替")
        reviews = []
        for item in items:
            if item.proposer_person_id == successor.person_id:
                raise DirectoryError(f"议题 #{item.id} 是{successor.name}本人提交的,不能由本人审核,请另选接替人")
            item.overseer_person_id = successor.person_id
            self._audit("agenda_item", item.id)
            reviews.append(review_request(item, tz, reviewer_person_id=successor.person_id,
                                          reviewer_name=successor.name, handed_over_from=self.predecessor.name))
        return reviews


def _reassignment(session: Session, successor: StaffMember, moved_leaves: list[LeaveApproval],
                  reviews: list[Notice]) -> Reassignment:
    session.flush()
    session.expire_all()  # the moved rows' approver / overseer relationships still point at the predecessor
    leaves = [(a.id, leave_of(report_by_id(session, a.report_id))) for a in moved_leaves]
    return Reassignment(successor=successor, leave_approvals=tuple(leaves), agenda_reviews=tuple(reviews))
