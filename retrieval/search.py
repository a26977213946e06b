"""Hybrid article search: BM25 over jieba words and over character bigrams, dense e5 vectors stored
in Chroma (an article scores its best sentence, scanned exactly in memory), and a coverage score (share of the question's
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
    words: float = 0.1
    bigrams: float = 0.5
    coverage: float = 0.35

    def __post_init__(self) -> None:
        if min(self.dense, self.words, self.bigrams, self.coverage) < 0:
            raise ValueError("weights must be ≥ 0")


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
        chunks, self._vectors = index.vectors()
        known = [(c, self._position.get((c.document_key, c.article))) for c in chunks]
        self._chunk_text = [c.text for c, _ in known]
        self._chunk_article = np.array([-1 if i is None else i for _, i in known], dtype=np.int64)

    def signals(self, question: str) -> Signals:
        n = len(self.articles)
        text = clean_question(question)
        expanded = self.glossary.expand(text)
        words = self.tokenizer.words(expanded)
        bigrams = self.tokenizer.bigrams(expanded)
        dense = np.full(n, -1.0)
        best = list(self._first_sentence)
        if len(self._chunk_text):
            similarity = self._vectors @ np.asarray(self.embeddings.embed_query(text), dtype=np.float32)
            valid = self._chunk_article >= 0
            np.maximum.at(dense, self._chunk_article[valid], similarity[valid])
            # The sentence behind each article's score, visited from weakest to best.
            for j in np.argsort(similarity):
                if valid[j]:
                    best[self._chunk_article[j]] = self._chunk_text[j]
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
