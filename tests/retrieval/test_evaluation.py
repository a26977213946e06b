"""`officebot eval` arithmetic on a tiny hand-made fixture (no model involved)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from retrieval.answer import Answer
from retrieval.document import Article, RuleDocument
from retrieval.evaluation import EvalFileError, Evaluator, load_questions
from retrieval.search import ScoredArticle

DOC = RuleDocument(
    key="demo",
    title="示范规则",
    number="",
    articles=tuple(Article(number=n, label=f"第{n}条", chapter="", text=f"条文{n}") for n in (1, 2, 3)),
)
# question → (answered, ranked article numbers, answer text)
CANNED = {
    "q1": (True, [1, 2, 3], "会前3天报送"),  # gold 1 at rank 1, fact found
    "q2": (True, [3, 2, 1], "由区长主持"),  # gold 2 at rank 2, one of two facts found
    "q3": (False, [1, 2, 3], "未在规则中找到相关规定。"),  # answerable but refused
    "q4": (False, [2, 1, 3], "未在规则中找到相关规定。"),  # unanswerable, refused
    "q5": (True, [3, 1, 2], "…"),  # unanswerable, answered
}


def fake_ask_ranked(question: str) -> tuple[Answer, list[ScoredArticle]]:
    answered, ranked, text = CANNED[question]
    hits = [
        ScoredArticle(DOC, DOC.article(n), 1.0, 0.9, 0.5, "", lexical_support=1.0, affinity=0.9, lexical_query=True,
                      margin=0.1, unknown_share=0.0, question_chars=12) for n in ranked
    ]
    return Answer(question=question, answered=answered, summary=text), hits


@pytest.fixture
def questions(tmp_path: Path):
    rows = [
        {"question": "q1", "articles": [1], "answer_facts": ["会前3天报送"], "kind": "fact", "lang": "zh"},
        {"question": "q2", "articles": [2, 3], "answer_facts": ["由区长主持", "组成"], "kind": "multi", "lang": "zh"},
        {"question": "q3", "articles": [3], "answer_facts": ["x"], "kind": "english", "lang": "en"},
        {"question": "q4", "articles": [], "answer_facts": [], "kind": "unanswerable", "lang": "zh"},
        {"question": "q5", "articles": [], "answer_facts": [], "kind": "unanswerable", "lang": "en"},
    ]
    path = tmp_path / "q.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return load_questions(path)


def test_metrics(questions) -> None:
    summary = Evaluator(fake_ask_ranked, default_document="示范规则").run(questions).summary()
    overall = summary["by_lang"]["all"]
    assert overall["n"] == 3
    assert overall["recall@1"] == pytest.approx(1 / 3)
    assert overall["recall@3"] == pytest.approx(1.0)  # q3's gold 3 is at rank 3
    assert overall["mrr"] == pytest.approx((1 + 1 / 2 + 1 / 3) / 3)
    assert summary["by_lang"]["zh"]["recall@1"] == pytest.approx(0.5)
    assert summary["by_kind"]["multi"]["recall@1"] == 0
    assert summary["refusal_accuracy"] == pytest.approx(0.5)
    assert summary["false_refusal_rate"] == pytest.approx(1 / 3)
    assert summary["fact_containment"] == pytest.approx(2 / 4)  # q1 1/1, q2 1/2, q3 refused 0/1
    assert set(summary["latency_ms"]) == {"p50", "p95"}


def test_gold_must_be_in_the_named_document(questions) -> None:
    summary = Evaluator(fake_ask_ranked, default_document="别的规则").run(questions).summary()
    assert summary["by_lang"]["all"]["recall@5"] == 0


def test_table_names_every_figure(questions) -> None:
    table = Evaluator(fake_ask_ranked, default_document="示范规则").run(questions).table()
    for label in ("R@1", "R@3", "MRR", "拒答准确率", "误拒率", "要点覆盖率", "p95"):
        assert label in table


def test_broken_question_file_is_reported_by_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"question": "ok", "articles": [1]}\n{not json\n', encoding="utf-8")
    with pytest.raises(EvalFileError, match="第 2 行"):
        load_questions(path)


def test_refusal_quality_per_file_and_together(questions, tmp_path: Path) -> None:
    from retrieval.answer import Citation

    def ask_pointing_q3_to_its_article(question: str) -> tuple[Answer, list[ScoredArticle]]:
        answer, hits = fake_ask_ranked(question)
        if question == "q3":
            related = (Citation(document="示范规则", document_key="demo", article=3, label="第3条", chapter="", score=0.4),)
            answer = Answer(question=question, answered=False, summary=answer.summary, related=related)
        if question == "q5":
            answer = Answer(question=question, answered=True, summary="…", passages=(_passage(hits[0]),))
        return answer, hits

    second = tmp_path / "second.jsonl"
    second.write_text(json.dumps({"question": "q4", "articles": []}, ensure_ascii=False) + "\n", encoding="utf-8")
    report = Evaluator(ask_pointing_q3_to_its_article, default_document="示范规则").run([*questions, *load_questions(second)])
    summary = report.summary()
    refusal = summary["refusal"]
    assert refusal["unanswerable_refused"] == pytest.approx(2 / 3) and refusal["answerable_refused"] == pytest.approx(1 / 3)
    assert refusal["wrong_refusals_pointing_to_gold"] == 1.0
    assert refusal["refused_answerable"] == ["q3"]
    assert refusal["answered_unanswerable"] == [{"question": "q5", "cited": "第3条"}]
    assert summary["by_file"]["q.jsonl"]["unanswerable_refused"] == 0.5
    assert summary["by_file"]["second.jsonl"] == {"n": 1, "unanswerable_refused": 1.0, "answerable_refused": None, "recall@1": None}
    table = report.table()
    assert "second.jsonl (1): 1.00 / — / —" in table and "q5 → 第3条" in table


def _passage(hit: ScoredArticle):  # type: ignore[no-untyped-def]
    from retrieval.answer import Citation, Passage

    citation = Citation(document=hit.document.title, document_key=hit.document.key, article=hit.article.number,
                        label=hit.article.label, chapter="", score=hit.score)
    return Passage(citation=citation, text=hit.article.text)
