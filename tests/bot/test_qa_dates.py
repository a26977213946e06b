"""Questions that name a date get the date the rule's deadline falls on (issue 16), through the real
engine as the composition root builds it (bootstrap/qa_engine.py): bench/questions/dates.jsonl, each asked at
its own pinned moment. The expected dates there were counted by hand from the 2026 State Council holiday
notice (and, for 2027, the estimated schedule), never by office/ code."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from bootstrap.clock import Clock
from bootstrap.qa_engine import open_rules_qa
from bootstrap.settings import Settings
from retrieval.service import RulesQA

CASES = [json.loads(line) for line in (Path(__file__).parents[2] / "bench/questions/dates.jsonl").read_text("utf-8").splitlines()
         if line.strip()]
ANSWERED = [case for case in CASES if case["due_date"]]
REFUSED = [case for case in CASES if not case["due_date"]]


class StoppedClock(Clock):
    """A clock that reads `moment` until it is set again: each question is asked at its own moment."""

    moment: datetime

    def now(self) -> datetime:
        return self.moment.astimezone(self.tz)


@pytest.fixture(scope="module")
def stopped_clock(qa_settings: Settings) -> StoppedClock:
    return StoppedClock(qa_settings.tz)


@pytest.fixture(scope="module")
def dated_qa(qa: RulesQA, qa_settings: Settings, stopped_clock: StoppedClock) -> RulesQA:
    """The engine over the session's index (`qa` builds it), with the stopped clock."""
    return open_rules_qa(qa_settings, build_if_empty=False, clock=stopped_clock)


def _ask(dated_qa: RulesQA, clock: StoppedClock, case: dict):
    clock.moment = datetime.fromisoformat(case["now"])
    return dated_qa.ask(case["question"])


def test_the_set_is_large_and_covers_every_computed_rule() -> None:
    assert len(ANSWERED) >= 30 and len(REFUSED) >= 2
    assert {case["article"] for case in ANSWERED} == {17, 27, 48, 65, 82}
    assert any(case["estimated"] for case in ANSWERED)


@pytest.mark.parametrize("case", ANSWERED, ids=[case["id"] for case in ANSWERED])
def test_a_question_naming_a_date_is_answered_with_the_date_first(dated_qa, stopped_clock, case) -> None:
    answer = _ask(dated_qa, stopped_clock, case)
    assert answer.answered, answer.text
    assert case["article"] in [citation.article for citation in answer.citations]
    assert answer.citations[0].article == case["article"]  # the article the date comes from leads
    due = f"{case['due_date']}({case['weekday']})" + (case["due_time"] or "")
    assert due in answer.computed, (answer.computed, due)
    assert answer.text.startswith(answer.computed)  # the date first, then the article as before
    assert ("估算" in answer.computed) is case["estimated"]


@pytest.mark.parametrize("case", REFUSED, ids=[case["id"] for case in REFUSED])
def test_a_date_the_rules_do_not_set_stays_refused(dated_qa, stopped_clock, case) -> None:
    answer = _ask(dated_qa, stopped_clock, case)
    assert not answer.answered
    assert answer.computed == ""
