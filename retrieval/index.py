"""The persistent index: every article and each of its sentences, with their vectors, in one Chroma
collection (through langchain-chroma). The collection is the single source of truth: the
in-memory lexical index and the article texts are rebuilt from it at start-up.

Example::

    index = RulesIndex.open(settings, embeddings)
    index.fingerprints()           # {'tongzhou-government-work-rules-2022': 'sha256…'}
    index.replace(document)        # vectors computed once, stored, old version removed
    chunks, matrix = index.vectors() # every stored chunk and its vector
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import bot.settings  # noqa: F401, I001  first: it switches telemetry off before chromadb/onnxruntime load
import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings
from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings

from bot.settings import Settings
from retrieval.chunks import split_sentences
from retrieval.document import Article, RuleDocument
from retrieval.embeddings import collection_suffix

_ARTICLE = "article"
_SENTENCE = "sentence"
_BATCH = 256


@dataclass(frozen=True)
class StoredChunk:
    """One vector's text and the article it belongs to."""

    document_key: str
    article: int
    text: str  # a sentence, or the whole article
    whole_article: bool  # the vector of the whole article rather than of one sentence


class RulesIndex:
    """Chroma-backed storage of rule documents and their vectors."""

    def __init__(self, store: Chroma) -> None:
        if not isinstance(store, Chroma):
            raise TypeError("store must be a langchain_chroma.Chroma")
        self._store = store
        self._write_lock = threading.Lock()

    @classmethod
    def open(cls, settings: Settings, embeddings: Embeddings) -> RulesIndex:
        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        if settings.chroma_host:
            client = chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings)
        else:
            path = settings.resolved_chroma_path
            path.mkdir(parents=True, exist_ok=True)
            client = chromadb.PersistentClient(path=str(path), settings=chroma_settings)
        store = Chroma(
            collection_name=f"rules-{collection_suffix(settings.embedding_model)}",
            embedding_function=embeddings,  # never None: chromadb's default would download a model
            client=client,
            collection_metadata={"hnsw:space": "cosine"},
        )
        return cls(store)

    def count(self) -> int:
        return self._store._collection.count()

    def fingerprints(self) -> dict[str, str]:
        """Document key → sha256 of the source it was indexed from."""
        records = self._store.get(where={"kind": _ARTICLE}, include=["metadatas"])
        return {m["document_key"]: m["sha256"] for m in records["metadatas"]}

    def documents(self) -> list[RuleDocument]:
        records = self._store.get(where={"kind": _ARTICLE}, include=["documents", "metadatas"])
        by_key: dict[str, list[tuple[dict, str]]] = {}
        for text, meta in zip(records["documents"], records["metadatas"], strict=True):
            by_key.setdefault(meta["document_key"], []).append((meta, text))
        documents = []
        for key, rows in sorted(by_key.items(), key=lambda item: item[1][0][0]["document_order"]):
            rows.sort(key=lambda row: row[0]["article"])
            first = rows[0][0]
            articles = tuple(
                Article(
                    number=m["article"],
                    label=m["label"],
                    chapter=m["chapter"],
                    text=text,
                    items=tuple(filter(None, m["items"].split("\n"))),
                )
                for m, text in rows
            )
            documents.append(
                RuleDocument(key=key, title=first["title"], number=first["number"], articles=articles, sha256=first["sha256"])
            )
        return documents

    def replace(self, document: RuleDocument, order: int) -> None:
        """Store `document` (vectors computed here, once), then drop any older version of it."""
        texts, metadatas, ids = [], [], []
        version = document.sha256[:12]
        for article in document.articles:
            base = {
                "document_key": document.key,
                "article": article.number,
                "sha256": document.sha256,
            }
            texts.append(article.text)
            metadatas.append(
                base
                | {
                    "kind": _ARTICLE,
                    "title": document.title,
                    "number": document.number,
                    "label": article.label,
                    "chapter": article.chapter,
                    "items": "\n".join(article.items),
                    "document_order": order,
                }
            )
            ids.append(f"{document.key}:{version}:{article.number}")
            for position, sentence in enumerate(split_sentences(article.text)):
                texts.append(sentence)
                metadatas.append(base | {"kind": _SENTENCE})
                ids.append(f"{document.key}:{version}:{article.number}:{position}")
        # Embed everything before writing, so a failing model leaves the index as it was.
        vectors = self._store.embeddings.embed_documents(texts)
        collection = self._store._collection
        with self._write_lock:
            old = collection.get(where={"document_key": document.key}, include=[])["ids"]
            for start in range(0, len(ids), _BATCH):
                end = start + _BATCH
                collection.upsert(
                    ids=ids[start:end], embeddings=vectors[start:end], documents=texts[start:end], metadatas=metadatas[start:end]
                )
            stale = sorted(set(old) - set(ids))
            if stale:
                collection.delete(ids=stale)

    def vectors(self) -> tuple[list[StoredChunk], np.ndarray]:
        """Every stored chunk (articles and sentences) with its vector, rows aligned.

        The searcher scans these exactly in memory: for rule books (hundreds to a few thousand
        chunks) that takes well under a millisecond, where a Chroma HNSW query for the few
        hundred neighbours that max-aggregation needs took 5–50 ms and missed articles."""
        records = self._store.get(include=["documents", "metadatas", "embeddings"])
        chunks = [
            StoredChunk(document_key=m["document_key"], article=m["article"], text=text, whole_article=m["kind"] == _ARTICLE)
            for text, m in zip(records["documents"], records["metadatas"], strict=True)
        ]
        embeddings = records["embeddings"]
        matrix = np.asarray(embeddings, dtype=np.float32) if len(chunks) else np.zeros((0, 1), dtype=np.float32)
        return chunks, matrix
