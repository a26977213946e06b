"""The rules Q&A engine the bot, the terminal chat and the CLI share.

Example::

    qa = open_rules_qa(get_settings())             # bootstrap/qa_engine.py: opens (or first builds) the index
    answer = qa.ask("副区长出差跟谁请假?")
    answer.citations[0].label                      # '第八十二条'
    qa.ask("那区长呢?", context="副区长出差跟谁请假?")
    qa.article("tongzhou-government-work-rules-2022", 48).text
    qa.ingest([Path("办法.txt")])                   # IngestReport(added=['办法'], …)
    qa.ingest([], defaults=bundled_corpus_paths())  # the bundled book, unless removed on purpose
    qa.remove("办法")                               # by title or key; the bundled book needs bundled_ok=True
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from langchain_core.embeddings import Embeddings

from retrieval.answer import Answer, Citation, Passage
from retrieval.answering import ExtractiveAnswerer
from retrieval.document import RuleDocument
from retrieval.index import RulesIndex
from retrieval.question_text import NOT_UNDERSTOOD, asks_something, question_parts
from retrieval.refusal import RefusalPolicy
from retrieval.rephrase import LLMRephraser
from retrieval.search import FusionWeights, HybridSearcher, ScoredArticle, clean_question
from retrieval.sources import bundled_corpus_paths, bundled_keys, document_key, read_document
from retrieval.tokens import ChineseTokenizer, Glossary

log = logging.getLogger(__name__)

_CONTENT = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
# A follow-up leans on the previous question: it opens with a connective ("那副区长呢?", "还有…",
# "另外…", "换成…"), ends with 呢, or is very short and points back ("副区长也一样?").
_FOLLOW_UP_START = re.compile(r"^\s*(那么|那|还有|另外|如果是|要是|换成|换做)")
_FOLLOW_UP_END = re.compile(r"呢\s*[?!。.…]*\s*$")  # on the NFKC-cleaned question
_REFERS_BACK = re.compile(r"也|同样|一样|的话|这个|那个|这种|这样|上述|刚才|前面|呢")
_FOLLOW_UP_SHORT_CHARS = 8  # "very short": at most this many characters of content
# The words an elliptical question has of its own once the connective, 呢 and the question frame are
# gone; with fewer than this many characters it names a topic ("副区长") but not what is asked about it.
_STANDALONE_MIN_CHARS = 6
_FOLLOW_UP_FRAME = re.compile(
    r"^\s*(那么|那|还有|另外|如果是|要是|换成|换做)|呢|也|同样|一样|的话|这个|那个|这种|这样|上述|刚才|前面"
    r"|是不是|是否|能不能|可不可以|要不要|有没有|会不会|怎么样|怎么办|怎么|如何|什么|吗|吧|啊|呀|嘛"
)


class QuestionError(ValueError):
    """The question cannot be searched; the message (Chinese) says what to fix."""


class DocumentError(ValueError):
    """A document cannot be removed (not found, ambiguous); the message is Chinese."""


class BundledDocumentError(DocumentError):
    """Removing the bundled rule book was asked for without confirming it."""


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)  # document titles
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    withheld: list[Path] = field(default_factory=list)  # default files whose document was removed on purpose
    articles: int = 0  # articles written (0 when nothing changed)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated)


class RulesQA:
    """Answers questions from the indexed rule documents. `ask` is safe to call from many threads."""

    def __init__(
        self,
        index: RulesIndex,
        embeddings: Embeddings,
        tokenizer: ChineseTokenizer,
        *,
        glossary: Glossary | None = None,
        answerer: ExtractiveAnswerer | None = None,
        rephraser: LLMRephraser | None = None,
        weights: FusionWeights | None = None,
        now: Callable[[], datetime],
    ) -> None:
        self._index = index
        self._now = now  # the office's clock: when a document is indexed or removed
        self._embeddings = embeddings
        self._tokenizer = tokenizer
        self._glossary = glossary or Glossary.bundled()
        self._weights = weights or FusionWeights()  # defaults tuned on the dev set (bench/tune_fusion.py)
        self._answerer = answerer or ExtractiveAnswerer(RefusalPolicy())
        self._rephraser = rephraser
        self._ingest_lock = threading.Lock()
        self._reload_lock = threading.Lock()
        self._loaded = self._load()  # (the index's generation, the searcher built from it)

    @property
    def searcher(self) -> HybridSearcher:
        """The searcher over the index as it is now. Processes that share one Chroma server see each
        other's writes: when the index's generation (renewed by every ingest or removal, whichever
        process made it) differs from the one the searcher was built at, it is rebuilt first."""
        generation = self._index.generation()
        if generation != self._loaded[0]:
            with self._reload_lock:
                if generation != self._loaded[0]:  # not already reloaded by another thread
                    log.info("The rules index was changed by another process: reloading it")
                    self._loaded = self._load()
        return self._loaded[1]

    def ensure_indexed(self, corpus: list[Path]) -> None:
        """At start: an empty index is first built from `corpus`; a full one is only checked for a
        bundled document that changed (`officebot ingest` brings it up to date itself)."""
        if self._index.count() == 0:
            log.info("Index is empty: building it from the bundled corpus and CORPUS_PATHS")
            self.ingest([], defaults=corpus)
        else:
            self._warn_if_bundled_corpus_changed()

    def _warn_if_bundled_corpus_changed(self) -> None:
        """An upgrade may ship a new rule book or new example questions; only `officebot ingest`
        (which `make run` runs) replaces the indexed copy, because a document with the same name
        that the office ingested itself must not be overwritten behind its back."""
        indexed = self._index.fingerprints()
        for path in bundled_corpus_paths():
            document = read_document(path)
            if document.key in indexed and indexed[document.key] != document.sha256:
                log.warning("%s differs from the bundled version; run `officebot ingest` to index the bundled one", path.name)

    def ask(self, question: str, *, context: str | None = None) -> Answer:
        return self.ask_ranked(question, context=context)[0]

    def ask_ranked(self, question: str, *, context: str | None = None) -> tuple[Answer, list[ScoredArticle]]:
        """The answer and the ranked articles behind it (for `officebot eval`)."""
        if not question or not question.strip():
            raise QuestionError("问题是空的:请输入想查询的规定,例如「常务会议材料提前几天报送?」")
        cleaned = clean_question(question)
        if not _CONTENT.search(cleaned):
            raise QuestionError("问题里没有可检索的文字(只有表情或符号):请用文字描述想查询的规定。")
        if not asks_something(question):  # a number, a bare date, hello, markup, SQL …
            raise QuestionError(NOT_UNDERSTOOD)
        searcher = self.searcher
        memo: dict = {}  # each text embedded once for this question (HybridSearcher.search)
        hits = searcher.search(cleaned, k=5, memo=memo)
        # The previous question is read along only when this one is elliptical and cannot be
        # answered on its own; an unrelated question ("今天天气怎么样") is answered or refused alone.
        if context and _is_follow_up(cleaned) and not self._stands_alone(cleaned, hits):
            previous = clean_question(context)
            together = searcher.search(f"{previous} {cleaned}", k=5, memo=memo)
            hits = self._on_previous_topic(searcher, together, cleaned, previous, memo)
        # A question that asks two things ("…几天报?…报谁批?") gets each part searched too, so
        # the article answering the second part is cited beside the first.
        parts = question_parts(cleaned)
        part_hits = [(part, searcher.search(part, k=1, memo=memo)[0]) for part in parts if len(parts) > 1 and searcher.articles]
        answer = self._answerer.run(question, hits, part_hits=part_hits)
        return (self._rephraser.run(answer) if self._rephraser else answer), hits

    def article(self, document_key: str, number: int) -> Passage | None:
        for document, article in self.searcher.articles:
            if document.key == document_key and article.number == number:
                citation = Citation(
                    document=document.title,
                    document_key=document.key,
                    article=article.number,
                    label=article.label,
                    chapter=article.chapter,
                    score=1.0,
                )
                return Passage(citation=citation, text=article.text)
        return None

    def ingest(self, paths: Sequence[Path], *, defaults: Sequence[Path] = ()) -> IngestReport:
        """Add or replace the documents of `paths`, and of `defaults` (the bundled rule book and
        CORPUS_PATHS) except those removed on purpose (`remove`; listed in `withheld`). All files are
        read and parsed before anything is written, so a bad file (CorpusError) leaves the index as it was."""
        report = IngestReport()
        withdrawn = self._index.withdrawn() if defaults else set()
        report.withheld = [Path(p) for p in defaults if document_key(Path(p)) in withdrawn]
        wanted = [Path(p) for p in defaults if document_key(Path(p)) not in withdrawn] + [Path(p) for p in paths]
        documents = [read_document(path) for path in wanted]
        with self._ingest_lock:
            known = self._index.fingerprints()
            order = {d.key: i for i, d in enumerate(self.searcher.documents)}
            for document in documents:
                if known.get(document.key) == document.sha256:
                    report.unchanged.append(document.title)
                    continue
                (report.updated if document.key in known else report.added).append(document.title)
                self._index.replace(document, order=order.setdefault(document.key, len(order)), indexed_at=self._now())
                known[document.key] = document.sha256
                report.articles += len(document.articles)
            if report.changed:
                self._loaded = self._load()
        return report

    def find_document(self, reference: str) -> RuleDocument:
        """The indexed document whose key or title is `reference` (《》 optional)."""
        wanted = reference.strip().strip("《》").strip()
        documents = self.searcher.documents
        by_key = [d for d in documents if d.key == wanted]
        matches = by_key or [d for d in documents if d.title == wanted]
        if not wanted or not matches:
            known = "、".join(f"{d.title}({d.key})" for d in documents) or "(索引是空的)"
            raise DocumentError(f"没有找到文件「{reference}」。已建立索引的文件:{known}。请用其标题或编号。")
        if len(matches) > 1:
            keys = "、".join(d.key for d in matches)
            raise DocumentError(f"有 {len(matches)} 份文件标题都是「{wanted}」,请改用编号:{keys}。")
        return matches[0]

    def remove(self, reference: str, *, bundled_ok: bool = False) -> RuleDocument:
        """Take the document (by key or title) out of the index, so its articles are no longer
        found or cited; the bundled rule book only with `bundled_ok`. A later `ingest` with
        `defaults` leaves it out; ingesting its file by name brings it back."""
        with self._ingest_lock:
            document = self.find_document(reference)
            if document.key in bundled_keys() and not bundled_ok:
                raise BundledDocumentError(
                    f"「{document.title}」是随程序提供的内置规则库:删除后,关于它的问题都将无法回答,"
                    "重新导入时也不再自动包含它。确需删除,请明确确认。"
                )
            self._index.remove(document.key, removed_at=self._now())
            self._loaded = self._load()
        return document

    def _on_previous_topic(
        self, searcher: HybridSearcher, hits: list[ScoredArticle], question: str, previous: str, memo: dict
    ) -> list[ScoredArticle]:
        """An elliptical follow-up asks the previous question again about something else ("副区长请假
        找谁?" → "那部门一把手呢?"), so the article that answered the previous question stays first when
        it is nearly as strong (within the answerer's support ratio) and names something the follow-up
        brings in (正职 for 一把手, as a word of its own); a neighbour that merely shares the new words (第五十三条's
        会议请假 of 主要负责人) does not take over the topic."""
        before = searcher.search(previous, k=1, memo=memo)
        if not before or self._answerer.refusal.refuses(before[0]) or not hits:
            return hits
        wanted = (before[0].document.key, before[0].article.number)
        position = next((i for i, hit in enumerate(hits) if (hit.document.key, hit.article.number) == wanted), None)
        if not position or hits[position].score < self._answerer.support_ratio * hits[0].score:
            return hits
        terms, glossary = searcher.tokenizer.terms, searcher.glossary
        brought_in = terms(glossary.expand(_FOLLOW_UP_FRAME.sub("", question))) - terms(glossary.expand(previous))
        if not brought_in & terms(hits[position].article.text):  # 常务副区长 does not name 副区长
            return hits
        return [hits[position], *hits[:position], *hits[position + 1 :]]

    def _stands_alone(self, question: str, hits: list[ScoredArticle]) -> bool:
        """The question alone is answered with confidence: it is not refused and still says what it
        asks once its follow-up markers are removed ("那副区长呢?" → "副区长" does not)."""
        if self._answerer.refusal.refuses(hits[0] if hits else None):
            return False
        return len(_CONTENT.findall(_FOLLOW_UP_FRAME.sub("", question))) >= _STANDALONE_MIN_CHARS

    def _load(self) -> tuple[str | None, HybridSearcher]:
        """The generation is read before the records, so a write landing meanwhile is picked up next time."""
        generation = self._index.generation()
        return generation, HybridSearcher(self._index, self._embeddings, self._tokenizer, self._glossary, self._weights)


def _is_follow_up(question: str) -> bool:
    """The question looks elliptical: opens with a connective, ends with 呢, or is very short and
    refers back. Shortness alone is not enough ("今天天气怎么样" is short and stands alone)."""
    if _FOLLOW_UP_START.search(question) or _FOLLOW_UP_END.search(question):
        return True
    short = len(_CONTENT.findall(question)) <= _FOLLOW_UP_SHORT_CHARS
    return short and bool(_REFERS_BACK.search(question))
