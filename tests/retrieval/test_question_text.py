"""Which messages the Q&A searches and which get 「没看懂」 (retrieval/question_text.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from retrieval.question_text import asks_something

ROOT = Path(__file__).parents[2]


@pytest.mark.parametrize(
    "noise",
    ["4", "hello", "hello world", "12月22日", "下周三", "１２３", "<b>x</b> &amp;", "好",
     "SELECT * FROM users WHERE id=1; DROP TABLE users;--", "'; DROP TABLE users; --"],
)
def test_noise_asks_nothing(noise: str) -> None:
    assert not asks_something(noise)


@pytest.mark.parametrize(
    "question",
    ["公章谁管?", "那区长呢?", "副区长呢", "Leave approval?", "12月22日开常务会,材料哪天报?",
     "How many days before a meeting must materials be submitted?", "<b>使用区政府领导个人印章</b>需要<i>谁同意</i>?"],
)
def test_short_follow_up_and_english_questions_ask_something(question: str) -> None:
    assert asks_something(question)


def test_every_question_of_the_benchmark_sets_asks_something() -> None:
    files = sorted((ROOT / "bench/questions").glob("*.jsonl"))
    questions = [json.loads(line)["question"] for path in files for line in path.read_text("utf-8").splitlines() if line.strip()]
    assert len(questions) > 200
    assert [q for q in questions if not asks_something(q)] == []
