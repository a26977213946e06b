"""Optional LLM rewrite of the one-line answer (any OpenAI-compatible endpoint, via langchain-openai).

The model sees only the retrieved articles, must name the primary article, and any error, timeout
or answer without that citation leaves the extractive answer unchanged.

Example::

    rephraser = LLMRephraser(base_url="http://llm:8000/v1", model="qwen2.5", api_key="…")
    answer = rephraser.run(answer)     # same citations, friendlier summary
"""

from __future__ import annotations

import dataclasses
import logging

from retrieval.answer import Answer

log = logging.getLogger(__name__)

_SYSTEM = (
    "你是区政府办公室的规则问答助手。只能依据下面给出的条款原文回答,不得补充条款以外的规定。"
    "用一到两句中文直接回答问题,数字、期限、审批人必须与原文一致,并在句中注明所依据的条款编号(如第四十八条)。"
    "如果条款没有回答这个问题,只回答:未在规则中找到相关规定。"
)


class LLMRephraser:
    def __init__(self, *, base_url: str, model: str, api_key: str | None = None, timeout_seconds: float = 20.0) -> None:
        if not base_url or not model:
            raise ValueError("base_url and model are required")
        if timeout_seconds <= 0:
            raise ValueError("timeout_seconds must be positive")
        from langchain_openai import ChatOpenAI

        self._chat = ChatOpenAI(
            base_url=base_url,
            model=model,
            api_key=api_key or "not-needed",
            timeout=timeout_seconds,
            max_retries=0,
            temperature=0,
        )

    def run(self, answer: Answer) -> Answer:
        if not answer.answered:
            return answer
        articles = "\n\n".join(f"{p.citation.reference}\n{p.text}" for p in answer.passages)
        messages = [("system", _SYSTEM), ("human", f"条款原文:\n{articles}\n\n问题:{answer.question}")]
        try:
            text = str(self._chat.invoke(messages).content).strip()
        except Exception as error:  # network, timeout, bad response: the extractive answer stands
            log.warning("LLM rephrasing failed, keeping the extractive answer: %s", error)
            return answer
        if not text or answer.passages[0].citation.label not in text:
            log.warning("LLM answer without the primary citation, keeping the extractive answer")
            return answer
        return dataclasses.replace(answer, summary=text)
