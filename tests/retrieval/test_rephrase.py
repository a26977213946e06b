"""The optional LLM may only rephrase: citations stay, and any failure keeps the extractive answer."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from retrieval.answer import Answer, Citation, Passage
from retrieval.rephrase import LLMRephraser

CITATION = Citation("通州区人民政府工作规则", "tongzhou", 48, "第四十八条", "第十章 会议制度", 1.0)
EXTRACTIVE = Answer(
    question="材料提前几天报?",
    answered=True,
    summary="依据第四十八条:至少于会议召开前3天报送区政府办公室。",
    passages=(Passage(CITATION, "……至少于会议召开前3天报送区政府办公室。……"),),
)


class StubChat:
    def __init__(self, reply: str | Exception) -> None:
        self.reply = reply
        self.messages = None

    def invoke(self, messages):
        self.messages = messages
        if isinstance(self.reply, Exception):
            raise self.reply
        return SimpleNamespace(content=self.reply)


def rephraser_with(chat: StubChat) -> LLMRephraser:
    rephraser = LLMRephraser(base_url="http://127.0.0.1:9/v1", model="stub", timeout_seconds=1)
    rephraser._chat = chat
    return rephraser


def test_rephrased_answer_keeps_citations_and_sees_only_retrieved_articles() -> None:
    chat = StubChat("根据第四十八条,会议材料至少在会前3天报送区政府办公室。")
    answer = rephraser_with(chat).run(EXTRACTIVE)
    assert answer.summary.startswith("根据第四十八条")
    assert answer.citations == EXTRACTIVE.citations and answer.passages == EXTRACTIVE.passages
    prompt = chat.messages[1][1]
    assert "第四十八条" in prompt and "材料提前几天报?" in prompt


@pytest.mark.parametrize("reply", [TimeoutError("timed out"), ConnectionError("refused"), "大概三天吧。", ""])
def test_errors_timeouts_and_uncited_replies_keep_the_extractive_answer(reply) -> None:
    assert rephraser_with(StubChat(reply)).run(EXTRACTIVE) == EXTRACTIVE


def test_refusals_are_not_sent_to_the_llm() -> None:
    chat = StubChat("第一条 编造的规定")
    refused = Answer(question="食堂几点开饭?", answered=False, summary="未在规则中找到相关规定。")
    assert rephraser_with(chat).run(refused) == refused
    assert chat.messages is None


@pytest.mark.parametrize("kwargs", [{"base_url": "", "model": "m"}, {"base_url": "http://x", "model": ""}, {"base_url": "http://x", "model": "m", "timeout_seconds": 0}])
def test_invalid_configuration_is_rejected(kwargs) -> None:
    with pytest.raises(ValueError):
        LLMRephraser(**kwargs)
