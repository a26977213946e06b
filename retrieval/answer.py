"""What the Q&A engine returns: plain data that the CLI, the terminal chat and the Telegram
handlers render each in their own way.

Example::

    answer = qa.ask("常务会议材料提前几天报送?")
    answer.answered            # True
    answer.citations[0].label  # '第四十八条'
    print(answer.text)         # the whole reply a person reads
"""

from __future__ import annotations

from dataclasses import dataclass, field

NOT_FOUND = "未在规则中找到相关规定。"


@dataclass(frozen=True)
class Citation:
    """One article of one document, as cited under an answer."""

    document: str  # document title, e.g. 通州区人民政府工作规则
    document_key: str  # short stable id of the document (used in button callback data)
    article: int  # 48
    label: str  # 第四十八条
    chapter: str  # 第八章 会议制度 ('' when the document has no chapters)
    score: float

    @property
    def reference(self) -> str:
        """《通州区人民政府工作规则》第四十八条(第八章 会议制度)"""
        chapter = f"({self.chapter})" if self.chapter else ""
        return f"《{self.document}》{self.label}{chapter}"

    def to_json(self) -> dict:
        return {
            "document": self.document,
            "article": self.article,
            "label": self.label,
            "chapter": self.chapter,
            "score": round(self.score, 4),
        }


@dataclass(frozen=True)
class Passage:
    """A cited article with its full text and the sentences that answer the question."""

    citation: Citation
    text: str
    highlights: tuple[str, ...] = ()  # substrings of `text`, best first


@dataclass(frozen=True)
class Answer:
    question: str
    answered: bool
    summary: str  # the one-line answer, or NOT_FOUND
    passages: tuple[Passage, ...] = ()  # primary article first; empty when not answered
    related: tuple[Citation, ...] = field(default=())  # "may be related" / other candidates
    # The date a cited article's deadline falls on for the moment the question names, computed by
    # the office's deadline rules (see `ExtractiveAnswerer`); shown before the summary. '' when none.
    computed: str = ""

    @property
    def citations(self) -> list[Citation]:
        return [passage.citation for passage in self.passages]

    @property
    def text(self) -> str:
        """The whole reply a person reads, as plain text."""
        lines = [self.computed, self.summary] if self.computed else [self.summary]
        for passage in self.passages:
            lines += ["", f"{passage.citation.reference}", passage.text]
        if self.related:
            heading = "可能相关的条款:" if not self.answered else "其他相关条款:"
            lines += ["", heading] + [f"- {c.reference}" for c in self.related]
        return "\n".join(lines)

    def to_json(self) -> dict:
        """The `officebot ask --json` contract."""
        citations = self.citations if self.answered else list(self.related)
        return {
            "question": self.question,
            "answered": self.answered,
            "answer": self.text,
            "citations": [c.to_json() for c in citations],
        }
