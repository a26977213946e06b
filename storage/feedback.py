"""Answer feedback (👍 / 👎) with the question and the citations it was about. Who asked is their
account on the messenger they asked on (channel, account); the chat is text, as messengers name it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.base import Base, UTCDateTime
from storage.people import TELEGRAM


class AnswerLog(Base):
    """One answer the bot gave; feedback buttons point at its id."""

    __tablename__ = "answer_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    channel: Mapped[str] = mapped_column(String(16), default=TELEGRAM, server_default=TELEGRAM)
    account: Mapped[str | None] = mapped_column(String(64))  # None: no person could be named (anonymous admin)
    chat_id: Mapped[str | None] = mapped_column(String(128))
    question: Mapped[str] = mapped_column(Text)
    answered: Mapped[bool] = mapped_column()
    citations: Mapped[list] = mapped_column(JSON, default=list)
    rating: Mapped[str | None] = mapped_column(String(8))
    rated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def log_answer(
    session: Session,
    *,
    channel: str,
    account: str | None,
    chat_id: str,
    question: str,
    answered: bool,
    citations: list[str],
    at: datetime,
) -> AnswerLog:
    row = AnswerLog(
        at=at,
        channel=channel,
        account=account,
        chat_id=chat_id,
        question=question,
        answered=answered,
        citations=citations,
    )
    session.add(row)
    session.flush()
    return row


def answer_by_id(session: Session, answer_id: int) -> AnswerLog | None:
    return session.get(AnswerLog, answer_id)


def rated_answers(session: Session) -> list[AnswerLog]:
    query = select(AnswerLog).where(AnswerLog.rating.is_not(None)).order_by(AnswerLog.id)
    return list(session.scalars(query))
