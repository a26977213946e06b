"""Grid-search the fusion weights on question files (the refusal model: bench/fit_refusal.py).

Signals are computed once per question, then every weight combination is scored offline (the
dense signal's `whole_article` share is applied inside `signals`, so it keeps its default here).
Run after `officebot ingest` (uses DATA_DIR's index):

    .venv/bin/python bench/tune_fusion.py ../shared/eval/dev-questions.jsonl bench/questions/validation.jsonl
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import numpy as np

from bootstrap.qa_engine import open_rules_qa
from bootstrap.settings import get_settings
from retrieval.evaluation import load_questions
from retrieval.search import FusionWeights


def main(*paths: str) -> None:
    qa = open_rules_qa(get_settings())
    searcher = qa.searcher
    questions = [q for path in paths for q in load_questions(Path(path))]
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

    grid = itertools.product([1.0], [0, 0.1, 0.2, 0.3, 0.5], [0, 0.1, 0.2, 0.3, 0.5, 0.75], [0, 0.1, 0.2, 0.35, 0.5])
    results = []
    for weights in grid:
        searcher.weights = FusionWeights(*weights)
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
        results.append((r1 / n, r3 / n, weights))
    results.sort(reverse=True)
    for row in results[:15]:
        print("R@1 %.3f R@3 %.3f  dense=%s words=%s bigrams=%s coverage=%s" % (row[0], row[1], *row[2]))


if __name__ == "__main__":
    main(*sys.argv[1:])
