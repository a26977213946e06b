"""Chinese text → lexical tokens for BM25: jieba words (with the office user dictionary) and
character bigrams, plus the glossary that maps colloquial office words to rule-book terms.

Example::

    tokenizer = ChineseTokenizer()
    tokenizer.words("副区长出差跟谁打招呼?")   # ['副区长', '出差', '打招呼']
    tokenizer.bigrams("常务会议")             # ['常务', '务会', '会议']
"""

from __future__ import annotations

import functools
import logging
import re
import threading
from importlib import resources
from pathlib import Path

import jieba

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_LATIN_WORD = re.compile(r"[a-z]{2,}|\d+")
# Function words and question words that say nothing about which article applies.
_STOPWORDS = frozenset(
    "的 了 吗 呢 啊 吧 呀 么 是 要 得 地 着 和 与 及 或 在 对 把 被 给 跟 向 从 由 就 都 也 还 又 "
    "我 你 他 她 它 我们 你们 他们 咱们 这 那 这个 那个 哪 哪个 哪些 什么 怎么 怎么办 怎样 如何 为什么 "
    "谁 几 多少 多久 有 没有 没 能 能不能 可以 可不可以 需要 需不需要 应该 是否 吗 一下 一个 个 "
    "请问 问 想 想要 咋 咋办 啥 呗 嘛 哦 呃 么 等 之 其 该 所 以 为 而 则 时 后 前".split()
)


class ChineseTokenizer:
    """Tokenizes for BM25. Thread-safe once constructed (jieba is initialised eagerly here).

    `cache_dir` holds jieba's prefix-dictionary cache so that cold starts stay fast.
    """

    _init_lock = threading.Lock()

    def __init__(self, cache_dir: Path | None = None) -> None:
        logging.getLogger("jieba").setLevel(logging.WARNING)
        jieba.setLogLevel(logging.WARNING)
        self._jieba = jieba.Tokenizer()
        if cache_dir is not None:
            cache_dir.mkdir(parents=True, exist_ok=True)
            self._jieba.tmp_dir = str(cache_dir)
        with self._init_lock:
            self._jieba.initialize()
            userdict = resources.files("retrieval").joinpath("userdict.txt")
            with resources.as_file(userdict) as path:
                self._jieba.load_userdict(str(path))

    def words(self, text: str) -> list[str]:
        tokens = []
        for run in _CJK_RUN.findall(text):
            tokens += [w for w in self._jieba.cut_for_search(run) if len(w) > 1 and w not in _STOPWORDS]
        return tokens + _LATIN_WORD.findall(text.lower())

    def terms(self, text: str) -> set[str]:
        """Whole words as jieba reads the sentence (precise mode: 常务副区长 stays one word and does
        not also yield 副区长, as `words`' search mode does), for telling which subjects a text names."""
        return {w for run in _CJK_RUN.findall(text) for w in self._jieba.lcut(run) if len(w) > 1 and w not in _STOPWORDS}

    @staticmethod
    def chinese_bigrams(text: str) -> list[str]:
        """Bigrams of the Chinese runs only (no Latin words or digits)."""
        return [run[i : i + 2] for run in _CJK_RUN.findall(text) for i in range(len(run) - 1)]

    @staticmethod
    def bigrams(text: str) -> list[str]:
        tokens = []
        for run in _CJK_RUN.findall(text):
            tokens += [run[i : i + 2] for i in range(len(run) - 1)] or [run]
        return tokens + _LATIN_WORD.findall(text.lower())


