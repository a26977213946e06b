"""Scoring the Q&A engine on a question file (the format of ../shared/eval/dev-questions.jsonl).

Each line: {"question", "articles": [gold, primary first] or [] when unanswerable, "answer_facts",
"kind", "lang", optional "document" (title or part of it; default: the first indexed document)}.

Refusal is scored both ways (the issue's target: ≥ 90 % of unanswerable questions refused with
≤ 5 % of answerable ones refused), per question file and over all of them, with the questions
misjudged either way listed, and, for a wrongly refused question, whether its "可能相关的条款" still
point to the right article (a refusal that helps) or not.

Example::

    questions = load_questions(Path("dev-questions.jsonl")) + load_questions(Path("blind.jsonl"))
    report = Evaluator(qa.ask_ranked, default_document="…").run(questions)
    print(report.table())
"""

from __future__ import annotations

import json
import statistics
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from retrieval.answer import Answer
from retrieval.search import ScoredArticle

RANK_CUTOFFS = (1, 3, 5)
_LISTED = 10  # misjudged questions shown in the table (all of them in the JSON summary)


class EvalFileError(ValueError):
    """The question file is unusable; the message is Chinese and names the line."""


@dataclass(frozen=True)
class Question:
    question: str
    articles: tuple[int, ...]
    answer_facts: tuple[str, ...] = ()
    kind: str = ""
    lang: str = "zh"
    document: str | None = None
    source: str = ""  # the question file's name

    @property
    def answerable(self) -> bool:
        return bool(self.articles)


@dataclass(frozen=True)
class Outcome:
    question: Question
    rank: int | None  # 1-based rank of the primary gold article among the retrieved ones
    answered: bool
    facts_found: int
    seconds: float
    cited: str = ""  # the first citation's label when answered
    gold_related: bool = False  # refused, and the gold article is among the "may be related" ones


@dataclass
class EvalReport:
    outcomes: list[Outcome] = field(default_factory=list)

    def retrieval(self, group: Callable[[Outcome], str]) -> dict[str, dict[str, float]]:
        """recall@k and MRR of the primary gold article, per group of answerable questions."""
        groups: dict[str, list[Outcome]] = {}
        for outcome in self.outcomes:
            if outcome.question.answerable:
                groups.setdefault(group(outcome), []).append(outcome)
                groups.setdefault("all", []).append(outcome)
        table = {}
        for name, members in sorted(groups.items()):
            row = {f"recall@{k}": _share(o.rank is not None and o.rank <= k for o in members) for k in RANK_CUTOFFS}
            row["mrr"] = sum(1 / o.rank for o in members if o.rank) / len(members)
            row["n"] = len(members)
            table[name] = row
        return table

    def summary(self) -> dict:
        answerable = [o for o in self.outcomes if o.question.answerable]
        unanswerable = [o for o in self.outcomes if not o.question.answerable]
        facts = sum(len(o.question.answer_facts) for o in answerable)
        seconds = sorted(o.seconds for o in self.outcomes)
        return {
            "questions": len(self.outcomes),
            "by_lang": self.retrieval(lambda o: o.question.lang),
            "by_kind": self.retrieval(lambda o: o.question.kind),
            "refusal_accuracy": _share(not o.answered for o in unanswerable) if unanswerable else None,
            "false_refusal_rate": _share(not o.answered for o in answerable) if answerable else None,
            "refusal": self.refusal(),
            "by_file": {name: self.of_file(name).refusal_figures() for name in self.files()},
            "fact_containment": sum(o.facts_found for o in answerable) / facts if facts else None,
            "latency_ms": {
                "p50": round(_percentile(seconds, 50) * 1000, 1),
                "p95": round(_percentile(seconds, 95) * 1000, 1),
            },
        }

    def files(self) -> list[str]:
        return list(dict.fromkeys(o.question.source for o in self.outcomes))

    def of_file(self, name: str) -> EvalReport:
        return EvalReport([o for o in self.outcomes if o.question.source == name])

    def refusal_figures(self) -> dict:
        """The two refusal rates and recall@1 of this report's questions."""
        answerable = [o for o in self.outcomes if o.question.answerable]
        unanswerable = [o for o in self.outcomes if not o.question.answerable]
        return {
            "n": len(self.outcomes),
            "unanswerable_refused": _share(not o.answered for o in unanswerable) if unanswerable else None,
            "answerable_refused": _share(not o.answered for o in answerable) if answerable else None,
            "recall@1": _share(o.rank == 1 for o in answerable) if answerable else None,
        }

    def refusal(self) -> dict:
        """Refusal quality: the rates, the misjudged questions, and whether wrong refusals still point the way."""
        wrongly_refused = [o for o in self.outcomes if o.question.answerable and not o.answered]
        wrongly_answered = [o for o in self.outcomes if not o.question.answerable and o.answered]
        return self.refusal_figures() | {
            "wrong_refusals_pointing_to_gold": _share(o.gold_related for o in wrongly_refused) if wrongly_refused else None,
            "refused_answerable": [o.question.question for o in wrongly_refused],
            "answered_unanswerable": [{"question": o.question.question, "cited": o.cited} for o in wrongly_answered],
        }

    def table(self) -> str:
        summary = self.summary()
        lines = [f"{'分组':<14}{'n':>4}{'R@1':>7}{'R@3':>7}{'R@5':>7}{'MRR':>7}"]
        for section in ("by_lang", "by_kind"):
            for name, row in summary[section].items():
                if section == "by_kind" and name == "all":
                    continue
                lines.append(
                    f"{name:<14}{row['n']:>4}{row['recall@1']:>7.2f}{row['recall@3']:>7.2f}"
                    f"{row['recall@5']:>7.2f}{row['mrr']:>7.2f}"
                )
            lines.append("")

        def show(value: float | None) -> str:
            return "—" if value is None else f"{value:.2f}"

        lines += [
            f"拒答准确率 (无答案问题被拒答): {show(summary['refusal_accuracy'])}",
            f"误拒率 (有答案问题被拒答):     {show(summary['false_refusal_rate'])}",
            f"要点覆盖率 (fact containment): {show(summary['fact_containment'])}",
            f"误拒中「可能相关」含正确条款:   {show(summary['refusal']['wrong_refusals_pointing_to_gold'])}",
        ]
        if len(summary["by_file"]) > 1:
            lines.append("各文件 (无答案被拒答 / 有答案被拒答 / R@1):")
            for name, row in summary["by_file"].items():
                figures = " / ".join(show(row[k]) for k in ("unanswerable_refused", "answerable_refused", "recall@1"))
                lines.append(f"  {name} ({row['n']}): {figures}")
        for heading, rows in (("被误拒的有答案问题:", summary["refusal"]["refused_answerable"]),
                              ("未被拒答的无答案问题:", [f"{r['question']} → {r['cited']}" for r in summary["refusal"]["answered_unanswerable"]])):
            if rows:
                lines += [heading] + [f"  - {row}" for row in rows[:_LISTED]] + ([f"  …共 {len(rows)} 个"] if len(rows) > _LISTED else [])
        lines += [
            f"延迟 p50 / p95:                {summary['latency_ms']['p50']} / {summary['latency_ms']['p95']} ms",
            f"问题数:                        {summary['questions']}",
        ]
        return "\n".join(lines)


