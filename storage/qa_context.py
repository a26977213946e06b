"""The question each person last asked in each chat, per channel: what a follow-up question
(那区长呢?) leans on. Stored rather than kept in a process's memory, so the context survives a
restart and is the same on every replica; keyed by (channel, chat, person), so in a group one
person's question is never another's context.

Usage::

    key = ContextKey("telegram", "-100501", "501")
    with db.transaction() as session:
        remember(session, key, question="副区长出差跟谁请假?", now=now)
        previous_question(session, key, since=now - timedelta(seconds=300))   # the question, or None
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.base import Base, UTCDateTime


class QAContext(Base):
    __tablename__ = "qa_contexts"
    __table_args__ = (UniqueConstraint("channel", "chat_id", "account"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    account: Mapped[str] = mapped_column(String(64))  # the asker's id on that channel
    question: Mapped[str] = mapped_column(Text)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime)


@dataclass(frozen=True)
class ContextKey:
    channel: str
    chat_id: str
    account: str


def _row(session: Session, key: ContextKey) -> QAContext | None:
    return session.scalars(select(QAContext).where(
        QAContext.channel == key.channel, QAContext.chat_id == key.chat_id, QAContext.account == key.account,
    )).one_or_none()


def previous_question(session: Session, key: ContextKey, *, since: datetime) -> str | None:
    """The person's last question in this chat if asked at `since` or later."""
    row = _row(session, key)
    return row.question if row is not None and row.asked_at >= since else None


def remember(session: Session, key: ContextKey, *, question: str, now: datetime) -> None:
    """Make `question` the person's context in this chat (replacing the one before)."""
    row = _row(session, key)
    if row is None:
        session.add(QAContext(channel=key.channel, chat_id=key.chat_id, account=key.account, question=question,
                              asked_at=now))
    else:
        row.question, row.asked_at = question, now
