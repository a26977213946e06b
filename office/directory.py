"""The staff directory as the domain sees it: who someone is, who oversees a unit, who is admin.

Also the admin operations behind `officebot users …` and `/staff` (register, change, remove),
which enforce that nobody changes their own role. Try it::

    officebot users add --telegram-id 1001 --name 张三 --role 副区长 --unit 区政府 --oversees 区财政局,区审计局
    officebot users list
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from storage import audit
from storage.people import (
    Oversight,
    Person,
    Role,
    list_people,
    lock_single_holder_posts,
    overseers_of,
    people_with_role,
    person_by_telegram_id,
)

# Telegram shows anonymous group admins as this user; it is never a person.
ANONYMOUS_ADMIN_ID = 1087968824
VICE_MAYOR_ROLES = (Role.EXECUTIVE_VICE_MAYOR, Role.VICE_MAYOR)


class DirectoryError(ValueError):
    """A directory change that was refused; the message (Chinese) says what to fix."""


@dataclass(frozen=True)
class StaffMember:
    """One active person of the directory, as plain data (safe outside a session)."""

    person_id: int
    telegram_id: int
    name: str
    unit: str
    role: Role
    oversees: tuple[str, ...] = ()

    @property
    def is_office(self) -> bool:
        return self.role is Role.OFFICE

    @property
    def label(self) -> str:
        """How people see them: 张三(区财政局 部门正职)."""
        return f"{self.name}({self.unit} {self.role.value})"


def member_of(person: Person) -> StaffMember:
    return StaffMember(
        person_id=person.id,
        telegram_id=person.telegram_id,
        name=person.name,
        unit=person.unit,
        role=person.role_enum,
        oversees=tuple(person.oversees),
    )


def find_member(*, session: Session, telegram_id: int) -> StaffMember | None:
    """The active person with this Telegram id; never the anonymous group admin."""
    if telegram_id == ANONYMOUS_ADMIN_ID:
        return None
    person = person_by_telegram_id(session, telegram_id)
    return member_of(person) if person else None


def members_with_role(*, session: Session, role: Role) -> list[StaffMember]:
    return [member_of(person) for person in people_with_role(session, role)]


def overseer_of_unit(*, session: Session, unit: str) -> StaffMember | None:
    """The 分管副区长 (or 常务副区长) of `unit`, if one is registered."""
    for person in overseers_of(session, unit):
        if person.role_enum in VICE_MAYOR_ROLES:
            return member_of(person)
    return None


def is_admin(*, session: Session, telegram_id: int, settings_admin_ids: Iterable[int]) -> bool:
    """办公室 staff and the ids of ADMIN_TELEGRAM_IDS administer the bot."""
    if telegram_id == ANONYMOUS_ADMIN_ID:
        return False
    if telegram_id in set(settings_admin_ids):
        return True
    member = find_member(session=session, telegram_id=telegram_id)
    return member is not None and member.is_office


def all_members(*, session: Session, include_inactive: bool = False) -> list[StaffMember]:
    return [member_of(person) for person in list_people(session, include_inactive=include_inactive)]


def member_line(member: StaffMember) -> str:
    """One line of the directory listing: id, name, unit, role and oversight."""
    oversees = f" 分管:{'、'.join(member.oversees)}" if member.oversees else ""
    return f"{member.telegram_id} {member.name} {member.unit} {member.role.value}{oversees}"


def parse_role(text: str) -> Role:
    try:
        return Role(text.strip())
    except ValueError:
        choices = "、".join(role.value for role in Role)
        raise DirectoryError(f"未知角色「{text}」,可选:{choices}") from None


def _check_oversees(role: Role, oversees: Iterable[str]) -> tuple[str, ...]:
    units = tuple(dict.fromkeys(unit.strip() for unit in oversees if unit.strip()))
    if units and role not in VICE_MAYOR_ROLES:
        raise DirectoryError("只有副区长、常务副区长可以登记分管单位")
    return units


MAX_NAME = 64  # storage/people.py column sizes
MAX_UNIT = 128


def _check_lengths(name: str | None, units: Iterable[str]) -> None:
    if name is not None and len(name) > MAX_NAME:
        raise DirectoryError(f"姓名太长(最多 {MAX_NAME} 字)")
    for unit in units:
        if len(unit) > MAX_UNIT:
            raise DirectoryError(f"单位名称太长(最多 {MAX_UNIT} 字):「{unit[:20]}…」")


def _check_not_self(actor_telegram_id: int | None, telegram_id: int) -> None:
    # The CLI (actor None) is run by the operator and may set anything.
    if actor_telegram_id is not None and actor_telegram_id == telegram_id:
        raise DirectoryError("不能修改自己的登记信息和角色,请由其他管理员或命令行办理")


# Posts one person holds at a time: approvals go to "the" 区长 (第八十二条) and 常务副区长 (第七条).
SINGLE_HOLDER_ROLES = (Role.MAYOR, Role.EXECUTIVE_VICE_MAYOR)


def _check_single_holder(session: Session, role: Role, telegram_id: int) -> None:
    if role not in SINGLE_HOLDER_ROLES:
        return
    lock_single_holder_posts(session)
    holders = [m for m in members_with_role(session=session, role=role) if m.telegram_id != telegram_id]
    if holders:
        holder = holders[0]
        raise DirectoryError(
            f"目录中已有{role.value}{holder.name}(ID {holder.telegram_id}):{role.value}只能登记一位,"
            f"请先修改或移除其登记(/staff remove {holder.telegram_id})"
        )


def add_member(
    *,
    session: Session,
    actor_telegram_id: int | None,
    telegram_id: int,
    name: str,
    unit: str,
    role: Role,
    oversees: Iterable[str] = (),
) -> StaffMember:
    """Register a person (or re-activate a removed one with the new details)."""
    if telegram_id == ANONYMOUS_ADMIN_ID or telegram_id <= 0:
        raise DirectoryError("Telegram 用户 ID 无效:请填写个人账号的数字 ID")
    _check_not_self(actor_telegram_id, telegram_id)
    name, unit = name.strip(), unit.strip()
    if not name or not unit:
        raise DirectoryError("姓名和单位不能为空")
    units = _check_oversees(role, oversees)
    _check_lengths(name, (unit, *units))
    _check_single_holder(session, role, telegram_id)
    person = person_by_telegram_id(session, telegram_id, active_only=False)
    if person is not None and person.active:
        raise DirectoryError(f"Telegram ID {telegram_id} 已登记为 {person.name},请用修改功能")
    if person is None:
        person = Person(telegram_id=telegram_id, name=name, unit=unit, role=role.value, active=True)
        session.add(person)
    else:
        person.name, person.unit, person.role, person.active = name, unit, role.value, True
    person.oversight = [Oversight(unit=u) for u in units]
    session.flush()
    audit.record(
        session,
        actor_telegram_id=actor_telegram_id,
        action="created",
        entity="person",
        entity_id=person.id,
        detail={"telegram_id": telegram_id, "name": name, "unit": unit, "role": role.value, "oversees": list(units)},
    )
    return member_of(person)


def update_member(
    *,
    session: Session,
    actor_telegram_id: int | None,
    telegram_id: int,
    name: str | None = None,
    unit: str | None = None,
    role: Role | None = None,
    oversees: Iterable[str] | None = None,
) -> StaffMember:
    """Change some details of an active person; a role change is audited as such."""
    _check_not_self(actor_telegram_id, telegram_id)
    oversees = tuple(oversees) if oversees is not None else None
    _check_lengths(name.strip() if name else None, [unit.strip() if unit else "", *(u.strip() for u in oversees or ())])
    person = person_by_telegram_id(session, telegram_id)
    if person is None:
        raise DirectoryError(f"未找到 Telegram ID {telegram_id} 的在册人员")
    before = {"name": person.name, "unit": person.unit, "role": person.role, "oversees": person.oversees}
    new_role = role or person.role_enum
    _check_single_holder(session, new_role, telegram_id)
    if name is not None and name.strip():
        person.name = name.strip()
    if unit is not None and unit.strip():
        person.unit = unit.strip()
    person.role = new_role.value
    if oversees is not None:
        person.oversight = [Oversight(unit=u) for u in _check_oversees(new_role, oversees)]
    elif new_role not in VICE_MAYOR_ROLES:
        person.oversight = []
    session.flush()
    after = {"name": person.name, "unit": person.unit, "role": person.role, "oversees": person.oversees}
    audit.record(
        session,
        actor_telegram_id=actor_telegram_id,
        action="role_changed" if before["role"] != after["role"] else "updated",
        entity="person",
        entity_id=person.id,
        detail={"before": before, "after": after},
    )
    return member_of(person)


def remove_member(*, session: Session, actor_telegram_id: int | None, telegram_id: int) -> StaffMember:
    """Deactivate a person (kept for the history of their reports)."""
    _check_not_self(actor_telegram_id, telegram_id)
    person = person_by_telegram_id(session, telegram_id)
    if person is None:
        raise DirectoryError(f"未找到 Telegram ID {telegram_id} 的在册人员")
    person.active = False
    audit.record(session, actor_telegram_id=actor_telegram_id, action="removed", entity="person", entity_id=person.id)
    return member_of(person)
