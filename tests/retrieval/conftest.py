"""Fixtures for the rules Q&A tests; `qa` and `qa_settings` (the session's index) are in tests/conftest.py.

Nothing here reads ../shared: the bundled corpus ships with the package, the other documents live
in tests/retrieval/fixtures.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bootstrap.settings import Settings
from retrieval.index import RulesIndex
from retrieval.service import RulesQA

@pytest.fixture(scope="session")
def embeddings(qa: RulesQA):
    return qa.searcher.embeddings


@pytest.fixture
def empty_qa(tmp_path: Path, embeddings, qa: RulesQA) -> RulesQA:
    """An engine over its own empty index (for ingest tests), sharing the loaded model."""
    settings = Settings(_env_file=None, data_dir=tmp_path, corpus_paths=[])
    return RulesQA(RulesIndex.open(embeddings, model=settings.embedding_model, path=settings.resolved_chroma_path),
                   embeddings, qa.searcher.tokenizer, now=settings.clock.now)


@pytest.fixture
def cli_env(qa_settings: Settings, qa: RulesQA, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point `officebot` at the session's already-built index."""
    from bootstrap.settings import get_settings

    monkeypatch.setenv("DATA_DIR", str(qa_settings.data_dir))
    monkeypatch.setenv("CORPUS_PATHS", "")
    monkeypatch.delenv("CHROMA_PATH", raising=False)
    monkeypatch.delenv("CHROMA_HOST", raising=False)
    monkeypatch.delenv("LLM_BASE_URL", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()

