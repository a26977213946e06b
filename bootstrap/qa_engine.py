"""Builds the rules Q&A engine from the settings: the one place that knows which embedding model,
which Chroma (embedded under DATA_DIR or a server), which LLM and which documents to use.

    qa = open_rules_qa(get_settings())          # opens, or on the first start builds, the index
    qa.ask("副区长出差跟谁请假?")

A question naming a date gets the date the cited article's deadline falls on first
(`office.deadline_answers`), computed with the office's clock and working-day calendar, the same
ones the deadline workflow uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from bootstrap.clock import Clock
from bootstrap.settings import Settings
from office.deadline_answers import deadline_statement
from office.workdays import WorkdayCalendar, calendar_from_file
from retrieval.answer import Citation
from retrieval.answering import ComputedDeadline, DeadlineStatements, ExtractiveAnswerer
from retrieval.embeddings import build_embeddings
from retrieval.index import RulesIndex
from retrieval.refusal import RefusalPolicy
from retrieval.rephrase import LLMRephraser
from retrieval.service import RulesQA
from retrieval.sources import bundled_corpus_paths, bundled_keys
from retrieval.tokens import ChineseTokenizer


def default_corpus(settings: Settings) -> list[Path]:
    """The bundled rule book plus `CORPUS_PATHS`."""
    return bundled_corpus_paths() + list(settings.corpus_paths)


def open_index(settings: Settings, embeddings) -> RulesIndex:  # type: ignore[no-untyped-def]
    """The index in `CHROMA_HOST` when set, else embedded at `CHROMA_PATH` (DATA_DIR/chroma)."""
    if settings.chroma_host:
        return RulesIndex.open(embeddings, model=settings.embedding_model, host=settings.chroma_host,
                               port=settings.chroma_port)
    return RulesIndex.open(embeddings, model=settings.embedding_model, path=settings.resolved_chroma_path)


def deadline_statements(*, clock: Clock, workdays: WorkdayCalendar) -> DeadlineStatements:
    """The computed-deadline line of an answer: the bundled rule book's articles that set a deadline
    (第四十八、十七、六十五、二十七、八十二条), counted from the clock's "now" on the office's calendar."""
    rule_book = set(bundled_keys())

    def statement(question: str, cited: Sequence[Citation]) -> ComputedDeadline | None:
        of_rule_book = {citation.article: citation for citation in cited if citation.document_key in rule_book}
        found = deadline_statement(question=question, articles=list(of_rule_book), now=clock.now(), calendar=workdays)
        return ComputedDeadline(of_rule_book[found.article], found.text) if found else None

    return statement


def open_rules_qa(
    settings: Settings, *, build_if_empty: bool = True, clock: Clock | None = None,
    workdays: WorkdayCalendar | None = None, refusal: RefusalPolicy | None = None,
) -> RulesQA:
    """The engine over the persistent index; an empty one is first built from `default_corpus`
    unless `build_if_empty` is False (`officebot ingest` builds it itself). `clock` and `workdays`
    default to the settings' (Services hands in its own); `refusal` to the bundled model's
    (bench/fit_refusal.py asks with one that never refuses)."""
    clock = clock or settings.clock
    workdays = workdays or calendar_from_file(settings.holiday_calendar_file)
    embeddings = build_embeddings(
        settings.embedding_model, api_url=settings.embedding_api_url, api_key=settings.embedding_api_key
    )
    rephraser = None
    if settings.llm_base_url and settings.llm_model:
        rephraser = LLMRephraser(
            base_url=settings.llm_base_url,
            model=settings.llm_model,
            api_key=settings.llm_api_key,
            timeout_seconds=settings.llm_timeout_seconds,
        )
    qa = RulesQA(
        open_index(settings, embeddings),
        embeddings,
        ChineseTokenizer(cache_dir=settings.data_dir / "cache"),
        answerer=ExtractiveAnswerer(refusal or RefusalPolicy(), deadlines=deadline_statements(clock=clock, workdays=workdays)),
        rephraser=rephraser,
        now=clock.now,
    )
    if build_if_empty:
        qa.ensure_indexed(default_corpus(settings))
    return qa
