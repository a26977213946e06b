"""From ranked articles to an `Answer`: the refusal decision, the one-line extractive answer, the
highlighted sentences and the supporting articles.

Example::

    answerer = ExtractiveAnswerer(RefusalPolicy())   # retrieval/refusal.py
    answer = answerer.run("常务会议材料提前几天报送?", searcher.search(question, k=5))
    answer.summary   # '依据第四十八条:…会前3天…'

A question naming a date ("下周三的外宾座谈会,请示最晚哪天报?") gets the date the cited article's
deadline falls on from `deadlines` (built by the composition root from the office's deadline rules,
bootstrap/qa_engine.py), shown first as `Answer.computed`; that line also answers a question for a date
or weekday ("最晚这周几?") that the article's text alone does not state.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from retrieval.answer import NOT_FOUND, Answer, Citation, Passage
from retrieval.answer_types import AnswerTypeCheck, asking_clauses
from retrieval.chunks import split_sentences
from retrieval.refusal import RefusalPolicy
from retrieval.search import ScoredArticle
from retrieval.tokens import ChineseTokenizer

SUMMARY_MAX_CHARS = 160


@dataclass(frozen=True)
class ComputedDeadline:
    """The date one cited article's deadline falls on, as a line for the answer."""

    citation: Citation  # the article whose deadline it is
    text: str


# (question, the cited articles, best first) → the computed deadline, or None.
DeadlineStatements = Callable[[str, Sequence[Citation]], "ComputedDeadline | None"]


class ExtractiveAnswerer:
    """Builds the answer from the retrieved articles' own sentences only. A question that asks for
    a kind of answer (a number of days, a weekday …) that none of the cited articles states is
    refused, naming what the rules do not say (see `retrieval.answer_types`). Where a question asks
    for a count (几天, how many days, 多少人 …) that the top article does not state and a close
    runner-up (score ≥ `stating_ratio` × the top's) states one in the asked unit, the runner-up
    answers and the top article is cited beside it: "How many days before a meeting must materials
    be submitted?" ranks 第五十六条 (提前汇报, no number of days) a little above 第四十八条
    (会议召开前3天报送). A date (哪天) is not a count: an article stating "前3天" about something
    else would give a wrong date."""

    def __init__(
        self,
        refusal: RefusalPolicy,
        *,
        max_supporting: int = 2,
        support_ratio: float = 0.85,
        stating_ratio: float = 0.8,
        max_related: int = 3,
        answer_types: AnswerTypeCheck | None = None,
        deadlines: DeadlineStatements | None = None,
    ) -> None:
        if max_supporting < 0 or max_related < 0 or not 0 < support_ratio <= 1 or not 0 < stating_ratio <= 1:
            raise ValueError("max_supporting/max_related must be ≥ 0, and 0 < support_ratio, stating_ratio ≤ 1")
        self.refusal = refusal
        self.answer_types = answer_types or AnswerTypeCheck()
        self.max_supporting = max_supporting
        self.support_ratio = support_ratio
        self.stating_ratio = stating_ratio
        self.max_related = max_related
        self.deadlines = deadlines

    def run(
        self, question: str, hits: list[ScoredArticle], *, part_hits: Sequence[tuple[str, ScoredArticle]] = ()
    ) -> Answer:
        """`hits`: articles ranked for the whole question; `part_hits`: (part, its best article) for
        each part of a question that asks several things (cited first among the supporting ones).

        The asked detail (days, a weekday …) must be stated by the top article or by the article
        that answers that part, not by any article that happens to be cited beside them. A
        question asking several things is refused only when no part can be answered; otherwise
        the summary says which detail the rules leave out."""
        top = hits[0] if hits else None
        if self.refusal.refuses(top):
            related = tuple(_citation(h) for h in hits[: self.max_related])
            return Answer(question=question, answered=False, summary=NOT_FOUND, related=related)
        hits = self._stating_first(question, hits)
        top = hits[0]
        answering_parts = [(part, hit) for part, hit in part_hits if self.refusal.supports(hit)]
        candidates = [hit for _, hit in answering_parts] + [
            h
            for h in hits[1 : 1 + self.max_supporting]
            if h.score >= self.support_ratio * top.score and h.dense >= self.refusal.min_dense_without_lexical
        ]
        supporting: list[ScoredArticle] = []
        seen = {_key(top)}
        for hit in candidates:
            if _key(hit) not in seen and len(supporting) < self.max_supporting:
                supporting.append(hit)
                seen.add(_key(hit))
        computed = self.deadlines(question, [_citation(h) for h in [top, *supporting]]) if self.deadlines else None
        if computed is not None:  # the article whose date is given is the one the answer rests on
            wanted = (computed.citation.document_key, computed.citation.article)
            cited = [top, *supporting]
            cited.sort(key=lambda hit: _key(hit) != wanted)
            top, supporting = cited[0], cited[1:]
        stated = [computed.text] if computed else []  # the computed date states a date, a weekday, a time
        clauses = asking_clauses(question)
        parts = answering_parts or ([(c, top) for c in clauses] if len(clauses) > 1 else [(question, top)])
        missing = [self.answer_types.missing(part, [top.article.text, hit.article.text, *stated]) for part, hit in parts]
        if all(missing):
            related = _unique(tuple(_citation(h) for h in [top, *supporting, *hits[1:]]))[: self.max_related]
            summary = f"{NOT_FOUND}相关条款没有写明{'、'.join(dict.fromkeys(m for ms in missing for m in ms))}。"
            return Answer(question=question, answered=False, summary=summary, related=related)
        passages = tuple(_passage(question, h) for h in [top, *supporting])
        others = tuple(_citation(h) for h in hits[1:] if _key(h) not in seen)[:1]
        unstated = "、".join(dict.fromkeys(m for ms in missing for m in ms))
        return Answer(
            question=question,
            answered=True,
            summary=_summary(passages[0]) + (f"(规则未写明{unstated}。)" if unstated else ""),
            passages=passages,
            related=others,
            computed=computed.text if computed else "",
        )

    def _stating_first(self, question: str, hits: list[ScoredArticle]) -> list[ScoredArticle]:
        """`hits` with the first close runner-up that states the asked count moved to the top, when
        the top article does not state it (unchanged otherwise). The ratio is below `support_ratio`
        because a count in the asked unit is itself evidence. The margin is thin: on the four eval
        sets 0.8 and 0.85 change no answer, while 0.75 answers one unanswerable question (合法性审查
        几个工作日 from 第十七条's 30日) and 0.7 two; the English example above needs 0.83 or less."""
        asked = self.answer_types.asked(question)
        if any(t.count is None for t in asked) or not self.answer_types.missing(question, [hits[0].article.text]):
            return hits
        for position, hit in enumerate(hits[1 : 1 + self.max_supporting], start=1):
            counted = all(t.count.search(hit.article.text) for t in asked)
            if counted and hit.score >= self.stating_ratio * hits[0].score and self.refusal.supports(hit):
                return [hit, *hits[:position], *hits[position + 1 :]]
        return hits