class Evaluator:
    """Runs every question through `ask_ranked(question) -> (Answer, ranked hits)` and scores it."""

    def __init__(self, ask_ranked: Callable[[str], tuple[Answer, list[ScoredArticle]]], default_document: str) -> None:
        self._ask_ranked = ask_ranked
        self._default_document = default_document

    def run(self, questions: Sequence[Question]) -> EvalReport:
        if questions:
            self._ask_ranked(questions[0].question)  # warm-up: latency is reported warm
        report = EvalReport()
        for question in questions:
            started = time.perf_counter()
            answer, hits = self._ask_ranked(question.question)
            seconds = time.perf_counter() - started
            report.outcomes.append(
                Outcome(
                    question=question,
                    rank=self._rank(question, hits),
                    answered=answer.answered,
                    facts_found=_facts_found(question.answer_facts, answer.text) if answer.answered else 0,
                    seconds=seconds,
                    cited=answer.citations[0].label if answer.answered and answer.citations else "",
                    gold_related=not answer.answered and self._gold_among(question, answer.related),
                )
            )
        return report

    def _gold_among(self, question: Question, citations) -> bool:  # type: ignore[no-untyped-def]
        if not question.answerable:
            return False
        document = question.document or self._default_document
        return any(document in c.document and c.article == question.articles[0] for c in citations)

    def _rank(self, question: Question, hits: list[ScoredArticle]) -> int | None:
        if not question.answerable:
            return None
        document = question.document or self._default_document
        for rank, hit in enumerate(hits, start=1):
            if document in hit.document.title and hit.article.number == question.articles[0]:
                return rank
        return None


def load_questions(path: Path) -> list[Question]:
    """The questions of one file, each marked with the file's name."""
    try:
        lines = path.read_text("utf-8").splitlines()
    except FileNotFoundError as error:
        raise EvalFileError(f"找不到问题文件:{path}") from error
    except UnicodeDecodeError as error:
        raise EvalFileError(f"问题文件不是 UTF-8 编码:{path}") from error
    questions = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            questions.append(
                Question(
                    question=str(row["question"]),
                    articles=tuple(int(a) for a in row.get("articles", [])),
                    answer_facts=tuple(str(f) for f in row.get("answer_facts", [])),
                    kind=str(row.get("kind", "")),
                    lang=str(row.get("lang", "zh")),
                    document=row.get("document"),
                    source=path.name,
                )
            )
        except (ValueError, KeyError, TypeError) as error:
            raise EvalFileError(f"{path} 第 {number} 行格式不对(需要 JSON,含 question 和 articles 字段):{error}") from error
    if not questions:
        raise EvalFileError(f"问题文件里没有问题:{path}")
    return questions


def _normalized(text: str) -> str:
    # Full-width and ASCII punctuation count as the same; so does whitespace.
    return "".join(unicodedata.normalize("NFKC", text).split())


def _facts_found(facts: Sequence[str], text: str) -> int:
    haystack = _normalized(text)
    return sum(_normalized(fact) in haystack for fact in facts)


def _share(flags) -> float:
    flags = list(flags)
    return sum(flags) / len(flags) if flags else 0.0


def _percentile(sorted_values: list[float], percent: float) -> float:
    if not sorted_values:
        return 0.0
    if len(sorted_values) == 1:
        return sorted_values[0]
    return statistics.quantiles(sorted_values, n=100, method="inclusive")[int(percent) - 1]
