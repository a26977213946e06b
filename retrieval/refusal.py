"""Whether the retrieved articles answer a question, or the honest reply is 「未在规则中找到相关规定」.

A Chinese question is scored by a small logistic model over what the search measured for its top
article (`FEATURES`): the probability that the question is answerable. Below the model's threshold
it is refused. The model is fitted by bench/fit_refusal.py on the four question sets at once
(retrieval/refusal_model.json), and its threshold is chosen there by leaving one set out at a time:
the most unanswerable questions refused with at most 3 % of the answerable ones, on sets the model
was not fitted on (0.84 and 0.02: 52 of 62 and 4 of 187 Chinese questions). It replaced two
hand-set cut-offs (affinity and shared words) that had been calibrated on two of the sets. On
bench/questions/heldout.jsonl, written later and never used for fitting, those refused 0.50 of the
unanswerable Chinese questions and 0.09 of the answerable ones; the model refuses 0.67 and 0.02.
The features come from the search, so a change to the search is followed by
`bench/fit_refusal.py … --write`.

`asked_uncovered` (2026-12-08) is whether the top article names what the question asks about (the
word after 什么 / 哪个 / 多少: 礼堂, 服装): a question on a rule-book topic asking a detail the rules
do not state finds an article close on every other signal. Left out one set at a time, at the
chosen threshold, the Chinese questions refused went from 0.82 / 0.03 (51 of 62, 5 of 187) to
0.84 / 0.02. The gain grows where more answerable refusals are allowed (54 of 62 with 6 of 187
answerable refused, against 51 with 6 before; 56 with 9 against 53 with 10) and turns into a loss
where almost none are (before: 50 of 62 with 1 of 187; now 48 with 2). On the validation and blind
sets together, all languages, 35 → 38 of 42 unanswerable questions are refused, with 2 of 98
answerable ones as before. The held-out set did not move (0.67 / 0.02).

English questions have no lexical signal on the same scale; they are refused below a floor on the
dense similarity of the top article alone. `ExtractiveAnswerer` also refuses a question whose asked
detail (days, a weekday …) the cited articles do not state (`retrieval.answer_types`).

Example::

    policy = RefusalPolicy()                   # the bundled model
    policy.refuses(searcher.search("区政府的停车场收费吗?", k=1)[0])      # True
    policy.refuses(searcher.search("常务会议材料提前几天报送?", k=1)[0])  # False
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from importlib import resources

import numpy as np

from retrieval.search import ScoredArticle

# What the model reads of the top article, in this order (see `features`).
FEATURES = (
    "affinity", "log_support", "dense", "coverage", "margin", "unknown_share", "log_length", "score", "asked_uncovered",
)
MODEL_FILE = "refusal_model.json"  # in this package, written by bench/fit_refusal.py --write


def features(hit: ScoredArticle) -> np.ndarray:
    """The model's inputs for a question's top article: how close the question is to the rule book
    as a whole, how strongly some article shares its words (log), the top article's dense
    similarity and share of the question's bigrams, its lead over the runner-up, the share of the
    question's words that no indexed document and no glossary entry knows, the question's length
    (log of its Chinese characters), the top article's fused score, and the share of the words the
    question asks about (`HybridSearcher.asked_words`) that the top article does not name."""
    return np.array(
        [
            hit.affinity,
            math.log(hit.lexical_support + 0.05),
            hit.dense,
            hit.coverage,
            hit.margin,
            hit.unknown_share,
            math.log(hit.question_chars + 1),
            hit.score,
            hit.asked_uncovered,
        ]
    )


@dataclass(frozen=True)
class AnswerabilityModel:
    """A logistic model over standardized `features`; `threshold` is the lowest probability answered.

    Usage::

        model = AnswerabilityModel.fit(rows, answerable, threshold=0.3)
        model.probability(hit)   # 0.93
    """

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float
    fitted_on: tuple[str, ...] = ()  # the question files, for the record

    def __post_init__(self) -> None:
        if not len(self.mean) == len(self.scale) == len(self.weights) == len(FEATURES):
            raise ValueError(f"mean, scale and weights need one value per feature: {FEATURES}")
        if min(self.scale) <= 0 or not 0 <= self.threshold < 1:
            raise ValueError("scales must be > 0 and 0 ≤ threshold < 1")

    def probability(self, hit: ScoredArticle) -> float:
        return self.probabilities(features(hit)[None, :])[0]

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        z = (rows - np.asarray(self.mean)) / np.asarray(self.scale)
        return 1 / (1 + np.exp(-(z @ np.asarray(self.weights) + self.bias)))

    @classmethod
    def fit(
        cls, rows: np.ndarray, answerable: np.ndarray, *, threshold: float, l2: float = 1.0, fitted_on: tuple[str, ...] = ()
    ) -> AnswerabilityModel:
        """L2-regularized logistic regression by gradient descent (a few hundred rows, nine features)."""
        if rows.ndim != 2 or rows.shape[1] != len(FEATURES) or len(rows) != len(answerable) or len(set(answerable)) != 2:
            raise ValueError("one row of features per question, and both answerable and unanswerable ones")
        mean, scale = rows.mean(axis=0), rows.std(axis=0) + 1e-9
        z, y = (rows - mean) / scale, answerable.astype(float)
        weights, bias = np.zeros(z.shape[1]), 0.0
        for _ in range(5000):
            error = 1 / (1 + np.exp(-(z @ weights + bias))) - y
            weights -= 0.5 * (z.T @ error + l2 * weights) / len(y)
            bias -= 0.5 * float(error.mean())
        return cls(tuple(mean), tuple(scale), tuple(weights), bias, threshold, fitted_on)

    @classmethod
    def bundled(cls) -> AnswerabilityModel:
        """The model bench/fit_refusal.py --write fitted (retrieval/refusal_model.json)."""
        return cls.from_json(json.loads(resources.files("retrieval").joinpath(MODEL_FILE).read_text("utf-8")))

    @classmethod
    def from_json(cls, data: dict) -> AnswerabilityModel:
        if tuple(data["features"]) != FEATURES:
            raise ValueError(f"the model was fitted on other features than {FEATURES}; rerun bench/fit_refusal.py --write")
        return cls(
            tuple(data["mean"]), tuple(data["scale"]), tuple(data["weights"]), data["bias"], data["threshold"],
            tuple(data["fitted_on"]),
        )

    def to_json(self) -> dict:
        return {"features": list(FEATURES), "mean": list(self.mean), "scale": list(self.scale),
                "weights": list(self.weights), "bias": self.bias, "threshold": self.threshold,
                "fitted_on": list(self.fitted_on)}


@dataclass(frozen=True)
class RefusalPolicy:
    """When the evidence is too weak to answer (`refuses`), and when it is strong enough to cite an
    article beside an answer already given (`supports`)."""

    model: AnswerabilityModel = field(default_factory=AnswerabilityModel.bundled)
    # The shortest questions ("请假找谁?", "印章谁管?") lie low on every signal but shared words
    # whatever they ask; one whose words an article shares this strongly is answered.
    answered_from_support: float = 2.0
    # A part of a two-part question is short, so its other signals are low whether or not it is
    # covered; an article sharing its words this strongly is cited for it.
    min_lexical_support: float = 0.2
    min_dense_without_lexical: float = 0.70

    def refuses(self, hit: ScoredArticle | None) -> bool:
        if hit is None:
            return True
        if not hit.lexical_query:
            return hit.dense < self.min_dense_without_lexical
        if hit.lexical_support >= self.answered_from_support:
            return False
        return self.model.probability(hit) < self.model.threshold

    def supports(self, hit: ScoredArticle) -> bool:
        if not hit.lexical_query:
            return hit.dense >= self.min_dense_without_lexical
        return hit.lexical_support >= self.min_lexical_support
