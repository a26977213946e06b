"""Answers the bot gave and the 👍 / 👎 their askers left: the record behind `officebot feedback`.

Only the person who asked may rate an answer (in a group, others' opinions would drown the
asker's); rating again changes the rating.

Example::

    with db.transaction() as session:
        answer_id = record_answer(session=session, user_id=1001, chat_id=1001, question="…",
                                  answered=True, citations=["《通州区人民政府工作规则》第四十八条"], now=now)
        rate_answer(session=session, answer_id=answer_id, user_id=1001, rating="up", now=now)   # Rating.RECORDED
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from sqlalchemy.orm import Session

from storage.feedback import answer_by_id, log_answer

RATINGS = ("up", "down")


class Rating(Enum):
    RECORDED = "recorded"
    NOT_YOURS = "not_yours"  # someone other than the asker pressed the button
    UNKNOWN_ANSWER = "unknown_answer"  # no such answer (e.g. a button from another installation)


def record_answer(
    *,
    session: Session,
    user_id: int | None,
    chat_id: int | None,
    question: str,
    answered: bool,
    citations: list[str],
    now: datetime,
) -> int:
    """Log one answer; returns the id its rating buttons carry."""
    row = log_answer(
        session, telegram_user_id=user_id, chat_id=chat_id, question=question, answered=answered, citations=citations,
        at=now,
    )
    return row.id


def rate_answer(*, session: Session, answer_id: int, user_id: int, rating: str, now: datetime) -> Rating:
    if rating not in RATINGS:
        raise ValueError(f"rating must be one of {RATINGS}")
    row = answer_by_id(session, answer_id)
    if row is None:
        return Rating.UNKNOWN_ANSWER
    if row.telegram_user_id != user_id:
        return Rating.NOT_YOURS
    row.rating, row.rated_at = rating, now
    return Rating.RECORDED
