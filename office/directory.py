"""The staff directory as the domain sees it: who someone is, who oversees a unit, who is admin.

Also the admin operations behind `officebot users …` and `/staff` (register, change, remove),
which enforce that nobody changes their own role. Try it::

    officebot users add --telegram-id 1001 --name 张三 --role 副区长 --unit 区政府 --oversees 区财政局,区审计局
    officebot users set --telegram-id 1001 --dingtalk-id manager4521    # the same person on DingTalk too
    officebot users list

A person is named by either account: a Telegram id, or a DingTalk user id. Chat commands write
the DingTalk one as 「钉钉:manager4521」 (`parse_account`); a bare number is a Telegram id.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from office.actors import ANONYMOUS_ADMIN_ID, Actor, acting_person, record_audit
from storage.people import (
    CHANNEL_NAMES,
    DINGTALK,
    TELEGRAM,
    Oversight,
    Person,
    Role,
    list_people,
    lock_single_holder_posts,
    overseers_of,
    people_with_role,
    person_by_account,
    person_by_telegram_id,
)

VICE_MAYOR_ROLES = (Role.EXECUTIVE_VICE_MAYOR, Role.VICE_MAYOR)
# What someone not (or no longer) in the directory is told, on every messenger and in every flow.
NOT_REGISTERED = "您尚未登记在区政府人员名录中,请联系区政府办公室登记。"


class DirectoryError(ValueError):
    """A directory change that was refused; the message (Chinese) says what to fix."""


@dataclass(frozen=True)
class StaffMember:
    """One active person of the directory, as plain data (safe outside a session)."""

    person_id: int
    telegram_id: int | None
    name: str
    unit: str
    role: Role
    oversees: tuple[str, ...] = ()
    dingtalk_id: str | None = None

    def account_on(self, channel: str) -> str | None:
        """Their id on `channel`, or None when they are not registered there."""
        if channel == TELEGRAM:
            return str(self.telegram_id) if self.telegram_id is not None else None
        return self.dingtalk_id if channel == DINGTALK else None

    @property
    def chats(self) -> list[tuple[str, str]]:
        """Their private chats, (channel, account), on every messenger they are registered on."""
        return [(channel, account) for channel in (TELEGRAM, DINGTALK)
                if (account := self.account_on(channel)) is not None]

    @property
    def ids(self) -> str:
        """How the directory names them: 1001, 钉钉:manager4521, or both."""
        parts = [str(self.telegram_id)] if self.telegram_id is not None else []
        if self.dingtalk_id is not None:
            parts.append(account_text(DINGTALK, self.dingtalk_id))
        return " / ".join(parts)

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
        dingtalk_id=person.dingtalk_id,
    )


DINGTALK_PREFIXES = ("钉钉:", "钉钉:", "dingtalk:")
MAX_ACCOUNT = 64  # storage/people.py Account.account


def account_text(channel: str, account: str) -> str:
    return f"钉钉:{account}" if channel == DINGTALK else account


def parse_account(text: str) -> tuple[str, str]:
    """(channel, account) of an id as typed in a chat command: 「钉钉:manager4521」 or a Telegram id."""
    text = text.strip()
    for prefix in DINGTALK_PREFIXES:
        if text.lower().startswith(prefix):
            account = text[len(prefix):].strip()
            if not account or len(account) > MAX_ACCOUNT or any(c.isspace() for c in account):
                raise DirectoryError(f"钉钉 ID 无效:「{text[:40]}」,例如 钉钉:manager4521")
            return DINGTALK, account
    if not text.isascii() or not text.isdecimal() or len(text) > 15 or int(text) <= 0:
        raise DirectoryError(f"「{text[:40]}」不是有效的 ID:Telegram ID 是数字,钉钉 ID 写作 钉钉:用户ID")
    return TELEGRAM, str(int(text))  # 007 is the account 7


def find_member(
    *, session: Session, telegram_id: int | None = None, channel: str | None = None, account: str | None = None
) -> StaffMember | None:
    """The active person with this Telegram id, or with `account` on `channel`; never the
    anonymous Telegram group admin."""
    if telegram_id is not None:
        channel, account = TELEGRAM, str(telegram_id)
    if channel is None or account is None:
        return None
    return acting_member(session=session, actor=Actor.on(channel, account))


def acting_member(*, session: Session, actor: Actor | None) -> StaffMember | None:
    """The active directory member behind `actor`, or None."""
    person = acting_person(session, actor)
    return member_of(person) if person is not None else None


def members_with_role(*, session: Session, role: Role) -> list[StaffMember]:
    return [member_of(person) for person in people_with_role(session, role)]


def overseers_of_unit(*, session: Session, unit: str) -> list[StaffMember]:
    """Every active 副区长 / 常务副区长 registered as 分管 of `unit` (one, once the directory is clean)."""
    return [member_of(person) for person in overseers_of(session, unit) if person.role_enum in VICE_MAYOR_ROLES]


def overseer_of_unit(*, session: Session, unit: str) -> StaffMember | None:
    """The 分管副区长 (or 常务副区长) of `unit`, if one is registered. Two registered (an entry
    made before the directory refused it) raise DirectoryError: routing must not pick one."""
    overseers = overseers_of_unit(session=session, unit=unit)
    if len(overseers) > 1:
        names = "、".join(f"{m.name}(ID {m.ids})" for m in overseers)
        raise DirectoryError(
            f"名录中{unit}登记了{len(overseers)}位分管副区长:{names},无法确定由谁审核。"
            f"请区政府办公室用「/staff transfer {unit} 分管副区长ID」指定一位。"
        )
    return overseers[0] if overseers else None


def is_admin(*, session: Session, settings_admin_ids: Iterable[int], actor: Actor | None) -> bool:
    """办公室 staff (on any channel) and the Telegram ids of ADMIN_TELEGRAM_IDS administer the bot;
    a person whose registered Telegram id is one of those is an administrator on every messenger."""
    if actor is None or actor.anonymous:
        return False
    admin_ids = set(settings_admin_ids)
    if actor.telegram_id in admin_ids:
        return True
    member = acting_member(session=session, actor=actor)
    return member is not None and (member.is_office or member.telegram_id in admin_ids)


def all_members(*, session: Session, include_inactive: bool = False) -> list[StaffMember]:
    return [member_of(person) for person in list_people(session, include_inactive=include_inactive)]


def member_line(member: StaffMember) -> str:
    """One line of the directory listing: id, name, unit, role and oversight."""
    oversees = f" 分管:{'、'.join(member.oversees)}" if member.oversees else ""
    return f"{member.ids} {member.name} {member.unit} {member.role.value}{oversees}"


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


@dataclass(frozen=True)
class _Changer:
    """Who runs a directory change: a person of the directory (whether they write from Telegram,
    DingTalk or the web console), or an ADMIN_TELEGRAM_IDS account outside it, or nobody (the
    command line's operator, who may set anything)."""

    person_id: int | None
    account: tuple[str, str] | None

    @classmethod
    def of(cls, session: Session, actor: Actor | None) -> _Changer:
        person = acting_person(session, actor, active_only=False)
        account = None
        if actor is not None and actor.channel is not None and actor.account is not None:
            account = (actor.channel, actor.account)
        return cls(person.id if person is not None else None, account)

    def check_not(self, person: Person | None, accounts: Iterable[tuple[str, str]] = ()) -> None:
        """Nobody changes their own entry or role, nor registers the account they write from."""
        named = set(accounts)
        if person is not None:
            named |= {(row.channel, row.account) for row in person.accounts}
        if (person is not None and self.person_id == person.id) or self.account in named:
            raise DirectoryError("不能修改自己的登记信息和角色,请由其他管理员或命令行办理")


def _who(telegram_id: int | None, dingtalk_id: str | None) -> str:
    return f"Telegram ID {telegram_id}" if telegram_id is not None else f"钉钉 ID {dingtalk_id}"


def _actor_text(actor: Actor) -> str:
    """How a refusal names a person given as an Actor: Telegram ID 1001, 钉钉 ID manager4521."""
    if actor.channel is not None:
        return f"{CHANNEL_NAMES.get(actor.channel, actor.channel)} ID {actor.account}"
    return f"人员编号 {actor.person_id}"


def _id_text(telegram_id: int | None, dingtalk_id: str | None) -> str:
    """The id as a chat command takes it: 1001, or 钉钉:manager4521."""
    return str(telegram_id) if telegram_id is not None else account_text(DINGTALK, dingtalk_id or "")


def _named_person(
    session: Session, telegram_id: int | None, dingtalk_id: str | None, *, active_only: bool = True
) -> Person | None:
    """The person either account names (the two must not name two different people)."""
    if telegram_id is None and not dingtalk_id:
        raise DirectoryError("请写明人员的 Telegram ID 或钉钉 ID")
    by_telegram = person_by_telegram_id(session, telegram_id, active_only=active_only) if telegram_id is not None else None
    by_dingtalk = person_by_account(session, DINGTALK, dingtalk_id, active_only=active_only) if dingtalk_id else None
    if by_telegram is not None and by_dingtalk is not None and by_telegram is not by_dingtalk:
        raise DirectoryError(f"Telegram ID {telegram_id} 是{by_telegram.name},钉钉 ID {dingtalk_id} 是{by_dingtalk.name}:"
                             "不是同一人,请核对")
    return by_telegram or by_dingtalk


def _check_accounts(telegram_id: int | None, dingtalk_id: str | None) -> None:
    if telegram_id is not None and (telegram_id == ANONYMOUS_ADMIN_ID or telegram_id <= 0):
        raise DirectoryError("Telegram 用户 ID 无效:请填写个人账号的数字 ID")
    if dingtalk_id is not None and (not dingtalk_id.strip() or len(dingtalk_id) > MAX_ACCOUNT
                                    or any(c.isspace() for c in dingtalk_id)):
        raise DirectoryError("钉钉 ID 无效:请填写钉钉用户 ID(userid),不含空格")


def _accounts(telegram_id: int | None, dingtalk_id: str | None) -> list[tuple[str, str]]:
    """The (channel, account) pairs named by a change."""
    pairs = [(TELEGRAM, str(telegram_id))] if telegram_id is not None else []
    return pairs + ([(DINGTALK, dingtalk_id)] if dingtalk_id is not None else [])


def _attach_accounts(session: Session, person: Person, telegram_id: int | None, dingtalk_id: str | None) -> None:
    """Give `person` the accounts named, refusing one that belongs to somebody else."""
    for channel, account in _accounts(telegram_id, dingtalk_id):
        if person.account_on(channel) == account:
            continue
        holder = person_by_account(session, channel, account, active_only=False)
        if holder is not None and holder is not person:
            raise DirectoryError(f"{account_text(channel, account)} 已登记给{holder.name},不能再登记给{person.name}")
        person.set_account(channel, account)


# Posts one person holds at a time: approvals go to "the" 区长 (第八十二条) and 常务副区长 (第七条).
SINGLE_HOLDER_ROLES = (Role.MAYOR, Role.EXECUTIVE_VICE_MAYOR)


def _check_single_holder(session: Session, role: Role, person: Person | None) -> None:
    if role not in SINGLE_HOLDER_ROLES:
        return
    lock_single_holder_posts(session)
    holders = [m for m in members_with_role(session=session, role=role) if person is None or m.person_id != person.id]
    if holders:
        holder = holders[0]
        raise DirectoryError(
            f"目录中已有{role.value}{holder.name}(ID {holder.ids}):{role.value}只能登记一位,"
            f"请先修改或移除其登记(/staff remove {_id_text(holder.telegram_id, holder.dingtalk_id)})"
        )


def _check_units_free(
    session: Session, units: Iterable[str], person: Person | None, who: str, *, registering: bool
) -> None:
    """A unit has one 分管副区长: reviews and approvals go to "the" one (第四十八、八十二条), so a
    second is refused, naming the present one and the explicit hand-over that moves the unit."""
    if not units:
        return
    lock_single_holder_posts(session)  # two admins giving one unit to two people at once
    for unit in units:
        holders = [m for m in overseers_of_unit(session=session, unit=unit) if person is None or m.person_id != person.id]
        if not holders:
            continue
        holder = holders[0]
        first = f"先登记(分管单位不写{unit}),再" if registering else ""
        raise DirectoryError(
            f"{unit}已由{holder.role.value}{holder.name}(ID {holder.ids})分管:一个单位只登记一位分管副区长。"
            f"如改由 {who} 分管,请{first}用「/staff transfer {unit} {who}」把{unit}从{holder.name}"
            f"移交过来(命令行:officebot users transfer --unit {unit} --to {who})。"
        )


def add_member(
    *,
    session: Session,
    actor: Actor | None,
    telegram_id: int | None = None,
    dingtalk_id: str | None = None,
    name: str,
    unit: str,
    role: Role,
    oversees: Iterable[str] = (),
) -> StaffMember:
    """Register a person with a Telegram id, a DingTalk id or both (or re-activate a removed one
    with the new details). `actor` None is the command line's operator."""
    _check_accounts(telegram_id, dingtalk_id)
    person = _named_person(session, telegram_id, dingtalk_id, active_only=False)
    _Changer.of(session, actor).check_not(person, _accounts(telegram_id, dingtalk_id))
    name, unit = name.strip(), unit.strip()
    if not name or not unit:
        raise DirectoryError("姓名和单位不能为空")
    units = _check_oversees(role, oversees)
    _check_lengths(name, (unit, *units))
    who = _who(telegram_id, dingtalk_id)
    _check_single_holder(session, role, person)
    _check_units_free(session, units, person, _id_text(telegram_id, dingtalk_id), registering=True)
    if person is not None and person.active:
        raise DirectoryError(f"{who} 已登记为 {person.name},请用修改功能")
    if person is None:
        person = Person(name=name, unit=unit, role=role.value, active=True)
        session.add(person)
    else:
        person.name, person.unit, person.role, person.active = name, unit, role.value, True
    _attach_accounts(session, person, telegram_id, dingtalk_id)
    _set_oversight(person, units)
    session.flush()
    record_audit(
        session,
        actor,
        action="created",
        entity="person",
        entity_id=person.id,
        detail={"telegram_id": telegram_id, "dingtalk_id": dingtalk_id, "name": name, "unit": unit,
                "role": role.value, "oversees": list(units)},
    )
    return member_of(person)


def _set_oversight(person: Person, units: tuple[str, ...]) -> None:
    """Keep the rows of units that stay (a new row for a kept unit would collide with the old one
    on (person, unit) before the old one is deleted), drop the others, add the new ones."""
    kept = [row for row in person.oversight if row.unit in units]
    person.oversight = kept + [Oversight(unit=u) for u in units if u not in {row.unit for row in kept}]


def update_member(
    *,
    session: Session,
    actor: Actor | None,
    telegram_id: int | None = None,
    dingtalk_id: str | None = None,
    name: str | None = None,
    unit: str | None = None,
    role: Role | None = None,
    oversees: Iterable[str] | None = None,
) -> StaffMember:
    """Change some details of an active person, named by either account; an account given that
    the person does not hold yet is added to them (how someone gets their DingTalk id). A role
    change is audited as such."""
    _check_accounts(telegram_id, dingtalk_id)
    person = _named_person(session, telegram_id, dingtalk_id)
    if person is None:
        raise DirectoryError(f"未找到 {_who(telegram_id, dingtalk_id)} 的在册人员")
    _Changer.of(session, actor).check_not(person)
    oversees = tuple(oversees) if oversees is not None else None
    _check_lengths(name.strip() if name else None, [unit.strip() if unit else "", *(u.strip() for u in oversees or ())])
    before = {"name": person.name, "unit": person.unit, "role": person.role, "oversees": person.oversees,
              "telegram_id": person.telegram_id, "dingtalk_id": person.dingtalk_id}
    new_role = role or person.role_enum
    _check_single_holder(session, new_role, person)
    _attach_accounts(session, person, telegram_id, dingtalk_id)
    if name is not None and name.strip():
        person.name = name.strip()
    if unit is not None and unit.strip():
        person.unit = unit.strip()
    person.role = new_role.value
    if oversees is not None:
        units = _check_oversees(new_role, oversees)
        _check_units_free(session, units, person, _id_text(person.telegram_id, person.dingtalk_id), registering=False)
        _set_oversight(person, units)
    elif new_role not in VICE_MAYOR_ROLES:
        person.oversight = []
    session.flush()
    after = {"name": person.name, "unit": person.unit, "role": person.role, "oversees": person.oversees,
             "telegram_id": person.telegram_id, "dingtalk_id": person.dingtalk_id}
    record_audit(
        session,
        actor,
        action="role_changed" if before["role"] != after["role"] else "updated",
        entity="person",
        entity_id=person.id,
        detail={"before": before, "after": after},
    )
    return member_of(person)


def move_oversight(
    *, session: Session, actor: Actor | None, unit: str, successor: Actor
) -> tuple[StaffMember, list[StaffMember]]:
    """Make `successor` (an active person, named by an account or a person id) the only 分管副区长
    of `unit`, taking it from whoever held it; returns (the new 分管, the former ones). Audited as
    one "oversight_transferred" row."""
    unit = unit.strip()
    if not unit:
        raise DirectoryError("请写明要移交的单位")
    _check_lengths(None, (unit,))
    changer = _Changer.of(session, actor)
    lock_single_holder_posts(session)
    new_overseer = acting_person(session, successor)
    if new_overseer is None:
        raise DirectoryError(f"未找到 {_actor_text(successor)} 的在册人员")
    changer.check_not(new_overseer)
    if new_overseer.role_enum not in VICE_MAYOR_ROLES:
        raise DirectoryError(f"{new_overseer.name}是{new_overseer.role},只有副区长、常务副区长可以分管单位")
    former = [p for p in overseers_of(session, unit) if p.id != new_overseer.id]
    if not former and unit in new_overseer.oversees:
        raise DirectoryError(f"{unit}已由{new_overseer.name}分管,无需移交")
    for person in former:
        changer.check_not(person)
        person.oversight = [row for row in person.oversight if row.unit != unit]
    if unit not in new_overseer.oversees:
        new_overseer.oversight.append(Oversight(unit=unit))
    session.flush()
    record_audit(
        session,
        actor,
        action="oversight_transferred",
        entity="person",
        entity_id=new_overseer.id,
        detail={"unit": unit, "from": [p.id for p in former], "to": new_overseer.id},
    )
    return member_of(new_overseer), [member_of(p) for p in former]


def remove_member(
    *, session: Session, actor: Actor | None, telegram_id: int | None = None, dingtalk_id: str | None = None,
) -> StaffMember:
    """Deactivate a person named by either account (kept for the history of their reports)."""
    person = _named_person(session, telegram_id, dingtalk_id)
    if person is None:
        raise DirectoryError(f"未找到 {_who(telegram_id, dingtalk_id)} 的在册人员")
    _Changer.of(session, actor).check_not(person)
    person.active = False
    record_audit(session, actor, action="removed", entity="person", entity_id=person.id)
    return member_of(person)