def _unique(citations: tuple[Citation, ...]) -> tuple[Citation, ...]:
    seen: set[tuple[str, int]] = set()
    kept = []
    for citation in citations:
        if (citation.document_key, citation.article) not in seen:
            seen.add((citation.document_key, citation.article))
            kept.append(citation)
    return tuple(kept)


def _key(hit: ScoredArticle) -> tuple[str, int]:
    return hit.document.key, hit.article.number


def _citation(hit: ScoredArticle) -> Citation:
    return Citation(
        document=hit.document.title,
        document_key=hit.document.key,
        article=hit.article.number,
        label=hit.article.label,
        chapter=hit.article.chapter,
        score=hit.score,
    )


def _passage(question: str, hit: ScoredArticle) -> Passage:
    """The article with its sentences ranked by how much of the question they cover."""
    wanted = set(ChineseTokenizer.bigrams(question))
    sentences = split_sentences(hit.article.text) or [hit.article.text]

    def relevance(sentence: str) -> float:
        overlap = len(wanted & set(ChineseTokenizer.bigrams(sentence))) / (len(wanted) or 1)
        return overlap + (0.5 if sentence == hit.best_sentence else 0.0)

    ranked = sorted(sentences, key=relevance, reverse=True)
    return Passage(citation=_citation(hit), text=hit.article.text, highlights=tuple(ranked[:2]))


def _summary(passage: Passage) -> str:
    """The best one or two sentences, in the article's own order, cut to one line."""
    best = [s for s in split_sentences(passage.text) if s in passage.highlights[:2]]
    text = "".join(best) or passage.text
    if len(text) > SUMMARY_MAX_CHARS:
        text = passage.highlights[0][:SUMMARY_MAX_CHARS]
        text = text + ("…" if len(passage.highlights[0]) > SUMMARY_MAX_CHARS else "")
    return f"依据{passage.citation.label}:{text}"
