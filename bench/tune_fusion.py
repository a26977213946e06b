"""Grid-search the fusion weights and the refusal thresholds on a question file.

Signals are computed once per question, then every weight combination is scored offline (the
dense signal's `whole_article` share is applied inside `signals`, so it keeps its default here).
Run after `officebot ingest` (uses DATA_DIR's index):

    .venv/bin/python bench/tune_fusion.py ../shared/eval/dev-questions.jsonl bench/questions/validation.jsonl

Calibrate on more than one file: the dev set's unanswerable questions are short and its answerable
ones long, so on it alone any signal that grows with question length looks like a good refusal
rule, and short answerable questions ("公章谁管?") get refused.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import numpy as np

from bootstrap.qa_engine import open_rules_qa
from bootstrap.settings import get_settings
from retrieval.answering import RefusalPolicy
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

    # Refusal calibration: the features RefusalPolicy reads, for the top article under the
    # weights in use, per question (Chinese questions only; English ones have no lexical signal),
    # and whether the answer-type check already refuses it (a detail the cited articles don't state).
    searcher.weights = qa.searcher.weights = FusionWeights()
    policy = RefusalPolicy()  # the policy open_rules_qa's engine answers with
    print("\nanswerable  affinity  lexical_support  type_missing  question")
    features = []
    for q, _s, _gold in rows:
        answer, hits = qa.ask_ranked(q.question)
        hit = hits[0]
        if hit.lexical_query:
            missing = not answer.answered and not policy.refuses(hit)  # refused for an unstated detail
            features.append((q.answerable, hit.affinity, hit.lexical_support, missing))
            print(f"{q.answerable!s:5} {hit.affinity:.4f} {hit.lexical_support:.2f} {missing!s:5}  {q.question}")
    print("\nmin_affinity min_lexical_support  refused(unanswerable)  refused(answerable)")
    for min_affinity, min_support in itertools.product(np.arange(0.830, 0.847, 0.001), [0.15, 0.2, 0.25, 0.3, 0.4]):
        waived = policy.affinity_waived_from_support
        refused = [(a, (aff < min_affinity and sup < waived) or sup < min_support or missing)
                   for a, aff, sup, missing in features]
        good = _share(r for a, r in refused if not a)
        bad = _share(r for a, r in refused if a)
        if bad <= 0.05:
            print(f"{min_affinity:.3f} {min_support:.2f}  {good:.2f}  {bad:.2f}")


def _share(flags) -> float:
    flags = list(flags)
    return sum(flags) / len(flags) if flags else 0.0


if __name__ == "__main__":
    main(*sys.argv[1:])
