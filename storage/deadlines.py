"""Deadlines, their reminder outbox, and group-chat subscriptions to deadline alerts.

The outbox (`Reminder`) is the source of truth for alerts: one row per (deadline, lead time,
recipient chat), unique, moved pending → sending → sent (or skipped / cancelled / failed /
uncertain) by `bot.scheduler`. Rules about *which* rows exist live in `office.reminders`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    and_,
    func,
    or_,
    select,
    text,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from storage.base import Base, UTCDateTime, utcnow
from storage.people import TELEGRAM, Person, Role

ALL_KINDS = "all"  # a subscription to every deadline kind
CHAT = String(128)


class DeadlineState(StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class ReminderState(StrEnum):
    PENDING = "pending"  # waiting for send_at (and not_before)
    SENDING = "sending"  # claimed by a dispatcher until claim_expires_at; the send is in flight
    SENT = "sent"  # Telegram accepted it (telegram_message_id)
    SKIPPED = "skipped"  # superseded: a later reminder for the same deadline and chat went instead
    CANCELLED = "cancelled"  # the deadline closed or the subscription ended before it was due
    FAILED = "failed"  # Telegram refused it for good (blocked, chat gone, bad request)
    UNCERTAIN = "uncertain"  # the send timed out after the request left: not repeated blindly


class Deadline(Base):
    __tablename__ = "deadlines"
    __table_args__ = (Index("ix_deadlines_source", "source_type", "source_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32), index=True)
    rule_article: Mapped[int | None] = mapped_column(Integer)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    source_type: Mapped[str | None] = mapped_column(String(32))
    source_id: Mapped[int | None] = mapped_column(Integer)
    responsible_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    responsible_unit: Mapped[str | None] = mapped_column(String(128))
    # The lead-time plan in force when it was created (e.g. "3d,1d,09:00,overdue"), so that a
    # group subscribing later, or the daily overdue chain, follows the same plan.
    lead_times: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(16), default=DeadlineState.OPEN.value, index=True)
    # Who created and closed it, as office/actors.py `recorded_actor` names them: the person, or an
    # administrator outside the directory by Telegram id.
    created_by_person_id: Mapped[int | None] = mapped_column(Integer)
    created_by_telegram_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_person_id: Mapped[int | None] = mapped_column(Integer)
    closed_by_telegram_id: Mapped[int | None] = mapped_column(BigInteger)

    reminders: Mapped[list[Reminder]] = relationship(back_populates="deadline", passive_deletes=True)


class Reminder(Base):
    """One alert to one chat for one lead time of one deadline (the outbox row)."""

    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("deadline_id", "lead", "channel", "chat_id"),
        Index("ix_reminders_due", "state", "send_at"),
        Index("ix_reminders_chat_claimed", "channel", "chat_id", "claimed_at"),
        Index("ix_reminders_claimed_at", "claimed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    deadline_id: Mapped[int] = mapped_column(ForeignKey("deadlines.id", ondelete="CASCADE"))
    lead: Mapped[str] = mapped_column(String(32))  # "3d", "09:00", "overdue:2", "snooze:<epoch>"
    # The messenger and its chat: a Telegram chat id as text, a DingTalk user id or openConversationId.
    channel: Mapped[str] = mapped_column(String(16), default=TELEGRAM, server_default=TELEGRAM)
    chat_id: Mapped[str] = mapped_column(CHAT)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))  # None: a group
    send_at: Mapped[datetime] = mapped_column(UTCDateTime)
    not_before: Mapped[datetime | None] = mapped_column(UTCDateTime)  # Telegram's RetryAfter
    state: Mapped[str] = mapped_column(String(16), default=ReminderState.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claim_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    deadline: Mapped[Deadline] = relationship(back_populates="reminders")


class Subscription(Base):
    """A group chat that receives the alerts of one deadline kind ("all" = every kind)."""

    __tablename__ = "alert_subscriptions"
    __table_args__ = (UniqueConstraint("channel", "chat_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), default=TELEGRAM, server_default=TELEGRAM)
    chat_id: Mapped[str] = mapped_column(CHAT, index=True)
    kind: Mapped[str] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_person_id: Mapped[int | None] = mapped_column(Integer)
    created_by_telegram_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    disabled_reason: Mapped[str | None] = mapped_column(String(200))


# --- deadlines -------------------------------------------------------------------------------


def deadline_by_id(session: Session, deadline_id: int) -> Deadline | None:
    return session.get(Deadline, deadline_id)


def open_deadlines_of_source(session: Session, *, source_type: str, source_id: int) -> list[Deadline]:
    query = select(Deadline).where(
        Deadline.source_type == source_type,
        Deadline.source_id == source_id,
        Deadline.state == DeadlineState.OPEN.value,
    )
    return list(session.scalars(query.order_by(Deadline.id)))


def open_deadlines_of_kinds(session: Session, *, kinds: Iterable[str]) -> list[Deadline]:
    kinds = list(kinds)
    query = select(Deadline).where(Deadline.state == DeadlineState.OPEN.value)
    if ALL_KINDS not in kinds:
        query = query.where(Deadline.kind.in_(kinds))
    return list(session.scalars(query.order_by(Deadline.id)))


def open_deadlines(
    session: Session,
    *,
    person_id: int | None = None,
    unit: str | None = None,
    creator_person_id: int | None = None,
) -> list[Deadline]:
    """Open deadlines by due time; with filters, those matching any of them (else all)."""
    query = select(Deadline).where(Deadline.state == DeadlineState.OPEN.value)
    filters = []
    if person_id is not None:
        filters.append(Deadline.responsible_person_id == person_id)
    if unit is not None:
        filters.append(Deadline.responsible_unit == unit)
    if creator_person_id is not None:
        filters.append(Deadline.created_by_person_id == creator_person_id)
    if filters:
        query = query.where(or_(*filters))
    return list(session.scalars(query.order_by(Deadline.due_at, Deadline.id)))


def responsible_people(session: Session, deadline: Deadline) -> list[Person]:
    """The active responsible person, else the active 部门正职 of the responsible unit."""
    if deadline.responsible_person_id is not None:
        person = session.get(Person, deadline.responsible_person_id)
        return [person] if person is not None and person.active else []
    if deadline.responsible_unit:
        query = select(Person).where(
            Person.unit == deadline.responsible_unit, Person.role == Role.UNIT_HEAD.value, Person.active.is_(True)
        )
        return list(session.scalars(query.order_by(Person.id)))
    return []


def unit_of_person(session: Session, person_id: int | None) -> str | None:
    person = session.get(Person, person_id) if person_id is not None else None
    return person.unit if person else None


def responsible_label(session: Session, deadline: Deadline) -> str | None:
    person = session.get(Person, deadline.responsible_person_id) if deadline.responsible_person_id else None
    if person is not None:
        return f"{person.name}({person.unit})"
    return deadline.responsible_unit


# --- the reminder outbox ---------------------------------------------------------------------


def insert_reminders(session: Session, rows: list[dict]) -> int:
    """Insert outbox rows, ignoring any whose (deadline, lead, chat) already exists; returns how many were new."""
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    values = [{"state": ReminderState.PENDING.value, "attempts": 0, "created_at": utcnow(), **row} for row in rows]
    statement = (
        insert(Reminder)
        .values(values)
        .on_conflict_do_nothing(index_elements=["deadline_id", "lead", "channel", "chat_id"])
        .returning(Reminder.id)
    )
    return len(session.execute(statement).all())


def cancel_pending(session: Session, *, deadline_id: int) -> int:
    """Stop the reminders of a closed deadline that have not been sent (nor claimed) yet."""
    statement = (
        update(Reminder)
        .where(Reminder.deadline_id == deadline_id, Reminder.state == ReminderState.PENDING.value)
        .values(state=ReminderState.CANCELLED.value, last_error="期限已关闭")
    )
    return session.execute(statement).rowcount


def skip_pending_until(
    session: Session, *, deadline_id: int, channel: str, chat_id: str, until: datetime, reason: str
) -> int:
    """Hold back a chat's pending alerts of one deadline due up to `until` (推迟)."""
    statement = (
        update(Reminder)
        .where(
            Reminder.deadline_id == deadline_id,
            Reminder.channel == channel,
            Reminder.chat_id == chat_id,
            Reminder.state == ReminderState.PENDING.value,
            Reminder.send_at <= until,
        )
        .values(state=ReminderState.SKIPPED.value, last_error=reason)
    )
    return session.execute(statement).rowcount


