"""Grid-search the fusion weights and the refusal thresholds on a question file.

Signals are computed once per question, then every weight combination is scored offline.
Run after `officebot ingest` (uses DATA_DIR's index):

    .venv/bin/python bench/tune_fusion.py ../shared/eval/dev-questions.jsonl
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import numpy as np

from bot.settings import get_settings  # noqa: F401  (telemetry switches first)
from retrieval.evaluation import load_questions
from retrieval.search import FusionWeights
from retrieval.service import RulesQA


def main(path: str) -> None:
    qa = RulesQA.from_settings(get_settings())
    searcher = qa.searcher
    questions = load_questions(Path(path))
    default = searcher.documents[0].title
    rows = []
    for q in questions:
        s = searcher.signals(q.question)
        gold = None
        if q.answerable:
            document = q.document or default
            gold = next(
                i for i, (d, a) in enumerate(searcher.articles) if document in d.title and a.number == q.articles[0]
            )
        rows.append((q, s, gold))

    grid = itertools.product([1.0], [0, 0.15, 0.3, 0.5], [0, 0.25, 0.5, 0.75, 1.0], [0, 0.25, 0.5, 1.0])
    results = []
    for dense, words, bigrams, coverage in grid:
        searcher.weights = FusionWeights(dense=dense, words=words, bigrams=bigrams, coverage=coverage)
        r1 = r3 = 0
        n = 0
        for q, s, gold in rows:
            if gold is None:
                continue
            order = np.argsort(-searcher.fuse(s))
            rank = int(np.where(order == gold)[0][0]) + 1
            n += 1
            r1 += rank == 1
            r3 += rank <= 3
        results.append((r1 / n, r3 / n, (dense, words, bigrams, coverage)))
    results.sort(reverse=True)
    for row in results[:15]:
        print("R@1 %.3f R@3 %.3f  dense=%s words=%s bigrams=%s coverage=%s" % (row[0], row[1], *row[2]))

    # Refusal features of the top-ranked article under the best weights.
    best = results[0][2]
    searcher.weights = FusionWeights(*best)
    print("\nanswerable? dense coverage  question")
    for q, s, gold in rows:
        top = int(np.argmax(searcher.fuse(s)))
        print(f"{q.answerable!s:5} {s.dense[top]:.3f} {s.coverage[top]:.2f} {'OK ' if top == gold else '   '}{q.question}")


if __name__ == "__main__":
    main(sys.argv[1])
