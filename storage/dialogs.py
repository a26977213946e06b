"""Open forms, stored: one row per (channel, chat, person) with the form's step, its answers and a
version; and the ids of the updates already applied, so none is applied twice.

A form's state lives here rather than in a process's memory, so a restart or another replica
carries on where the person left off. Each step reads the row and writes it back in the same
transaction as whatever the step records; `save` and `close` only succeed for the version that
was read, so two replicas racing on one person cannot both advance the form (`DialogConflict`).

Usage::

    key = DialogKey("telegram", "1001", "1001")
    with db.transaction() as session:
        opened = load(session, key)                    # None: no form open
        save(session, key, flow="deadline_form", step="when", data={}, version=None, now=now)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Integer, String, Text, UniqueConstraint, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.base import Base, UTCDateTime


# Telegram redelivers an unconfirmed update for at most 24 hours; a week leaves room for a long outage.
KEEP_UPDATE_IDS = timedelta(days=7)


class DialogConflict(Exception):
    """The form changed since it was read (another replica took the step)."""


class DialogRow(Base):
    __tablename__ = "dialogs"
    __table_args__ = (UniqueConstraint("channel", "chat_id", "account"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    account: Mapped[str] = mapped_column(String(64))  # the person's id on that channel
    flow: Mapped[str] = mapped_column(String(32))
    step: Mapped[str] = mapped_column(String(32))
    data: Mapped[str] = mapped_column(Text)  # JSON: the answers so far
    version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


@dataclass(frozen=True)
class DialogKey:
    channel: str
    chat_id: str
    account: str


@dataclass(frozen=True)
class OpenDialog:
    flow: str
    step: str
    data: dict[str, Any]
    version: int
    updated_at: datetime


def _where(key: DialogKey):  # type: ignore[no-untyped-def]
    return (DialogRow.channel == key.channel, DialogRow.chat_id == key.chat_id, DialogRow.account == key.account)


def load(session: Session, key: DialogKey) -> OpenDialog | None:
    row = session.scalars(select(DialogRow).where(*_where(key))).one_or_none()
    if row is None:
        return None
    return OpenDialog(row.flow, row.step, json.loads(row.data), row.version, row.updated_at)


def save(
    session: Session, key: DialogKey, *, flow: str, step: str, data: dict[str, Any], version: int | None,
    now: datetime,
) -> int:
    """Write the form's next state; `version` is what `load` returned (None: no form was open).
    Returns the new version."""
    payload = json.dumps(data, ensure_ascii=False)
    if version is None:
        try:
            with session.begin_nested():
                session.add(DialogRow(channel=key.channel, chat_id=key.chat_id, account=key.account, flow=flow,
                                      step=step, data=payload, version=1, updated_at=now))
        except IntegrityError:
            raise DialogConflict(key) from None
        return 1
    changed = session.execute(
        update(DialogRow).where(*_where(key), DialogRow.version == version)
        .values(flow=flow, step=step, data=payload, version=version + 1, updated_at=now)
    ).rowcount
    if changed != 1:
        raise DialogConflict(key)
    return version + 1


def close(session: Session, key: DialogKey, *, version: int) -> None:
    """The form is finished, cancelled or expired."""
    removed = session.execute(delete(DialogRow).where(*_where(key), DialogRow.version == version)).rowcount
    if removed != 1:
        raise DialogConflict(key)


def discard(session: Session, key: DialogKey) -> None:
    """/cancel: drop the form whatever its version (the person gives up on it as a whole)."""
    session.execute(delete(DialogRow).where(*_where(key)))


class HandledUpdate(Base):
    """An update a flow has applied, by the messenger's id for it: a redelivery changes nothing."""

    __tablename__ = "handled_updates"
    __table_args__ = (UniqueConstraint("channel", "update_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    update_id: Mapped[str] = mapped_column(String(64))
    handled_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # What the flow answered (JSON), until the adapter has sent it: a kill between the commit and the
    # sending leaves it here, and the update's redelivery after the restart sends it then.
    response: Mapped[str | None] = mapped_column(Text, nullable=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


def applied_before(session: Session, *, channel: str, update_id: str) -> bool:
    """Whether the update was applied already (a read only: `first_delivery` records it)."""
    return session.scalars(select(HandledUpdate.id).where(
        HandledUpdate.channel == channel, HandledUpdate.update_id == update_id)).first() is not None


def first_delivery(session: Session, *, channel: str, update_id: str, now: datetime) -> bool:
    """Record the update as applied in this transaction; False when it already was (a webhook retry,
    a redelivery after a restart). Ids older than `KEEP_UPDATE_IDS` are forgotten on the way."""
    session.execute(delete(HandledUpdate).where(HandledUpdate.handled_at < now - KEEP_UPDATE_IDS))
    try:
        with session.begin_nested():
            session.add(HandledUpdate(channel=channel, update_id=update_id, handled_at=now))
    except IntegrityError:
        return False
    return True


def _handled(channel: str, update_id: str):  # type: ignore[no-untyped-def]
    return HandledUpdate.channel == channel, HandledUpdate.update_id == update_id


def keep_response(session: Session, *, channel: str, update_id: str, response: str) -> None:
    """Store what the flow answered to the update recorded by `first_delivery` in this transaction."""
    session.execute(update(HandledUpdate).where(*_handled(channel, update_id)).values(response=response))


def undelivered_response(session: Session, *, channel: str, update_id: str) -> str | None:
    """The stored answer to an applied update if it was never marked delivered."""
    return session.scalars(select(HandledUpdate.response).where(
        *_handled(channel, update_id), HandledUpdate.delivered_at.is_(None))).one_or_none()


def mark_delivered(session: Session, *, channel: str, update_id: str, now: datetime) -> None:
    session.execute(update(HandledUpdate).where(*_handled(channel, update_id))
                    .values(delivered_at=now, response=None))
