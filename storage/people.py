"""The staff directory: people, their roles, the units a vice mayor oversees (分管), and each
person's accounts on the messengers (a Telegram id, a DingTalk user id), one per channel.

    person = Person(name="张三", unit="区财政局", role=Role.UNIT_HEAD.value, telegram_id=1001)
    person.set_account(DINGTALK, "manager4521")
    person_by_account(session, DINGTALK, "manager4521")   # the same person
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from storage.base import Base, UTCDateTime, utcnow
from storage.roles import Role


TELEGRAM, DINGTALK = "telegram", "dingtalk"
CHANNELS = (TELEGRAM, DINGTALK)
CHANNEL_NAMES = {TELEGRAM: "Telegram", DINGTALK: "钉钉"}  # as people read them


class Person(Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    unit: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    oversight: Mapped[list[Oversight]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="Oversight.unit"
    )

    accounts: Mapped[list[Account]] = relationship(
        back_populates="person", cascade="all, delete-orphan", lazy="selectin", order_by="Account.channel"
    )

    def __init__(self, *, telegram_id: int | None = None, dingtalk_id: str | None = None, **columns: object) -> None:
        super().__init__(**columns)
        if telegram_id is not None:
            self.set_account(TELEGRAM, str(telegram_id))
        if dingtalk_id is not None:
            self.set_account(DINGTALK, dingtalk_id)

    def account_on(self, channel: str) -> str | None:
        return next((row.account for row in self.accounts if row.channel == channel), None)

    def set_account(self, channel: str, account: str | None) -> None:
        """Give the person this account on `channel` (None removes it), replacing the one they had."""
        if channel not in CHANNELS:
            raise ValueError(f"unknown channel {channel!r}")
        current = next((row for row in self.accounts if row.channel == channel), None)
        if account is None:
            self.accounts = [row for row in self.accounts if row is not current]
        elif current is not None:
            current.account = account  # changed in place: a new row would collide on (person, channel)
        else:
            self.accounts.append(Account(channel=channel, account=account))

    @property
    def telegram_id(self) -> int | None:
        account = self.account_on(TELEGRAM)
        return int(account) if account is not None else None

    @property
    def dingtalk_id(self) -> str | None:
        return self.account_on(DINGTALK)

    @property
    def oversees(self) -> list[str]:
        return [row.unit for row in self.oversight]

    @property
    def role_enum(self) -> Role:
        return Role(self.role)


class Oversight(Base):
    """One unit a vice mayor oversees (分管)."""

    __tablename__ = "oversight"
    __table_args__ = (UniqueConstraint("person_id", "unit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    unit: Mapped[str] = mapped_column(String(128))
    person: Mapped[Person] = relationship(back_populates="oversight")


class Account(Base):
    """A person's id on one messenger: a Telegram user id, or a DingTalk staff id (senderStaffId)."""

    __tablename__ = "accounts"
    __table_args__ = (UniqueConstraint("channel", "account"), UniqueConstraint("person_id", "channel"))

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(16))
    account: Mapped[str] = mapped_column(String(64))
    person: Mapped[Person] = relationship(back_populates="accounts")


def person_by_account(session: Session, channel: str, account: str, *, active_only: bool = True) -> Person | None:
    query = select(Person).join(Account).where(Account.channel == channel, Account.account == account)
    if active_only:
        query = query.where(Person.active.is_(True))
    return session.scalars(query).one_or_none()


def person_by_telegram_id(session: Session, telegram_id: int, *, active_only: bool = True) -> Person | None:
    return person_by_account(session, TELEGRAM, str(telegram_id), active_only=active_only)


def people_with_role(session: Session, role: Role) -> list[Person]:
    query = select(Person).where(Person.role == role.value, Person.active.is_(True)).order_by(Person.id)
    return list(session.scalars(query))


def overseers_of(session: Session, unit: str) -> list[Person]:
    """Active vice mayors (副区长 or 常务副区长) who oversee `unit`."""
    query = (
        select(Person)
        .join(Oversight)
        .where(Oversight.unit == unit, Person.active.is_(True))
        .order_by(Person.id)
    )
    return list(session.scalars(query))


def list_people(session: Session, *, include_inactive: bool = False) -> list[Person]:
    query = select(Person).order_by(Person.unit, Person.id)
    if not include_inactive:
        query = query.where(Person.active.is_(True))
    return list(session.scalars(query))


def people_in_unit(session: Session, unit: str, role: Role) -> list[Person]:
    """Active people of `unit` with `role` (e.g. the unit's 部门正职)."""
    query = (
        select(Person)
        .where(Person.unit == unit, Person.role == role.value, Person.active.is_(True))
        .order_by(Person.id)
    )
    return list(session.scalars(query))


_SINGLE_HOLDER_LOCK = 0x0FF1CE  # an application-chosen key for pg_advisory_xact_lock


def lock_single_holder_posts(session: Session) -> None:
    """Serialize changes to the posts one person holds (区长, 常务副区长) until the transaction
    ends, so that two admins registering a 区长 at once cannot both pass the check. PostgreSQL takes
    an advisory lock; SQLite already runs one writing transaction at a time (BEGIN IMMEDIATE)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SINGLE_HOLDER_LOCK})