def person_id_of_chat(session: Session, *, deadline_id: int, channel: str, chat_id: str) -> int | None:
    query = select(Reminder.person_id).where(Reminder.deadline_id == deadline_id, Reminder.channel == channel,
                                             Reminder.chat_id == chat_id).limit(1)
    return session.scalars(query).first()


def claims_since(session: Session, *, since: datetime) -> int:
    """Reminders claimed after `since` by any dispatcher (the overall send-rate quota)."""
    return session.scalar(select(func.count()).select_from(Reminder).where(Reminder.claimed_at > since)) or 0


def _due(now: datetime):  # type: ignore[no-untyped-def]
    pending = and_(
        Reminder.state == ReminderState.PENDING.value,
        Reminder.send_at <= now,
        or_(Reminder.not_before.is_(None), Reminder.not_before <= now),
    )
    # A claim whose lease ran out: its dispatcher died mid-send, so it is sent again.
    abandoned = and_(Reminder.state == ReminderState.SENDING.value, Reminder.claim_expires_at <= now)
    return or_(pending, abandoned)


def lock_next_due(
    session: Session, *, now: datetime, channels: Iterable[str], group_window: timedelta, group_quota: int
) -> Reminder | None:
    """Lock the oldest due reminder on one of `channels` of an open deadline whose group chat is
    under its quota (a group's rows have no person).

    PostgreSQL: `FOR UPDATE SKIP LOCKED`, so replicas each get a different row. SQLite: the
    transaction already holds the database's write lock (BEGIN IMMEDIATE).
    """
    busy_groups = (
        select(Reminder.channel, Reminder.chat_id)
        .where(Reminder.person_id.is_(None), Reminder.claimed_at > now - group_window)
        .group_by(Reminder.channel, Reminder.chat_id)
        .having(func.count() >= group_quota)
    )
    query = (
        select(Reminder)
        .join(Deadline, Deadline.id == Reminder.deadline_id)
        .where(_due(now), Deadline.state == DeadlineState.OPEN.value, Reminder.channel.in_(list(channels)),
               tuple_(Reminder.channel, Reminder.chat_id).not_in(busy_groups))
        .order_by(Reminder.send_at, Reminder.id)
        .limit(1)
        .with_for_update(skip_locked=True, of=Reminder)
    )
    return session.scalars(query).first()


