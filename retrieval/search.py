"""Hybrid article search: BM25 over jieba words and over character bigrams, dense e5 vectors from
Chroma (an article scores its best sentence), and a coverage score (share of the question's
bigrams that the article contains), blended with weights tuned on the dev set (bench/tune_fusion.py).

Example::

    searcher = HybridSearcher(index, embeddings, ChineseTokenizer())
    hits = searcher.search("常务会议材料提前几天报送?", k=3)
    hits[0].article.label      # '第四十八条'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from langchain_core.embeddings import Embeddings
from rank_bm25 import BM25Okapi

from retrieval.chunks import split_sentences
from retrieval.document import Article, RuleDocument
from retrieval.index import RulesIndex
from retrieval.tokens import ChineseTokenizer, Glossary

MAX_QUERY_CHARS = 300  # longer input is cut: e5 reads 512 tokens, and BM25 would drown in noise
_TAG = re.compile(r"<[^>]{0,200}>")
_MARKUP = re.compile(r"[*_`#>\[\]]+")


@dataclass(frozen=True)
class FusionWeights:
    """How the signals are blended; each signal is scaled to [0, 1] over all articles first."""

    dense: float = 1.0
    words: float = 0.15
    bigrams: float = 0.75
    coverage: float = 0.5
    dense_pool: int = 400  # sentence vectors fetched from Chroma per question

    def __post_init__(self) -> None:
        if min(self.dense, self.words, self.bigrams, self.coverage) < 0 or self.dense_pool < 1:
            raise ValueError("weights must be ≥ 0 and dense_pool ≥ 1")


@dataclass(frozen=True)
class Signals:
    """Per-article raw signals for one question (arrays aligned with `HybridSearcher.articles`)."""

    dense: np.ndarray  # best cosine similarity of any sentence / the whole article
    words: np.ndarray  # BM25 over jieba words
    bigrams: np.ndarray  # BM25 over character bigrams
    coverage: np.ndarray  # share of the question's distinct bigrams found in the article
    best_sentence: list[str]  # the sentence that gave the dense score
    lexical_query: bool  # the question has Chinese tokens at all


@dataclass(frozen=True)
class ScoredArticle:
    document: RuleDocument
    article: Article
    score: float  # fused score
    dense: float  # raw best cosine similarity
    coverage: float
    best_sentence: str
    lexical_support: float  # best bigram-BM25 score of any article per question bigram; 0 without Chinese
    lexical_query: bool  # the question has Chinese tokens at all (English questions have none)


def clean_question(question: str) -> str:
    """Strip HTML/Markdown markup and cut overlong input."""
    text = _MARKUP.sub(" ", _TAG.sub(" ", question))
    return " ".join(text.split())[:MAX_QUERY_CHARS]


class HybridSearcher:
    """Ranks all articles of all indexed documents for a question. Thread-safe (read-only state)."""

    def __init__(
        self,
        index: RulesIndex,
        embeddings: Embeddings,
        tokenizer: ChineseTokenizer,
        glossary: Glossary | None = None,
        weights: FusionWeights | None = None,
    ) -> None:
        self.index = index
        self.embeddings = embeddings
        self.tokenizer = tokenizer
        self.glossary = glossary or Glossary({})
        self.weights = weights or FusionWeights()
        self.documents = index.documents()
        self.articles: list[tuple[RuleDocument, Article]] = [(d, a) for d in self.documents for a in d.articles]
        self._position = {(d.key, a.number): i for i, (d, a) in enumerate(self.articles)}
        texts = [f"{a.chapter} {a.text}" for _, a in self.articles]
        self._bigram_sets = [set(self.tokenizer.bigrams(t)) for t in texts]
        self._bm25_words = BM25Okapi([self.tokenizer.words(t) for t in texts]) if texts else None
        self._bm25_bigrams = BM25Okapi([self.tokenizer.bigrams(t) for t in texts]) if texts else None
        self._first_sentence = [(split_sentences(a.text) or [a.text])[0] for _, a in self.articles]

    def signals(self, question: str) -> Signals:
        n = len(self.articles)
        text = clean_question(question)
        expanded = self.glossary.expand(text)
        words = self.tokenizer.words(expanded)
        bigrams = self.tokenizer.bigrams(expanded)
        dense = np.zeros(n)
        best = list(self._first_sentence)
        for hit in self.index.dense_search(self.embeddings.embed_query(text), self.weights.dense_pool):
            i = self._position.get((hit.document_key, hit.article))
            if i is not None and hit.similarity > dense[i]:
                dense[i] = hit.similarity
                best[i] = hit.text
        if dense.any():
            # Articles outside the fetched pool rank with the weakest fetched one, not at 0,
            # so min-max scaling spreads the articles that matter.
            dense[dense == 0] = dense[dense > 0].min()
        question_bigrams = set(self.tokenizer.bigrams(text))
        coverage = np.array(
            [len(question_bigrams & s) / len(question_bigrams) if question_bigrams else 0.0 for s in self._bigram_sets]
        )
        return Signals(
            dense=dense,
            words=self._bm25_words.get_scores(words) if words else np.zeros(n),
            bigrams=self._bm25_bigrams.get_scores(bigrams) if bigrams else np.zeros(n),
            coverage=coverage,
            best_sentence=best,
            lexical_query=bool(self.tokenizer.chinese_bigrams(text)),
        )

    def fuse(self, signals: Signals) -> np.ndarray:
        w = self.weights
        return (
            w.dense * _scaled(signals.dense)
            + w.words * _scaled(signals.words)
            + w.bigrams * _scaled(signals.bigrams)
            + w.coverage * signals.coverage
        )

    def search(self, question: str, k: int = 5) -> list[ScoredArticle]:
        if not self.articles:
            return []
        signals = self.signals(question)
        fused = self.fuse(signals)
        order = np.argsort(-fused)[:k]
        bigram_count = len(set(self.tokenizer.chinese_bigrams(clean_question(question))))
        support = float(signals.bigrams.max()) / bigram_count if bigram_count else 0.0
        return [
            ScoredArticle(
                document=self.articles[i][0],
                article=self.articles[i][1],
                score=float(fused[i]),
                dense=float(signals.dense[i]),
                coverage=float(signals.coverage[i]),
                best_sentence=signals.best_sentence[i],
                lexical_support=support,
                lexical_query=signals.lexical_query,
            )
            for i in order
        ]


def _scaled(values: np.ndarray) -> np.ndarray:
    """Min-max to [0, 1]; an all-equal signal (e.g. no lexical match) contributes nothing."""
    low, high = float(values.min()), float(values.max())
    return (values - low) / (high - low) if high > low else np.zeros_like(values)
