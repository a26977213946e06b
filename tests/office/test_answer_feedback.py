"""Answer log and ratings: only the asker rates, on the messenger they asked on; a second press
changes the rating."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from office.answer_feedback import Rating, rate_answer, record_answer
from storage.feedback import rated_answers
from storage.people import DINGTALK, TELEGRAM

ASKER, OTHER = "1001", "1002"
DINGTALK_ASKER = "manager4521"
NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)


def _record(db, channel: str = TELEGRAM, account: str = ASKER, chat_id: str = "-500") -> int:
    with db.transaction() as session:
        return record_answer(session=session, channel=channel, account=account, chat_id=chat_id,
                             question="常务会议材料提前几天报送?", answered=True,
                             citations=["《通州区人民政府工作规则》第四十八条"], now=NOW)


def _rate(db, answer_id: int, account: str | None, rating: str, channel: str = TELEGRAM) -> Rating:
    with db.transaction() as session:
        return rate_answer(session=session, answer_id=answer_id, channel=channel, account=account, rating=rating,
                           now=NOW)


def test_the_asker_rates_and_may_change_the_rating(db):
    answer_id = _record(db)
    assert _rate(db, answer_id, ASKER, "down") is Rating.RECORDED
    assert _rate(db, answer_id, ASKER, "up") is Rating.RECORDED
    with db.transaction() as session:
        [row] = rated_answers(session)
        assert (row.id, row.rating, row.citations) == (answer_id, "up", ["《通州区人民政府工作规则》第四十八条"])
        assert (row.channel, row.account, row.chat_id) == (TELEGRAM, ASKER, "-500")
        assert row.at == row.rated_at == NOW  # the office's clock, as the feedback export shows it


def test_someone_else_cannot_rate_and_nothing_is_stored(db):
    answer_id = _record(db)
    assert _rate(db, answer_id, OTHER, "down") is Rating.NOT_YOURS
    assert _rate(db, answer_id, None, "down") is Rating.NOT_YOURS  # an anonymous group admin
    assert _rate(db, answer_id + 1000, ASKER, "up") is Rating.UNKNOWN_ANSWER
    with db.transaction() as session:
        assert rated_answers(session) == []


def test_a_dingtalk_asker_rates_and_only_on_dingtalk(db):
    answer_id = _record(db, DINGTALK, DINGTALK_ASKER, "cidGROUPoffice01==")
    assert _rate(db, answer_id, DINGTALK_ASKER, "down", channel=TELEGRAM) is Rating.NOT_YOURS  # same id, other messenger
    assert _rate(db, answer_id, "clerk2001", "down", channel=DINGTALK) is Rating.NOT_YOURS
    with db.transaction() as session:
        assert rated_answers(session) == []

    assert _rate(db, answer_id, DINGTALK_ASKER, "down", channel=DINGTALK) is Rating.RECORDED
    with db.transaction() as session:
        [row] = rated_answers(session)
        assert (row.channel, row.account, row.chat_id, row.rating) == (
            DINGTALK, DINGTALK_ASKER, "cidGROUPoffice01==", "down")


def test_a_telegram_id_on_dingtalk_is_not_the_telegram_asker(db):
    answer_id = _record(db)
    assert _rate(db, answer_id, ASKER, "up", channel=DINGTALK) is Rating.NOT_YOURS
    with db.transaction() as session:
        assert rated_answers(session) == []


def test_an_unknown_rating_is_a_programming_error(db):
    answer_id = _record(db)
    with pytest.raises(ValueError):
        _rate(db, answer_id, ASKER, "meh")