def has_newer_due(session: Session, row: Reminder, *, now: datetime) -> bool:
    """Whether a later alert of the same deadline and chat is due, in flight or sent already."""
    later = or_(Reminder.send_at > row.send_at, and_(Reminder.send_at == row.send_at, Reminder.id > row.id))
    query = select(Reminder.id).where(
        Reminder.deadline_id == row.deadline_id,
        Reminder.channel == row.channel,
        Reminder.chat_id == row.chat_id,
        Reminder.send_at <= now,
        later,
        Reminder.state.in_([ReminderState.PENDING.value, ReminderState.SENDING.value, ReminderState.SENT.value]),
    )
    return session.scalars(query.limit(1)).first() is not None


def _owned(reminder_id: int, worker: str):  # type: ignore[no-untyped-def]
    return and_(
        Reminder.id == reminder_id, Reminder.claimed_by == worker, Reminder.state == ReminderState.SENDING.value
    )


def mark_sent(session: Session, *, reminder_id: int, worker: str, message_id: int | None, now: datetime) -> bool:
    """Record the messenger's acceptance; False if this worker no longer owned the claim."""
    statement = (
        update(Reminder)
        .where(_owned(reminder_id, worker))
        .values(state=ReminderState.SENT.value, sent_at=now, telegram_message_id=message_id, claim_expires_at=None)
    )
    return session.execute(statement).rowcount == 1


def release_claim(session: Session, *, reminder_id: int, worker: str, not_before: datetime | None, error: str) -> bool:
    """Put a claimed reminder back (it was certainly not delivered), to be tried from `not_before`."""
    statement = (
        update(Reminder)
        .where(_owned(reminder_id, worker))
        .values(
            state=ReminderState.PENDING.value,
            not_before=not_before,
            last_error=error,
            claimed_by=None,
            claim_expires_at=None,
        )
    )
    return session.execute(statement).rowcount == 1


def finish_claim(session: Session, *, reminder_id: int, worker: str, state: ReminderState, error: str) -> bool:
    """End a claim as failed or uncertain (never retried automatically)."""
    statement = (
        update(Reminder)
        .where(_owned(reminder_id, worker))
        .values(state=state.value, last_error=error, claim_expires_at=None)
    )
    return session.execute(statement).rowcount == 1


def reminder_by_id(session: Session, reminder_id: int) -> Reminder | None:
    return session.get(Reminder, reminder_id)


# --- subscriptions ---------------------------------------------------------------------------


def subscribed_chats(session: Session, *, kind: str) -> list[tuple[str, str]]:
    """The (channel, chat) of every group subscribed to `kind`."""
    query = select(Subscription.channel, Subscription.chat_id).where(
        Subscription.active.is_(True), Subscription.kind.in_([kind, ALL_KINDS])
    )
    return sorted({(channel, chat_id) for channel, chat_id in session.execute(query)})


def _of_chat(model, channel: str, chat_id: str):  # type: ignore[no-untyped-def]
    return and_(model.channel == channel, model.chat_id == chat_id)


def chat_subscriptions(session: Session, *, channel: str, chat_id: str) -> list[Subscription]:
    query = select(Subscription).where(_of_chat(Subscription, channel, chat_id), Subscription.active.is_(True))
    return list(session.scalars(query.order_by(Subscription.kind)))


