"""Who approves a leave report, by the filer's role and the kind (SPEC §3; rules 第七、五十三、八十二条).

| filer                 | 离京出访 / 出差 / 脱产学习 / 休假                    | 会议请假 (第五十三条)          |
|-----------------------|-----------------------------------------------------|-------------------------------|
| 区长                  | recorded: asked of 市政府、区委; 常务副区长 presides | recorded (区长 is asked)       |
| 常务副区长 / 副区长   | 区长                                                 | 区长                           |
| 部门正职              | 区长 and the unit's 分管副区长 (会签, both)          | 区政府办公室, reported to 区长 |
| 办公室 / 工作人员     | their unit's 部门正职 (the rules are silent)         | 区政府办公室, reported to 区长 |

A route that needs someone the directory does not hold, or whose only holder is the filer (the sole
办公室 member's own 会议请假), is refused with a message naming who is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.orm import Session

from office.directory import VICE_MAYOR_ROLES, DirectoryError, StaffMember, member_of, members_with_role, overseer_of_unit
from storage.people import Role, people_in_unit


class LeaveKind(StrEnum):
    TRIP_ABROAD = "离京出访"
    BUSINESS_TRIP = "出差"
    STUDY = "脱产学习"
    VACATION = "休假"
    MEETING = "会议请假"


LEADER_ROLES = (Role.MAYOR, Role.EXECUTIVE_VICE_MAYOR, Role.VICE_MAYOR)
OFFICE_LABEL = "区政府办公室"
MAYOR_LABEL, OVERSEER_LABEL, UNIT_HEAD_LABEL = "区长", "分管副区长", "单位正职"
# Who may take a person-bound approval over from its approver (office/reassign.py), by its label.
ROLES_FOR_LABEL = {
    MAYOR_LABEL: (Role.MAYOR,),
    OVERSEER_LABEL: VICE_MAYOR_ROLES,
    UNIT_HEAD_LABEL: (Role.UNIT_HEAD,),
}


class RoutingError(ValueError):
    """Nobody registered to decide; the message (Chinese) says whom the office must register."""


@dataclass(frozen=True)
class Approver:
    """One decision a report needs: a named person, or any member of a role (the office)."""

    label: str
    member: StaffMember | None = None
    role: Role | None = None

    @property
    def display(self) -> str:
        if self.member is not None:
            return f"{self.label} {self.member.name}"
        return f"{self.label}(任一工作人员)"


@dataclass(frozen=True)
class Route:
    approvers: tuple[Approver, ...]
    recorded_only: bool = False  # 区长: asked outside the bot, recorded here
    acting: StaffMember | None = None  # 第七条: who presides while 区长 is away
    reported_to_mayor: bool = False  # 第五十三条: the office reports collected 会议请假 to 区长

    def describe(self) -> str:
        """The route in one Chinese sentence, for the confirmation and the report."""
        if self.recorded_only:
            text = "区长请假由本人事前向市政府、区委请示,本系统登记备案"
            if self.acting is not None:
                text += f";请假期间由常务副区长 {self.acting.name} 主持区政府工作(第七条)"
            return text
        names = "、".join(a.display for a in self.approvers)
        if len(self.approvers) > 1:
            return f"需 {names} 均同意(会签)后方可外出,并向区政府办公室报备(第八十二条)"
        if self.reported_to_mayor:
            return f"由{names}汇总后向区长报告(第五十三条)"
        return f"由 {names} 审批"


def _the(session: Session, role: Role, missing: str) -> StaffMember:
    found = members_with_role(session=session, role=role)
    if not found:
        raise RoutingError(f"名录中没有登记{missing},无法送审,请联系区政府办公室登记")
    return found[0]


def _mayor(session: Session) -> Approver:
    return Approver(MAYOR_LABEL, _the(session, Role.MAYOR, "区长"))


def _unit_head(session: Session, filer: StaffMember) -> Approver:
    heads = [member_of(p) for p in people_in_unit(session, filer.unit, Role.UNIT_HEAD)]
    if not heads:
        raise RoutingError(f"名录中没有登记{filer.unit}的部门正职,无法送审,请联系区政府办公室登记")
    return Approver(UNIT_HEAD_LABEL, heads[0])


def _holders(session: Session, approver: Approver) -> list[StaffMember]:
    if approver.member is not None:
        return [approver.member]
    assert approver.role is not None  # an approver is a person or a role
    return members_with_role(session=session, role=approver.role)


def route_for(*, session: Session, filer: StaffMember, kind: LeaveKind) -> Route:
    """The route of the filer's report; refused when a decision has nobody but the filer to make it
    (nobody approves their own report, so it would wait for ever)."""
    route = _route(session, filer, kind)
    for approver in route.approvers:
        holders = _holders(session, approver)
        if not any(holder.person_id != filer.person_id for holder in holders):
            who = approver.label if approver.member is not None else f"{approver.label}人员"
            besides = "除您本人外" if holders else ""
            raise RoutingError(f"名录中{besides}没有登记{who},无法送审,请联系区政府办公室登记")
    return route


def _route(session: Session, filer: StaffMember, kind: LeaveKind) -> Route:
    if filer.role is Role.MAYOR:
        if kind is LeaveKind.MEETING:
            return Route(approvers=(), recorded_only=True)
        acting = _the(session, Role.EXECUTIVE_VICE_MAYOR, "常务副区长(第七条:区长外出时主持工作)")
        return Route(approvers=(), recorded_only=True, acting=acting)
    if filer.role in LEADER_ROLES:
        return Route(approvers=(_mayor(session),))
    if kind is LeaveKind.MEETING:
        return Route(approvers=(Approver(OFFICE_LABEL, role=Role.OFFICE),), reported_to_mayor=True)
    if filer.role is Role.UNIT_HEAD:
        try:
            overseer = overseer_of_unit(session=session, unit=filer.unit)
        except DirectoryError as error:
            raise RoutingError(str(error)) from None
        if overseer is None:
            raise RoutingError(f"名录中没有登记{filer.unit}的分管副区长,无法送审,请联系区政府办公室登记")
        return Route(approvers=(_mayor(session), Approver(OVERSEER_LABEL, overseer)))
    return Route(approvers=(_unit_head(session, filer),))
