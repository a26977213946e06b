"""Who sees what in the web console (issue 14), decided here for every page and action.

办公室 (and ADMIN_TELEGRAM_IDS) see everything; 区长/常务副区长/副区长 the units they oversee (plus
the approvals waiting for them, which office/leave_views.py picks); 部门正职 their unit;
工作人员 their own filings. The web layer asks `Viewer` and never decides itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from office.actors import Actor
from office.directory import StaffMember
from storage.people import Role

LEADER_ROLES = (Role.MAYOR, Role.EXECUTIVE_VICE_MAYOR, Role.VICE_MAYOR)


@dataclass(frozen=True)
class Viewer:
    member: StaffMember
    is_office: bool

    @classmethod
    def of(cls, member: StaffMember, admin_ids: Iterable[int]) -> Viewer:
        return cls(member, member.is_office or member.telegram_id in set(admin_ids))

    @property
    def actor(self) -> Actor:
        """The signed-in person, as office operations take who acts."""
        return Actor.of(person_id=self.member.person_id)

    @property
    def scope(self) -> str:
        """What the pages say the person is looking at."""
        if self.is_office:
            return "全区"
        if self.member.role in LEADER_ROLES:
            return "分管单位:" + ("、".join(self.member.oversees) or "无")
        if self.member.role is Role.UNIT_HEAD:
            return f"本单位:{self.member.unit}"
        return "本人"

    def sees(self, person: StaffMember) -> bool:
        """Whether this viewer may see that person's filings (leave, deadlines)."""
        if self.is_office or person.person_id == self.member.person_id:
            return True
        if self.member.role in LEADER_ROLES:
            return person.unit in self.member.oversees
        if self.member.role is Role.UNIT_HEAD:
            return person.unit == self.member.unit
        return False

    def sees_unit(self, unit: str | None) -> bool:
        if self.is_office:
            return True
        if self.member.role in LEADER_ROLES:
            return unit in self.member.oversees
        if self.member.role is Role.UNIT_HEAD:
            return unit == self.member.unit
        return False
