"""The update inbox: every update a messenger delivers is written here before it is confirmed to
the messenger, and marked done once it has been handled, so a kill between the two replays it
after the restart instead of losing it (bot/update_inbox.py).

    with db.transaction() as session:
        fresh = record(session, channel="telegram", updates=[("812", '{"update_id": 812, …}')], now=now)
    with db.transaction() as session:
        pending(session, channel="telegram")     # [("812", '{…}')] until mark_done
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import String, Text, UniqueConstraint, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.base import Base, UTCDateTime

KEEP_DONE = timedelta(days=7)  # Telegram may repeat an update id after a week of silence


class InboxUpdate(Base):
    __tablename__ = "update_inbox"
    __table_args__ = (UniqueConstraint("channel", "update_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)  # arrival order
    channel: Mapped[str] = mapped_column(String(16))
    update_id: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)


def record(session: Session, *, channel: str, updates: Iterable[tuple[str, str]], now: datetime) -> list[str]:
    """Store the updates not seen before; returns their ids (a repeat of a known one is left out)."""
    fresh = []
    for update_id, payload in updates:
        try:
            with session.begin_nested():
                session.add(InboxUpdate(channel=channel, update_id=update_id, payload=payload, received_at=now))
        except IntegrityError:
            continue
        fresh.append(update_id)
    return fresh


def pending(session: Session, *, channel: str) -> list[tuple[str, str]]:
    """Updates recorded but not handled (the process stopped in between), oldest first."""
    rows = session.execute(
        select(InboxUpdate.update_id, InboxUpdate.payload)
        .where(InboxUpdate.channel == channel, InboxUpdate.done_at.is_(None)).order_by(InboxUpdate.id)
    )
    return [(row.update_id, row.payload) for row in rows]


def mark_done(session: Session, *, channel: str, update_id: str, now: datetime) -> None:
    session.execute(update(InboxUpdate).where(InboxUpdate.channel == channel, InboxUpdate.update_id == update_id)
                    .values(done_at=now))


def forget_done(session: Session, *, now: datetime) -> None:
    session.execute(delete(InboxUpdate).where(InboxUpdate.done_at < now - KEEP_DONE))
