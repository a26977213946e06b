"""Builds the rules Q&A engine from the settings: the one place that knows which embedding model,
which Chroma (embedded under DATA_DIR or a server), which LLM and which documents to use.

    qa = open_rules_qa(get_settings())          # opens, or on the first start builds, the index
    qa.ask("副区长出差跟谁请假?")
"""

from __future__ import annotations

from pathlib import Path

from bot.settings import Settings
from retrieval.embeddings import build_embeddings
from retrieval.index import RulesIndex
from retrieval.rephrase import LLMRephraser
from retrieval.service import RulesQA
from retrieval.sources import bundled_corpus_paths
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


def open_rules_qa(settings: Settings, *, build_if_empty: bool = True) -> RulesQA:
    """The engine over the persistent index; an empty one is first built from `default_corpus`
    unless `build_if_empty` is False (`officebot ingest` builds it itself)."""
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
        rephraser=rephraser,
        now=settings.clock.now,
    )
    if build_if_empty:
        qa.ensure_indexed(default_corpus(settings))
    return qa