def activate_subscription(
    session: Session, *, channel: str, chat_id: str, kind: str, creator_person_id: int | None,
    creator_telegram_id: int | None,
) -> Subscription | None:
    """Subscribe the chat to `kind`, naming who did it (office/actors.py `recorded_actor`); None when
    it already was."""
    row = session.scalars(
        select(Subscription).where(_of_chat(Subscription, channel, chat_id), Subscription.kind == kind)
    ).one_or_none()
    if row is None:
        row = Subscription(channel=channel, chat_id=chat_id, kind=kind, active=True)
        session.add(row)
    elif row.active:
        return None
    else:
        row.active, row.disabled_at, row.disabled_reason = True, None, None
    row.created_by_person_id, row.created_by_telegram_id = creator_person_id, creator_telegram_id
    session.flush()
    return row


def deactivate_subscriptions(
    session: Session, *, channel: str, chat_id: str, kinds: Iterable[str] | None, reason: str
) -> list[Subscription]:
    """End the chat's subscriptions (all when `kinds` is None); returns the ones ended."""
    query = select(Subscription).where(_of_chat(Subscription, channel, chat_id), Subscription.active.is_(True))
    if kinds is not None:
        query = query.where(Subscription.kind.in_(list(kinds)))
    ended = list(session.scalars(query.order_by(Subscription.kind)))
    for row in ended:
        row.active, row.disabled_at, row.disabled_reason = False, utcnow(), reason
    session.flush()
    return ended


def cancel_unsubscribed(session: Session, *, channel: str, chat_id: str) -> int:
    """Cancel a group's pending alerts of deadlines whose kind it no longer subscribes to."""
    kinds = {row.kind for row in chat_subscriptions(session, channel=channel, chat_id=chat_id)}
    query = update(Reminder).where(_of_chat(Reminder, channel, chat_id), Reminder.state == ReminderState.PENDING.value)
    if ALL_KINDS in kinds:
        return 0
    if kinds:
        still = select(Deadline.id).where(Deadline.kind.in_(kinds))
        query = query.where(Reminder.deadline_id.not_in(still))
    statement = query.values(state=ReminderState.CANCELLED.value, last_error="已退订")
    return session.execute(statement, execution_options={"synchronize_session": False}).rowcount


def cancel_chat(session: Session, *, channel: str, chat_id: str, reason: str) -> int:
    """Cancel every pending alert to a chat that can no longer receive messages."""
    statement = (
        update(Reminder)
        .where(_of_chat(Reminder, channel, chat_id), Reminder.state == ReminderState.PENDING.value)
        .values(state=ReminderState.CANCELLED.value, last_error=reason)
    )
    return session.execute(statement).rowcount


def extend_claim(session: Session, *, reminder_id: int, worker: str, until: datetime) -> bool:
    """Keep a claim alive while its send is still in flight (the dispatcher's heartbeat)."""
    statement = update(Reminder).where(_owned(reminder_id, worker)).values(claim_expires_at=until)
    return session.execute(statement).rowcount == 1


def move_chat(session: Session, *, channel: str, old_chat_id: str, new_chat_id: str) -> None:
    """Point a migrated group's subscriptions and pending alerts at its new chat id."""
    session.execute(update(Subscription).where(_of_chat(Subscription, channel, old_chat_id))
                    .values(chat_id=new_chat_id))
    session.execute(
        update(Reminder)
        .where(_of_chat(Reminder, channel, old_chat_id), Reminder.state == ReminderState.PENDING.value)
        .values(chat_id=new_chat_id)
    )


def move_reminder(session: Session, *, reminder_id: int, chat_id: str) -> None:
    session.execute(update(Reminder).where(Reminder.id == reminder_id).values(chat_id=chat_id))


def fast_outbox_commit(session: Session) -> None:
    """On PostgreSQL, let this transaction's commit return before its WAL reaches disk.

    For the dispatcher's bookkeeping only: a bot process dying right after still leaves the commit
    with the server; only a database-server crash could undo it, and an undone claim or "sent" mark
    makes the row go out again (a duplicate), never a lost reminder. It shortens the window between
    Telegram accepting an alert and its "sent" commit. SQLite (WAL, synchronous=NORMAL) is already quick.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL synchronous_commit TO OFF"))


def outbox_counts(session: Session) -> dict[str, int]:
    """Reminders per state."""
    return dict(session.execute(select(Reminder.state, func.count()).group_by(Reminder.state)).all())


def troubled_reminders(session: Session, *, limit: int) -> list[Reminder]:
    """The latest reminders that need a person's eye: failed or uncertain, with their error."""
    query = (
        select(Reminder)
        .where(Reminder.state.in_([ReminderState.FAILED.value, ReminderState.UNCERTAIN.value]))
        .order_by(Reminder.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))
