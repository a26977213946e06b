"""Dense retrieval through Chroma's own query vs the exact in-memory scan the searcher uses.

For each question: Chroma `query(n_results=K, include=["distances"])` for several K (all chunks
included), aggregated to articles by max, against an exact scan of the same stored vectors:
latency and whether the top-1 article and the top-5 set agree. Run after the index is
built (uses DATA_DIR's index):

    .venv/bin/python bench/dense_backend.py ../shared/eval/dev-questions.jsonl
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import numpy as np

from bootstrap.settings import get_settings
from retrieval.evaluation import load_questions
from retrieval.search import clean_question, dense_query
from bootstrap.qa_engine import open_rules_qa


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", type=Path)
    args = parser.parse_args()
    qa = open_rules_qa(get_settings())
    searcher = qa.searcher
    collection = qa._index._collection
    records = collection.get(include=["embeddings"])
    matrix = np.asarray(records["embeddings"], dtype=np.float32)
    searcher_row = {chunk.id: row for row, chunk in enumerate(qa._index.chunks())}
    rows = np.array([searcher._chunk_article[searcher_row[i]] for i in records["ids"]])
    row_of = {chunk_id: row for row, chunk_id in enumerate(records["ids"])}
    vectors = [
        np.asarray(searcher.embeddings.embed_query(dense_query(clean_question(q.question))), dtype=np.float32)
        for q in load_questions(args.file)
    ]
    total = collection.count()
    print(f"{total} chunks, collection configuration: {collection.configuration_json.get('hnsw')}")

    def exact(vector: np.ndarray) -> np.ndarray:
        scores = np.full(len(searcher.articles), -1.0)
        np.maximum.at(scores, rows[rows >= 0], (matrix @ vector)[rows >= 0])
        return scores

    timings = []
    for vector in vectors:
        started = time.perf_counter()
        exact(vector)
        timings.append(time.perf_counter() - started)
    print(f"exact scan: p50 {statistics.median(timings) * 1000:.2f} ms")
    for k in sorted({20, 50, 100, total}):
        timings, same_top, same_top5 = [], 0, 0
        for vector in vectors:
            started = time.perf_counter()
            result = collection.query(query_embeddings=[vector.tolist()], n_results=k, include=["distances"])
            timings.append(time.perf_counter() - started)
            scores = np.full(len(searcher.articles), -1.0)
            for chunk_id, distance in zip(result["ids"][0], result["distances"][0], strict=True):
                i = rows[row_of[chunk_id]]
                scores[i] = max(scores[i], 1 - distance)
            reference = exact(vector)
            same_top += int(np.argmax(scores) == np.argmax(reference))
            same_top5 += int(set(np.argsort(-scores)[:5]) == set(np.argsort(-reference)[:5]))
        timings.sort()
        p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
        covered = len({rows[row_of[chunk_id]] for chunk_id in result["ids"][0]})
        print(
            f"chroma n_results={k}: p50 {statistics.median(timings) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, "
            f"top-1 agrees {same_top}/{len(vectors)}, top-5 set agrees {same_top5}/{len(vectors)}, "
            f"articles scored (last question) {covered}/{len(searcher.articles)}"
        )


if __name__ == "__main__":
    main()
