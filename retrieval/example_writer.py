"""Drafting example questions for a document with the optional LLM (`officebot examples PATH`).

The bundled rule book ships example questions written by hand (retrieval/examples.py); a document
the office adds has none, so its articles are found only through their own wording. With an
OpenAI-compatible endpoint configured (LLM_BASE_URL, LLM_MODEL), the model drafts, article by
article, questions staff would type in everyday words. They are written to `NAME.questions.tsv`
for someone to read and edit, and take effect at the next `officebot ingest`: retrieval itself
stays offline and deterministic, and a model's odd guess is caught by a person, not indexed blind.

Example::

    writer = ExampleQuestionWriter(base_url="http://llm:8000/v1", model="qwen2.5")
    drafted = writer.run(read_document(Path("办法.txt")))
    drafted.examples          # ((1, '这个办法管哪些单位?'), …)
    drafted.failed_articles   # articles the model gave nothing usable for
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from retrieval.document import RuleDocument

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 80  # longer lines are explanations, not questions staff type
_LIST_MARKER = re.compile(r"^\s*(?:[-*•·]|\d{1,2}\s*[.、)）:]|[(（]\d{1,2}[)）])\s*")
_SYSTEM = (
    "你在为区政府办公室的规则问答机器人准备检索用的示例问题。给你一条规则条款,"
    "请写出工作人员在工作群里可能会问、且这条条款能回答的问题。多用日常口语和描述,"
    "少照抄条款里的专门术语;覆盖条款里的不同规定;长短不一。每行一个问题,不要编号,不要解释。"
)


@dataclass(frozen=True)
class DraftedExamples:
    examples: tuple[tuple[int, str], ...]  # (article number, question), in article order
    failed_articles: tuple[int, ...]  # the model failed or returned no usable line for these


class ExampleQuestionWriter:
    def __init__(
        self, *, base_url: str, model: str, api_key: str | None = None, timeout_seconds: float = 60.0, per_article: int = 6
    ) -> None:
        if not base_url or not model:
            raise ValueError("base_url and model are required")
        if timeout_seconds <= 0 or not 1 <= per_article <= 20:
            raise ValueError("timeout_seconds must be positive and per_article between 1 and 20")
        from langchain_openai import ChatOpenAI

        self.per_article = per_article
        self._chat = ChatOpenAI(
            base_url=base_url, model=model, api_key=api_key or "not-needed", timeout=timeout_seconds, max_retries=1
        )

    def run(self, document: RuleDocument) -> DraftedExamples:
        examples: list[tuple[int, str]] = []
        failed: list[int] = []
        for article in document.articles:
            questions = self._draft(document, article.number, article.label, article.text)
            if questions:
                examples += [(article.number, q) for q in questions]
            else:
                failed.append(article.number)
        return DraftedExamples(tuple(examples), tuple(failed))

    def _draft(self, document: RuleDocument, number: int, label: str, text: str) -> list[str]:
        prompt = f"《{document.title}》{label}:\n{text}\n\n请写 {self.per_article} 个问题。"
        try:
            reply = str(self._chat.invoke([("system", _SYSTEM), ("human", prompt)]).content)
        except Exception as error:  # network, timeout, bad response: this article gets none, the rest go on
            log.warning("LLM failed for %s %s: %s", document.key, label, error)
            return []
        return usable_questions(reply, article_text=text)[: self.per_article]


def usable_questions(reply: str, *, article_text: str) -> list[str]:
    """The reply's lines that read as questions: list markers stripped, tabs (the file's separator)
    and duplicates dropped, no line that is a sentence copied from the article."""
    questions: list[str] = []
    for line in reply.splitlines():
        question = _LIST_MARKER.sub("", line).replace("\t", " ").strip()
        if not question or len(question) > MAX_QUESTION_CHARS or question in questions:
            continue
        if len(question) >= 10 and question.rstrip("。?？") in article_text:
            continue
        questions.append(question)
    return questions
