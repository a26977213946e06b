"""The parsed form of a rule document: chapters, articles and their sub-items.

Example::

    doc = RuleParser().run(text, key="rules")
    doc.articles[47].label    # '第四十八条'
    doc.article(48).chapter   # '第十章 会议制度'
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Article:
    """One article: the unit that is retrieved, quoted and cited."""

    number: int  # 48
    label: str  # 第四十八条 (第3段 for documents without numbering)
    chapter: str  # 第十章 会议制度, '' when the document has no chapters
    text: str  # full text without the number prefix, paragraphs joined by newlines
    items: tuple[str, ...] = ()  # sub-items (一) … (八) with their markers, in order


@dataclass(frozen=True)
class RuleDocument:
    key: str  # short stable id (file stem), used in index ids and button callback data
    title: str  # 通州区人民政府工作规则
    number: str  # 通政发〔2022〕1号, '' when none is found
    articles: tuple[Article, ...]
    sha256: str = ""  # of the source bytes (and its example questions); an unchanged file is not re-indexed
    # (article number, a question that article answers) from the document's example-question file,
    # embedded beside the article's sentences (see retrieval/examples.py); () for documents read back
    # from the index, where the examples live as vectors only.
    examples: tuple[tuple[int, str], ...] = ()
    source: str = ""  # the file it was read from ('' when the index predates this record)
    indexed_at: datetime | None = None  # when it was last written to the index (UTC); None before

    @property
    def chapters(self) -> list[str]:
        """Distinct chapter labels in document order."""
        return list(dict.fromkeys(a.chapter for a in self.articles if a.chapter))

    def article(self, number: int) -> Article | None:
        return next((a for a in self.articles if a.number == number), None)
