"""Answer log and ratings: only the asker rates, a second press changes the rating."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from office.answer_feedback import Rating, rate_answer, record_answer
from storage.feedback import rated_answers

ASKER, OTHER = 1001, 1002
NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)


def _record(db) -> int:
    with db.transaction() as session:
        return record_answer(session=session, user_id=ASKER, chat_id=-500, question="常务会议材料提前几天报送?",
                             answered=True, citations=["《通州区人民政府工作规则》第四十八条"], now=NOW)


def _rate(db, answer_id: int, user_id: int, rating: str) -> Rating:
    with db.transaction() as session:
        return rate_answer(session=session, answer_id=answer_id, user_id=user_id, rating=rating, now=NOW)


def test_the_asker_rates_and_may_change_the_rating(db):
    answer_id = _record(db)
    assert _rate(db, answer_id, ASKER, "down") is Rating.RECORDED
    assert _rate(db, answer_id, ASKER, "up") is Rating.RECORDED
    with db.transaction() as session:
        [row] = rated_answers(session)
        assert (row.id, row.rating, row.citations) == (answer_id, "up", ["《通州区人民政府工作规则》第四十八条"])
        assert row.at == row.rated_at == NOW  # the office's clock, as the feedback export shows it


def test_someone_else_cannot_rate_and_nothing_is_stored(db):
    answer_id = _record(db)
    assert _rate(db, answer_id, OTHER, "down") is Rating.NOT_YOURS
    assert _rate(db, answer_id + 1000, ASKER, "up") is Rating.UNKNOWN_ANSWER
    with db.transaction() as session:
        assert rated_answers(session) == []


def test_an_unknown_rating_is_a_programming_error(db):
    answer_id = _record(db)
    with pytest.raises(ValueError):
        _rate(db, answer_id, ASKER, "meh")
