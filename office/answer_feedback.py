"""Answers the bot gave and the 👍 / 👎 their askers left: the record behind `officebot feedback`.

Only the person who asked may rate an answer, on the messenger they asked on (in a group, others'
opinions would drown the asker's); rating again changes the rating. The asker is their account on
that messenger (channel, account), registered in the directory or not.

Example::

    with db.transaction() as session:
        answer_id = record_answer(session=session, channel="dingtalk", account="manager4521",
                                  chat_id="manager4521", question="…", answered=True,
                                  citations=["《通州区人民政府工作规则》第四十八条"], now=now)
        rate_answer(session=session, answer_id=answer_id, channel="dingtalk", account="manager4521",
                    rating="up", now=now)   # Rating.RECORDED
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
    channel: str,
    account: str | None,
    chat_id: str,
    question: str,
    answered: bool,
    citations: list[str],
    now: datetime,
) -> int:
    """Log one answer; returns the id its rating buttons carry."""
    row = log_answer(
        session, channel=channel, account=account, chat_id=chat_id, question=question, answered=answered,
        citations=citations, at=now,
    )
    return row.id


def rate_answer(
    *, session: Session, answer_id: int, channel: str, account: str | None, rating: str, now: datetime
) -> Rating:
    """Store the rating if whoever pressed (`account` on `channel`) asked; `account` None is nobody."""
    if rating not in RATINGS:
        raise ValueError(f"rating must be one of {RATINGS}")
    row = answer_by_id(session, answer_id)
    if row is None:
        return Rating.UNKNOWN_ANSWER
    if account is None or (row.channel, row.account) != (channel, account):
        return Rating.NOT_YOURS
    row.rating, row.rated_at = rating, now
    return Rating.RECORDED
