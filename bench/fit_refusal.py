"""Fit the answerability model that decides refusals (retrieval/refusal.py) on question files.

Every Chinese question is asked once with a policy that never refuses, so that what the search
measured for its top article (`retrieval.refusal.features`) and whether the answer-type check refuses
it anyway (a detail the cited articles do not state) are both known. The threshold is then chosen
by leaving one file out at a time: the model is fitted on the other files and scored on the one
left out, and the threshold kept is the one that refuses the most unanswerable questions left out
while refusing at most `--max-answerable-refused` of the answerable ones. The model written is
fitted on all files with that threshold. Run after `officebot ingest`:

    .venv/bin/python bench/fit_refusal.py ../shared/eval/dev-questions.jsonl bench/questions/validation.jsonl \\
        bench/questions/paraphrase.jsonl bench/questions/blind.jsonl            # report only
    .venv/bin/python bench/fit_refusal.py … --write                             # also write retrieval/refusal_model.json
    .venv/bin/python bench/fit_refusal.py … --score bench/questions/heldout.jsonl   # and score a file never fitted on

Refused questions count the answer-type check's refusals too, as `officebot eval` does.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from bootstrap.qa_engine import open_rules_qa
from bootstrap.settings import get_settings
from retrieval.evaluation import load_questions
from retrieval.refusal import FEATURES, MODEL_FILE, AnswerabilityModel, RefusalPolicy, features

THRESHOLDS = np.round(np.arange(0.05, 0.61, 0.05), 2)
# A model that answers everything (no probability is below a threshold of 0), so that the
# features are read whatever model is bundled, and the first one can be fitted.
_N = len(FEATURES)
NEVER_REFUSES = AnswerabilityModel((0.0,) * _N, (1.0,) * _N, (0.0,) * _N, bias=0.0, threshold=0.0)


@dataclass
class Rows:
    """One row per Chinese question: its file, top article, features, label, and whether its answer
    type refuses it."""

    files: np.ndarray
    hits: np.ndarray  # of ScoredArticle
    features: np.ndarray
    answerable: np.ndarray
    type_refused: np.ndarray

    def where(self, mask: np.ndarray) -> Rows:
        return Rows(self.files[mask], self.hits[mask], self.features[mask], self.answerable[mask], self.type_refused[mask])


def collect(paths: list[Path]) -> Rows:
    qa = open_rules_qa(get_settings(), refusal=RefusalPolicy(model=NEVER_REFUSES))
    files, tops, rows, labels, typed = [], [], [], [], []
    for path in paths:
        for question in load_questions(path):
            answer, hits = qa.ask_ranked(question.question)
            if not hits or not hits[0].lexical_query:  # English: refused on its own floor
                continue
            files.append(path.name)
            tops.append(hits[0])
            rows.append(features(hits[0]))
            labels.append(question.answerable)
            typed.append(not answer.answered)
    hits = np.empty(len(tops), dtype=object)
    hits[:] = tops
    return Rows(np.array(files), hits, np.array(rows), np.array(labels), np.array(typed))


def refused(rows: Rows, model: AnswerabilityModel, threshold: float) -> np.ndarray:
    """Which questions the engine's policy refuses with this model and threshold, the answer-type
    check's refusals included."""
    policy = RefusalPolicy(model=replace(model, threshold=float(threshold)))
    return np.array([policy.refuses(hit) for hit in rows.hits], dtype=bool) | rows.type_refused


def rates(answerable: np.ndarray, refusals: np.ndarray) -> tuple[float, float]:
    """(unanswerable refused, answerable refused); NaN for a kind the questions do not include."""
    def share(mask: np.ndarray) -> float:
        return float(refusals[mask].mean()) if mask.any() else float("nan")

    return share(~answerable), share(answerable)


def left_out_rates(rows: Rows) -> dict[float, tuple[float, float]]:
    """Per threshold: the refusal rates of every file scored by a model fitted on the other files."""
    refusals = {t: np.zeros(len(rows.answerable), dtype=bool) for t in THRESHOLDS}
    for name in sorted(set(rows.files)):
        left_out = rows.files == name
        train = rows.where(~left_out)
        model = AnswerabilityModel.fit(train.features, train.answerable, threshold=0.5)
        for t in THRESHOLDS:
            refusals[t][left_out] = refused(rows.where(left_out), model, t)
    return {t: rates(rows.answerable, refusals[t]) for t in THRESHOLDS}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", type=Path, nargs="+")
    parser.add_argument("--max-answerable-refused", type=float, default=0.03)
    parser.add_argument("--write", action="store_true", help=f"write retrieval/{MODEL_FILE}")
    parser.add_argument("--score", type=Path, action="append", default=[], help="a file to score, never fitted on")
    args = parser.parse_args()
    rows = collect(args.files)
    left_out = left_out_rates(rows)
    print("threshold  left-out: unanswerable refused / answerable refused")
    for t, (unanswerable, answerable) in left_out.items():
        print(f"{t:.2f}       {unanswerable:.2f} / {answerable:.2f}")
    allowed = [t for t, (_, answerable) in left_out.items() if answerable <= args.max_answerable_refused]
    if not allowed:
        raise SystemExit("no threshold keeps the answerable questions refused left out within the limit")
    threshold = max(allowed, key=lambda t: (left_out[t][0], -t))
    model = AnswerabilityModel.fit(
        rows.features, rows.answerable, threshold=float(threshold), fitted_on=tuple(p.name for p in args.files)
    )
    print(f"chosen threshold {threshold:.2f}; fitted on all files: "
          "%.2f / %.2f" % rates(rows.answerable, refused(rows, model, threshold)))
    print("weights (standardized):", {f: round(w, 2) for f, w in zip(model.to_json()["features"], model.weights)})
    for path in args.score:
        scored = collect([path])
        print(f"{path.name} (never fitted on): unanswerable refused / answerable refused "
              "%.2f / %.2f" % rates(scored.answerable, refused(scored, model, threshold)))
    if args.write:
        target = Path(__file__).resolve().parents[1] / "retrieval" / MODEL_FILE
        target.write_text(json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8")
        print(f"written to {target}")


if __name__ == "__main__":
    main()
