"""The office glossary: colloquial words → rule-book terms, added to the lexical (BM25) query."""

from __future__ import annotations

import pytest

from retrieval.service import RulesQA
from retrieval.tokens import Glossary


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return Glossary.bundled()


def test_bundled_glossary_is_broad_and_well_formed(glossary: Glossary) -> None:
    words = glossary.words()
    assert len(words) >= 150
    assert all(word.strip() == word and word for word in words)


@pytest.mark.parametrize(
    ("question", "term"),
    [
        ("公章谁管?", "印章"),
        ("盖章要走什么流程?", "用印"),
        ("领导名章能随便用吗?", "个人印章"),
        ("红头文件谁签发?", "公文"),
        ("局长出国要谁批?", "出访"),
        ("12345派的工单怎么办?", "接诉即办"),
        ("打12345反映过的事归谁管?", "接诉即办"),
        ("上会要准备什么?", "议题"),
        ("文件要法审吗?", "合法性审查"),
        ("开会来不了怎么办?", "请假"),
        ("Who keeps the seal?", "印章"),
    ],
)
def test_colloquial_words_add_the_rule_terms(glossary: Glossary, question: str, term: str) -> None:
    expanded = glossary.expand(question)
    assert expanded.startswith(question)
    assert term in expanded[len(question) :].split()


def test_a_term_the_question_already_uses_is_not_added_again(glossary: Glossary) -> None:
    assert "常务会议" in glossary.expand("常务会材料几天报?").split()[1:]
    assert "常务会议" not in glossary.expand("常务会议材料几天报?").split()[1:]


def test_leave_entitlement_words_are_not_mapped_to_leave_reporting(glossary: Glossary) -> None:
    # How many days of leave one gets is not in the rule book; 请假/休假 there is about reporting.
    for question in ("年假一年有几天?", "病假工资怎么算?"):
        assert glossary.expand(question) == question


@pytest.mark.parametrize(
    ("question", "article"),
    [
        ("盖公章要走什么流程?", 60),
        ("用领导名章要谁同意?", 61),
        ("局长出国要谁批?", 66),
        ("开会来不了跟谁请假?", 53),
    ],
)
def test_colloquial_questions_find_the_article(qa: RulesQA, question: str, article: int) -> None:
    answer = qa.ask(question)
    assert answer.answered
    assert answer.citations[0].article == article


def test_leave_entitlement_question_is_refused(qa: RulesQA) -> None:
    assert not qa.ask("年假一年有几天?").answered


@pytest.mark.parametrize(
    ("question", "rewritten"),
    [
        ("想用一下副区长的名章,要谁点头?", "想用一下副区长的个人印章,要谁点头?"),
        ("红头文件谁签发?", "公文谁签发?"),
        # The longest colloquial word wins, and a replaced word is not rewritten again.
        ("领导名章能随便用吗?", "个人印章能随便用吗?"),
    ],
)
def test_rewrite_puts_the_rule_term_in_place_of_the_colloquial_word(glossary: Glossary, question: str, rewritten: str) -> None:
    assert glossary.rewrite(question) == rewritten


def test_english_is_translated_in_its_own_order_longest_phrase_first(glossary: Glossary) -> None:
    assert glossary.translate("Who chairs the executive meeting?") == "主持 常务会议"
    assert glossary.translate("Which executive deputy mayor signs?") == "常务副区长 签发"
    assert glossary.translate("Were the materials submitted?") == "材料 报送 提交"  # plain inflections
    assert glossary.translate("What about lunch?") == ""


def test_rewrite_keeps_words_that_already_read_as_a_rule_term(glossary: Glossary) -> None:
    # 常务会 inside 常务会议, 谁签 inside 谁签发: replacing either would garble the rule term.
    assert glossary.rewrite("常务会议材料几天报?") == "常务会议材料几天报?"
    assert glossary.rewrite("常务会材料几天报?") == "常务会议材料几天报?"
    assert "签发发" not in glossary.rewrite("以区政府名义下发的文件谁签发?")
    assert glossary.rewrite("Who keeps the seal?") == "Who keeps the seal?"  # English is left to the model