class Glossary:
    """Rule-book terms for the colloquial words found in a question: appended for the lexical
    query (`expand`), substituted in place for the embedded one (`rewrite`).

    Usage::

        glossary = Glossary.bundled()
        glossary.expand("公章谁管?")             # '公章谁管? 印章 用印'
        glossary.rewrite("想用副区长的名章")      # '想用副区长的个人印章'
    """

    def __init__(self, entries: dict[str, tuple[str, ...]]) -> None:
        if any(not key or not terms for key, terms in entries.items()):
            raise ValueError("glossary entries need a word and at least one term")
        self._entries = entries
        self._english = [w for w in entries if w.isascii()]
        chinese = sorted((w for w in entries if not w.isascii()), key=len, reverse=True)
        # Longest word first, so that 领导名章 is replaced as a whole rather than as 名章.
        self._chinese_word = re.compile("|".join(map(re.escape, chinese))) if chinese else None

    @classmethod
    def bundled(cls) -> Glossary:
        text = resources.files("retrieval").joinpath("glossary.tsv").read_text("utf-8")
        entries = {}
        for line in text.splitlines():
            if line.strip() and not line.startswith("#"):
                word, terms = line.split("\t", 1)
                entries[word.strip()] = tuple(terms.split())
        return cls(entries)

    def words(self) -> list[str]:
        """The colloquial words the glossary knows."""
        return list(self._entries)

    def expand(self, question: str) -> str:
        """The question followed by its `rule_terms`."""
        extra = self.rule_terms(question)
        return question + (" " + " ".join(extra) if extra else "")

    def rule_terms(self, text: str) -> list[str]:
        """The rule terms of the glossary words `text` mentions, once each. A word is skipped where
        the text already uses the rule term it abbreviates (常务会 in 常务会议): adding the term
        again would only double its weight."""
        lowered = text.lower()
        extra = [
            term
            for word, terms in self._entries.items()
            if _mentions(lowered, word) and not _said_formally(lowered, word, terms)
            for term in terms
        ]
        return list(dict.fromkeys(extra))

    def translate(self, question: str) -> str:
        """An English question as a Chinese query: the rule terms of the English words it contains,
        in the question's order, a longer phrase taking precedence over the words inside it
        (executive deputy mayor → 常务副区长, not 副区长 and 区长 too). Empty when it knows none."""
        lowered = question.lower()
        found: list[tuple[int, int, str]] = []
        for word in self._english:
            found += [(m.start(), m.end(), word) for m in _english_word(word).finditer(lowered)]
        taken: list[tuple[int, int, str]] = []
        for start, end, word in sorted(found, key=lambda f: (f[0] - f[1], f[0])):  # longest first
            if all(end <= s or start >= e for s, e, _ in taken):
                taken.append((start, end, word))
        terms = [term for _, _, word in sorted(taken) for term in self._entries[word]]
        return " ".join(dict.fromkeys(terms))

    def rewrite(self, question: str) -> str:
        """The question with each colloquial Chinese word replaced by its first rule term, in one
        left-to-right pass (a replaced word is never rewritten again). A sentence that reads like
        the rule book suits the embedding model, which a list of appended terms does not; the
        original question is embedded too (see `HybridSearcher`), so a poor rewrite costs little.
        A word is kept where one of its rule terms already overlaps it (谁签 in 谁签发, 常务会 in 常务会议)."""
        if self._chinese_word is None:
            return question

        def replace(match: re.Match[str]) -> str:
            terms = self._entries[match.group(0)]
            for term in terms:
                # Every occurrence of `term` inside this window overlaps the matched word.
                if term in question[max(0, match.start() - len(term) + 1) : match.end() + len(term) - 1]:
                    return match.group(0)
            return terms[0]

        return self._chinese_word.sub(replace, question)


def _said_formally(lowered_question: str, word: str, terms: tuple[str, ...]) -> bool:
    return not word.isascii() and any(word in term and term in lowered_question for term in terms)


def _mentions(lowered_question: str, word: str) -> bool:
    """Chinese words match as substrings; English words and numbers as whole words, which may touch
    Chinese characters (打12345投诉) but not other letters or digits."""
    if not word.isascii():
        return word in lowered_question
    return _english_word(word).search(lowered_question) is not None


@functools.cache
def _english_word(word: str) -> re.Pattern[str]:
    """An English glossary word with its plain inflections (meetings, submitted, sealed, signing);
    irregular forms need entries of their own."""
    inflections = rf"(?:s|es|d|{re.escape(word[-1])}?ed|{re.escape(word[-1])}?ing)?"
    return re.compile(rf"(?<![a-z0-9]){re.escape(word)}{inflections}(?![a-z0-9])")
