"""Hybrid article search: dense e5 vectors stored in Chroma, BM25 over character bigrams and over
jieba words, and a coverage score (share of the question's bigrams that the article contains),
blended with weights tuned on the dev set (bench/tune_fusion.py).

The dense score of an article is its best sentence's cosine similarity plus a fraction of the whole
article's: the sentence finds the clause that answers, the whole article breaks near-ties in favour
of the article that is about the question's topic. An example question of the article
(retrieval/examples.py) stands in for the best sentence where it is closer than usual
(`lift_by_examples`). The question is embedded without its colloquial particles (吗/呢/是不是/到底 …),
which e5 otherwise reads as content. Where the glossary knows one of
its colloquial words, the question is embedded a second time with the rule-book terms in their place
(名章 → 个人印章) and the two similarities are averaged: on the dev set this raised Chinese
recall@1 from 0.76 to 0.83, and on the second document's set from 0.47 to 0.53. An English question
is translated word by word through the glossary into the rule book's Chinese terms
(`Glossary.translate`); BM25 and coverage read the translation, and it is the second embedding.
A question that asks several things ("…几天报?…报谁批?", `question_parts`) is read densely as the
mean of its parts' similarities: the service searches each part on its own anyway, and with one
`memo` for the asked question the parts are embedded once, not again inside the whole. On the
four question sets recall is unchanged (0.83 / 0.92) and the p95 of a warm answer, which those
questions make, fell from 69 to 46–49 ms over every run (bench/latency.py).

Example::

    searcher = HybridSearcher(index, embeddings, ChineseTokenizer())
    hits = searcher.search("常务会议材料提前几天报送?", k=3)
    hits[0].article.label      # '第四十八条'
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np
from langchain_core.embeddings import Embeddings
from rank_bm25 import BM25Okapi

from retrieval.chunks import split_sentences
from retrieval.document import Article, RuleDocument
from retrieval.index import ARTICLE, EXAMPLE, SENTENCE, RulesIndex
from retrieval.question_text import question_parts
from retrieval.tokens import ChineseTokenizer, Glossary

AFFINITY_SHARE = 0.9  # the share of a document's sentences, most similar first, that its affinity averages
MAX_QUERY_CHARS = 300  # longer input is cut: e5 reads 512 tokens, and BM25 would drown in noise
_TAG = re.compile(r"<[^>]{0,200}>")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_PART_MARKS = " ?;"  # what closes a question or a part, once NFKC has made ？ and ； ASCII
# Words that ask (几次, 多长时间, 哪家) rather than name a topic: the rules never use them.
_ASKING = re.compile(r"[几哪谁啥]|多少|多长|多久|多大|什么|怎么|怎样|如何")
_MARKUP = re.compile(r"[*_`#>\[\]]+")
# Question frames and particles of chat Chinese; they carry no topic, and the rule book never uses them.
_FILLER = re.compile(r"是不是|是否|能不能|可不可以|要不要|需不需要|有没有|会不会|该不该|到底|一般|请问|咋办|咋|啥|吗|呢|吧|啊|呀|嘛")


@dataclass(frozen=True)
class FusionWeights:
    """How the signals are blended; each signal is scaled to [0, 1] over all articles first.

    On the dev set any bigram weight from 0.2 to 0.5 ranks the same; 0.2 is kept because on a second
    document (the extra set) heavier lexical weights let colloquial words that happen to occur in an
    unrelated article outvote the dense signal (recall@1 0.40 at 0.5, 0.47 at 0.2)."""

    dense: float = 1.0
    words: float = 0.1
    bigrams: float = 0.2
    coverage: float = 0.2
    whole_article: float = 0.5  # share of the whole-article similarity added to the best sentence's

    def __post_init__(self) -> None:
        if min(self.dense, self.words, self.bigrams, self.coverage, self.whole_article) < 0:
            raise ValueError("weights must be ≥ 0")


@dataclass(frozen=True)
class Signals:
    """Per-article raw signals for one question (arrays aligned with `HybridSearcher.articles`)."""

    dense: np.ndarray  # `sentence` + whole_article × the whole article's cosine similarity
    sentence: np.ndarray  # best sentence's cosine similarity, or its closest example question's (see `lift_by_examples`)
    words: np.ndarray  # BM25 over jieba words
    bigrams: np.ndarray  # BM25 over character bigrams
    coverage: np.ndarray  # share of the question's distinct bigrams found in the article
    best_sentence: list[str]  # each article's sentence most similar to the question (never an example question)
    lexical_query: bool  # the question has Chinese tokens at all
    affinity: float  # closeness to the nearest rule book as a whole (see `HybridSearcher.affinity`)


@dataclass(frozen=True)
class ScoredArticle:
    document: RuleDocument
    article: Article
    score: float  # fused score
    dense: float  # the best sentence's (or example question's) cosine similarity
    coverage: float
    best_sentence: str
    lexical_support: float  # best bigram-BM25 score of any article per question bigram; 0 without Chinese
    affinity: float  # the question's closeness to the nearest rule book as a whole (see `HybridSearcher.affinity`)
    lexical_query: bool  # the question has Chinese tokens at all (English questions have none)
    margin: float  # its fused score's lead over the next article's (0 for the last)
    unknown_share: float  # share of the question's words that no indexed document nor the glossary knows
    question_chars: int  # Chinese characters in the question
    # Share of the words the question asks about (`HybridSearcher.asked_words`) that this article
    # does not contain; 0 when it asks about no word in particular.
    asked_uncovered: float = 0.0


def clean_question(question: str) -> str:
    """Strip HTML/Markdown markup and cut overlong input. Full-width punctuation, digits and
    letters (？,，,１２) become their ASCII forms (NFKC), so that every pattern downstream reads
    a question the same way however the keyboard typed it."""
    text = _MARKUP.sub(" ", _TAG.sub(" ", unicodedata.normalize("NFKC", question)))
    return " ".join(text.split())[:MAX_QUERY_CHARS]


def dense_query(question: str) -> str:
    """The text to embed: the question without its colloquial particles (kept when nothing else is left)."""
    stripped = " ".join(_FILLER.sub(" ", question).split())
    return stripped if re.search(r"\w", stripped) else question


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
        self._texts = texts
        self._bigram_sets = [set(self.tokenizer.bigrams(t)) for t in texts]
        self._bm25_words = BM25Okapi([self.tokenizer.words(t) for t in texts]) if texts else None
        self._bm25_bigrams = BM25Okapi([self.tokenizer.bigrams(t) for t in texts]) if texts else None
        self._first_sentence = [(split_sentences(a.text) or [a.text])[0] for _, a in self.articles]
        self._all_text = "\n".join(texts)
        glossary_words = [w for w in self.glossary.words() if not w.isascii()]
        self._glossary_words = frozenset(glossary_words)
        self._glossary_text = "\n".join(glossary_words)  # a word inside a glossary word: one substring search
        self.index = index
        chunks = index.chunks()
        known = [(c, self._position.get((c.document_key, c.article))) for c in chunks]
        # Every chunk's unit vector, one row each: a question's dense scores are one matrix product.
        self._chunk_vectors = np.stack([c.vector for c, _ in known]) if known else np.zeros((0, 1), dtype=np.float32)
        self._chunk_text = [c.text for c, _ in known]
        self._chunk_article = np.array([-1 if i is None else i for _, i in known], dtype=np.int64)
        kinds = np.array([c.kind for c, _ in known])
        linked = self._chunk_article >= 0
        self._sentence_rows = np.flatnonzero(linked & (kinds == SENTENCE))
        self._article_rows = np.flatnonzero(linked & (kinds == ARTICLE))
        self._example_rows = np.flatnonzero(linked & (kinds == EXAMPLE))
        document_of = {d.key: i for i, d in enumerate(self.documents)}
        sentence_document = np.array([document_of[self.articles[a][0].key] for a in self._chunk_article[self._sentence_rows]])
        self._document_sentences = [self._sentence_rows[sentence_document == i] for i in range(len(self.documents))]

    def signals(self, question: str, *, memo: dict[str, np.ndarray] | None = None) -> Signals:
        """`memo`: similarities already computed for this asked question, by cleaned text (see `search`)."""
        n = len(self.articles)
        text = clean_question(question)
        lexical = self.lexical_query(text)
        words = self.tokenizer.words(lexical)
        bigrams = self.tokenizer.bigrams(lexical)
        sentence = np.full(n, -1.0)
        article = np.full(n, -1.0)
        example = np.full(n, -1.0)
        best = list(self._first_sentence)
        affinity = -1.0
        if len(self._chunk_text):
            similarity = self._question_similarity(text, {} if memo is None else memo)
            np.maximum.at(sentence, self._chunk_article[self._sentence_rows], similarity[self._sentence_rows])
            np.maximum.at(article, self._chunk_article[self._article_rows], similarity[self._article_rows])
            np.maximum.at(example, self._chunk_article[self._example_rows], similarity[self._example_rows])
            # The sentence behind each article's score, visited from weakest to best.
            for j in self._sentence_rows[np.argsort(similarity[self._sentence_rows])]:
                best[self._chunk_article[j]] = self._chunk_text[j]
            affinity = self.affinity(similarity)
        sentence = lift_by_examples(np.where(sentence > -1.0, sentence, article), example)  # article: too short to split
        dense = sentence + self.weights.whole_article * np.where(article > -1.0, article, sentence)
        question_bigrams = set(self.tokenizer.bigrams(text if self.tokenizer.chinese_bigrams(text) else lexical))
        coverage = np.array(
            [len(question_bigrams & s) / len(question_bigrams) if question_bigrams else 0.0 for s in self._bigram_sets]
        )
        return Signals(
            dense=dense,
            sentence=sentence,
            words=self._bm25_words.get_scores(words) if words else np.zeros(n),
            bigrams=self._bm25_bigrams.get_scores(bigrams) if bigrams else np.zeros(n),
            coverage=coverage,
            best_sentence=best,
            lexical_query=bool(self.tokenizer.chinese_bigrams(text)),
            affinity=affinity,
        )

    def affinity(self, similarity: np.ndarray) -> float:
        """How close the question is to the rule books as a whole, not only to its best article.

        A question the rules do not cover (pay, canteen hours, a phone number) often still finds
        one sentence on a neighbouring topic about as similar as a paraphrased answerable question
        does, but it is far from the bulk of the rule book. Per document, the mean similarity of its
        sentences (the least similar tenth left out, so that a few boilerplate sentences do not
        drag it down); the nearest document counts, so adding an unrelated document changes nothing.
        It separates answerable from unanswerable Chinese questions better than the mean over the
        40 nearest articles it replaced: AUC 0.955 against 0.92 on the dev set, 0.81 against 0.76 on
        bench/questions/validation.jsonl. Short questions lie low on it whatever they ask, which is
        why it is one signal of several in `RefusalPolicy` (retrieval/refusal.py)."""
        best = -1.0
        for rows in self._document_sentences:
            values = np.sort(similarity[rows])[-max(1, int(len(rows) * AFFINITY_SHARE)) :]
            if len(values):
                best = max(best, float(values.mean()))
        return best

    def lexical_query(self, text: str) -> str:
        """The text BM25 reads: a Chinese question with the rule terms of its colloquial words
        appended, an English one translated into the rule book's terms (`Glossary.translate`)."""
        if self.tokenizer.chinese_bigrams(text):
            return self.glossary.expand(text)
        return self.glossary.translate(text)

    def bridged_query(self, text: str) -> str:
        """The question in the rule book's words, for the second embedding: Chinese questions get
        the rule terms in place of their colloquial words; English ones are replaced by their
        Chinese translation (seal → 印章), a bridge into the language of the rule book that the
        multilingual model otherwise crosses alone (the English text stays the first embedding)."""
        if self.tokenizer.chinese_bigrams(text):
            return dense_query(self.glossary.rewrite(text))
        return self.glossary.translate(text) or text

    def _question_similarity(self, text: str, memo: dict[str, np.ndarray]) -> np.ndarray:
        """Cosine similarity of the cleaned question to every chunk: as typed, averaged with the
        bridged form where that differs; for a question of several parts, the mean of its parts'.
        A question with a piece too short to be a part of its own ("公章谁管?…?…?") is read whole,
        so that the piece still counts. The memo is keyed without the closing question mark: a
        part ("副区长请假找谁") is the question it was split from ("副区长请假找谁?")."""
        key = text.rstrip(_PART_MARKS)
        if key in memo:
            return memo[key]
        parts = [clean_question(part) for part in question_parts(text)]
        if len(parts) > 1 and len(parts) == len(question_parts(text, min_chars=1)):
            similarity = np.mean([self._question_similarity(part, memo) for part in parts], axis=0)
        else:
            typed = dense_query(text)
            similarity = self._similarities(typed)
            bridged = self.bridged_query(text)
            if bridged != typed:
                similarity = (similarity + self._similarities(bridged)) / 2
        memo[key] = similarity
        return similarity

    def _similarities(self, text: str) -> np.ndarray:
        """Cosine similarity of `text` to every chunk, by row (an exact scan)."""
        vector = np.asarray(self.embeddings.embed_query(text), dtype=np.float32)
        vector /= max(float(np.linalg.norm(vector)), 1e-12)
        return (self._chunk_vectors @ vector).astype(np.float64)

    def fuse(self, signals: Signals) -> np.ndarray:
        w = self.weights
        return (
            w.dense * _scaled(signals.dense)
            + w.words * _scaled(signals.words)
            + w.bigrams * _scaled(signals.bigrams)
            + w.coverage * signals.coverage
        )

    def search(self, question: str, k: int = 5, *, memo: dict[str, np.ndarray] | None = None) -> list[ScoredArticle]:
        """The `k` best articles. Pass one `memo` (an empty dict) to every search made for one asked
        question, its parts and a follow-up's previous question, so that no text is embedded twice."""
        if not self.articles:
            return []
        signals = self.signals(question, memo=memo)
        fused = self.fuse(signals)
        ranked = np.argsort(-fused)
        order = ranked[:k]
        following = {int(i): float(fused[j]) for i, j in zip(order, ranked[1 : k + 1])}
        text = clean_question(question)
        bigram_count = len(set(self.tokenizer.chinese_bigrams(text)))
        support = float(signals.bigrams.max()) / bigram_count if bigram_count else 0.0
        unknown_share = self.unknown_share(text)
        asked = {word: self.glossary.rule_terms(word) for word in self.asked_words(text)}
        chars = len(_CJK.findall(text))
        return [
            ScoredArticle(
                document=self.articles[i][0],
                article=self.articles[i][1],
                score=float(fused[i]),
                dense=float(signals.sentence[i]),
                coverage=float(signals.coverage[i]),
                best_sentence=signals.best_sentence[i],
                lexical_support=support,
                affinity=signals.affinity,
                lexical_query=signals.lexical_query,
                margin=float(fused[i]) - following.get(int(i), float(fused[i])),
                unknown_share=unknown_share,
                question_chars=chars,
                asked_uncovered=self._asked_uncovered(asked, int(i)),
            )
            for i in order
        ]

    def asked_words(self, text: str) -> list[str]:
        """The words the question asks about: its words (jieba, precise mode) that begin right after
        a word that asks, or one character later (什么字体, 哪个会议室, 多少奖金, 几点开饭 → 开饭).

        A question on a rule-book topic that asks a detail the rules do not state (the room of a
        meeting the rules describe, the font of a document they regulate) finds an article on the
        topic, close on every other signal; what gives it away is that the article never names the
        asked thing (`ScoredArticle.asked_uncovered`)."""
        ends = [m.end() for m in _ASKING.finditer(text)]
        found = []
        for word in self.tokenizer.terms(text):
            if _ASKING.search(word):
                continue
            starts = [m.start() for m in re.finditer(re.escape(word), text)]
            if any(0 <= start - end <= 1 for start in starts for end in ends):
                found.append(word)
        return sorted(found)

    def _asked_uncovered(self, asked: dict[str, list[str]], i: int) -> float:
        """The share of the asked words (each with the glossary's rule terms for it) of which article
        `i` contains neither the word nor one of its rule terms; 0 without asked words."""
        if not asked:
            return 0.0
        text = self._texts[i]
        missing = [w for w, terms in asked.items() if w not in text and not any(t in text for t in terms)]
        return len(missing) / len(asked)

    def unknown_share(self, text: str) -> float:
        """The share of the question's words (jieba, precise mode) that occur in no indexed document
        and are no part of a glossary word: 停车位 or 门禁卡 in a question the rules do not cover,
        but also the everyday words of a paraphrase (老婆孩子), which is why it is one signal of
        several in `RefusalPolicy` and not a rule of its own. Words that ask (几天, 哪家) are left out."""
        words = [w for w in self.tokenizer.terms(text) if not _ASKING.search(w)]
        unknown = [w for w in words if w not in self._all_text and not self._in_glossary(w)]
        return len(unknown) / len(words) if words else 0.0

    def _in_glossary(self, word: str) -> bool:
        """The word is part of a glossary word, or has one inside it."""
        if word in self._glossary_text:
            return True
        inside = (word[i:j] for i in range(len(word)) for j in range(i + 1, len(word) + 1))
        return any(part in self._glossary_words for part in inside)


def lift_by_examples(sentence: np.ndarray, example: np.ndarray) -> np.ndarray:
    """Each article's best-sentence similarity, or its closest example question's where that is
    closer (-1 in `example`: the article has none).

    A question resembles other questions more than it resembles rule sentences, so example
    similarities run higher for every article, related or not (by a median 0.011 on the bundled
    rule book's eval questions). They are first lowered by this question's median gap between the
    two over the articles that have examples: only an example closer than usual counts, and a
    document without example questions is not outranked for lacking them (second document's set:
    recall@1 0.47 uncorrected, 0.67 corrected)."""
    has = example > -1.0
    if not has.any():
        return sentence
    gap = float(np.median(example[has] - sentence[has]))
    return np.where(has, np.maximum(sentence, example - gap), sentence)


def _scaled(values: np.ndarray) -> np.ndarray:
    """Min-max to [0, 1]; an all-equal signal (e.g. no lexical match) contributes nothing."""
    low, high = float(values.min()), float(values.max())
    return (values - low) / (high - low) if high > low else np.zeros_like(values)
