"""The refusal decision: the answerability model, its fitting, and the policy that applies it."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from retrieval.refusal import FEATURES, AnswerabilityModel, RefusalPolicy
from retrieval.search import ScoredArticle
from retrieval.service import RulesQA

N = len(FEATURES)


def test_a_model_needs_one_value_per_feature_and_a_threshold_below_one() -> None:
    with pytest.raises(ValueError, match="one value per feature"):
        AnswerabilityModel((0.0,) * (N - 1), (1.0,) * N, (0.0,) * N, 0.0, 0.3)
    with pytest.raises(ValueError, match="scales must be > 0"):
        AnswerabilityModel((0.0,) * N, (0.0,) * N, (0.0,) * N, 0.0, 0.3)
    with pytest.raises(ValueError, match="threshold"):
        AnswerabilityModel((0.0,) * N, (1.0,) * N, (0.0,) * N, 0.0, 1.0)


def test_fitting_learns_which_way_each_feature_points() -> None:
    rng = np.random.default_rng(7)
    rows = rng.normal(size=(200, N))
    answerable = rows[:, 0] - rows[:, 5] > 0  # close to the rule book, few unknown words
    model = AnswerabilityModel.fit(rows, answerable, threshold=0.5)
    assert model.weights[0] > 0 > model.weights[5]
    assert ((model.probabilities(rows) >= 0.5) == answerable).mean() > 0.9
    with pytest.raises(ValueError, match="both answerable and unanswerable"):
        AnswerabilityModel.fit(rows, np.ones(200, dtype=bool), threshold=0.5)


def test_the_model_file_round_trips_and_must_name_the_same_features() -> None:
    model = AnswerabilityModel.bundled()
    assert AnswerabilityModel.from_json(model.to_json()) == model
    assert model.fitted_on  # says which question sets it was fitted on
    other = model.to_json() | {"features": list(reversed(FEATURES))}
    with pytest.raises(ValueError, match="other features"):
        AnswerabilityModel.from_json(other)


def test_a_chinese_question_is_refused_below_the_models_threshold(qa: RulesQA) -> None:
    hit = qa.searcher.search("常务会议材料提前几天报送?", k=1)[0]
    model = AnswerabilityModel.bundled()
    probability = model.probability(hit)
    assert 0.05 < probability < 0.95
    assert RefusalPolicy(model=replace(model, threshold=probability + 0.01), answered_from_support=99).refuses(hit)
    assert not RefusalPolicy(model=replace(model, threshold=probability - 0.01), answered_from_support=99).refuses(hit)
    assert RefusalPolicy().refuses(None)


def test_a_question_whose_words_an_article_shares_strongly_is_answered_whatever_the_model_says(qa: RulesQA) -> None:
    hit = qa.searcher.search("印章谁管?", k=1)[0]
    certain_refusal = replace(AnswerabilityModel.bundled(), threshold=0.999)
    policy = RefusalPolicy(model=certain_refusal)
    assert hit.lexical_support >= policy.answered_from_support
    assert not policy.refuses(hit)
    assert RefusalPolicy(model=certain_refusal, answered_from_support=hit.lexical_support + 0.01).refuses(hit)


def _hit(qa: RulesQA, *, dense: float = 0.9, support: float = 1.0, chinese: bool = True) -> ScoredArticle:
    document = qa.searcher.documents[0]
    return ScoredArticle(document, document.articles[0], 1.0, dense, 0.5, "", support, 0.85, chinese,
                         margin=0.1, unknown_share=0.0, question_chars=8)


def test_english_questions_are_answered_above_the_dense_floor_only(qa: RulesQA) -> None:
    policy = RefusalPolicy()
    floor = policy.min_dense_without_lexical
    assert not policy.refuses(_hit(qa, dense=floor + 0.01, support=0.0, chinese=False))
    assert policy.refuses(_hit(qa, dense=floor - 0.01, support=0.0, chinese=False))


def test_a_part_of_a_question_is_cited_when_an_article_shares_its_words(qa: RulesQA) -> None:
    policy = RefusalPolicy()
    assert policy.supports(_hit(qa, support=policy.min_lexical_support))
    assert not policy.supports(_hit(qa, support=policy.min_lexical_support - 0.01))
    part = qa.searcher.search("报谁审批", k=1)[0]
    assert part.lexical_query and policy.supports(part)


@pytest.mark.parametrize("question", ["区政府的停车场收费吗?", "新来的同事工牌去哪里领?"])
def test_questions_near_a_topic_the_rules_do_not_cover_are_refused(qa: RulesQA, question: str) -> None:
    assert not qa.ask(question).answered


@pytest.mark.parametrize("question", ["公章谁管?", "副区长出差跟谁请假?", "领导能不能给企业站台剪彩?"])
def test_short_and_colloquial_questions_the_rules_answer_are_answered(qa: RulesQA, question: str) -> None:
    assert qa.ask(question).answered


def test_an_article_that_never_names_the_asked_thing_weighs_against_answering(qa: RulesQA) -> None:
    searcher = qa.searcher
    assert searcher.asked_words("常务会议在哪个礼堂开?") == ["礼堂"]  # the word right after 哪个
    hall = searcher.search("常务会议在哪个礼堂开?", k=1)[0]  # an article on the meeting, which names no hall
    chair = searcher.search("常务会议由谁主持?", k=1)[0]  # the article says who presides
    assert hall.asked_uncovered == 1.0 and chair.asked_uncovered == 0.0
    # 打招呼 is not in the rules' text, but its glossary rule terms (请示, 请假, 报备) are.
    assert searcher.search("局长出京前要跟谁打招呼?", k=1)[0].asked_uncovered == 0.0
    assert searcher.search("常务会议一般在周一开吗?", k=1)[0].asked_uncovered == 0.0  # asks about no word in particular
    model = AnswerabilityModel.bundled()
    assert model.probability(hall) < model.probability(replace(hall, asked_uncovered=0.0))
