"""The rule checks of 第四十八至五十二条, each clause on its own."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from office.agenda_checks import (
    ARTICLE_50,
    LEGALITY_ATTACHED,
    LEGALITY_HANDED_IN,
    AgendaRuleError,
    ItemFacts,
    check_deadline,
    check_facts,
)
from storage.agenda import MeetingType

NONE_APPLY = {clause.number: False for clause in ARTICLE_50}
DUE = datetime(2026, 12, 6, 1, 0, tzinfo=timezone.utc)


def facts(**changes) -> ItemFacts:
    return ItemFacts(**({"summary": "拟安排资金用于老旧小区改造", "article50": dict(NONE_APPLY)} | changes))


@pytest.mark.parametrize("clause", ARTICLE_50, ids=lambda c: c.number)
def test_each_article_50_clause_blocks_the_item_and_is_named(clause):
    with pytest.raises(AgendaRuleError) as refused:
        check_facts(MeetingType.EXECUTIVE, facts(article50=NONE_APPLY | {clause.number: True}))
    assert f"第五十条第({clause.number})项" in str(refused.value)
    assert clause.text in str(refused.value)


def test_article_50_quotes_the_rule_text_exactly():
    rules = open("retrieval/corpus/tongzhou-government-work-rules-2022.txt", encoding="utf-8").read()
    for clause in ARTICLE_50:
        assert clause.text + ";" in rules or clause.text + "。" in rules


def test_article_50_must_be_answered_in_full():
    with pytest.raises(AgendaRuleError, match=r"请回答第五十条第\(三\)项"):
        check_facts(MeetingType.PLENARY, facts(article50={"一": False, "二": False}))


def test_article_50_does_not_bind_vice_mayor_meetings():
    check_facts(MeetingType.VICE_MAYOR_TOPIC, facts(article50={}))


def test_article_49_other_units_must_have_been_consulted():
    with pytest.raises(AgendaRuleError, match="第四十九条.*征求"):
        check_facts(MeetingType.EXECUTIVE, facts(other_units=("区住建委",), opinions_sought=False))


def test_article_49_disagreement_must_be_stated():
    consulted = {"other_units": ("区住建委",), "opinions_sought": True, "opinions_agreed": False}
    with pytest.raises(AgendaRuleError, match="第四十九条.*分歧"):
        check_facts(MeetingType.MAYOR_TOPIC, facts(**consulted))
    check_facts(MeetingType.MAYOR_TOPIC, facts(**consulted, disagreement="区住建委对资金比例有不同意见"))
    check_facts(MeetingType.MAYOR_TOPIC, facts(other_units=("区住建委",), opinions_sought=True, opinions_agreed=True))


@pytest.mark.parametrize("kind", ["major_matter", "normative_document"])
def test_article_51_legality_review_required(kind):
    with pytest.raises(AgendaRuleError, match="第五十一条.*合法性审查意见"):
        check_facts(MeetingType.EXECUTIVE, facts(**{kind: True}))
    with pytest.raises(AgendaRuleError, match="第五十一条"):
        check_facts(MeetingType.EXECUTIVE, facts(**{kind: True}, legality_review=LEGALITY_ATTACHED))  # no file
    check_facts(MeetingType.EXECUTIVE, facts(**{kind: True}, legality_review=LEGALITY_HANDED_IN))
    check_facts(MeetingType.EXECUTIVE, facts(**{kind: True}, legality_review=LEGALITY_ATTACHED, legality_file_id="F1"))


def test_summary_is_required():
    with pytest.raises(AgendaRuleError, match="主要内容"):
        check_facts(MeetingType.EXECUTIVE, facts(summary="  "))


def test_deadline_exactly_three_days_before_is_on_time():
    assert check_deadline(due_at=DUE, submitted_at=DUE, facts=facts(), due_text="x") is False


def test_deadline_two_days_23_hours_before_is_late():
    with pytest.raises(AgendaRuleError, match="第四十八条.*特殊紧急情况"):
        check_deadline(due_at=DUE, submitted_at=DUE + timedelta(hours=1), facts=facts(), due_text="x")


def test_late_item_passes_only_as_urgent_with_a_reason():
    late = DUE + timedelta(hours=1)
    with pytest.raises(AgendaRuleError, match="紧急理由"):
        check_deadline(due_at=DUE, submitted_at=late, facts=facts(urgent=True, urgent_reason=" "), due_text="x")
    assert check_deadline(due_at=DUE, submitted_at=late, facts=facts(urgent=True, urgent_reason="汛期抢险"), due_text="x")


def test_no_deadline_where_the_rule_sets_none():
    assert check_deadline(due_at=None, submitted_at=DUE, facts=facts(), due_text="") is False


@pytest.mark.parametrize(("changes", "what"), [
    ({"summary": "内容" * 800}, "主要内容"),
    ({"other_units": ("区发改委",), "opinions_sought": True, "disagreement": "分歧" * 800}, "分歧"),
    ({"other_units": tuple(f"单位{n:03d}" for n in range(200)), "opinions_sought": True, "opinions_agreed": True},
     "涉及单位"),
])
def test_texts_that_would_not_fit_the_reviewers_message_are_refused(changes, what):
    # The review request carries these texts; past Telegram's 4096 characters it would never arrive.
    with pytest.raises(AgendaRuleError, match=what):
        check_facts(MeetingType.EXECUTIVE, facts(**changes))


def test_an_overlong_urgent_reason_is_refused():
    with pytest.raises(AgendaRuleError, match="紧急理由"):
        check_deadline(due_at=DUE, submitted_at=DUE + timedelta(hours=1), due_text="",
                       facts=facts(urgent=True, urgent_reason="紧急" * 400))
