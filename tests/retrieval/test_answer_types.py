"""Answer types: a question asking for days, a weekday, money … needs an article that states one."""

from __future__ import annotations

import pytest

from retrieval.answer_types import AnswerTypeCheck


@pytest.fixture(scope="module")
def check() -> AnswerTypeCheck:
    return AnswerTypeCheck()


@pytest.mark.parametrize(
    ("question", "statement"),
    [
        ("材料提前几天报?", "至少于会议召开前3天报送区政府办公室。"),
        ("多少个工作日内答复?", "自收到申请之日起20个工作日内予以答复。"),
        ("全体会议一年开几次?", "区政府全体会议一般每年召开1次。"),
        ("常务会多久开一次?", "区政府常务会议一般每周召开1次。"),
        ("综合性文件最多多少字?", "综合性文件一般不超过5000字。"),
        ("舆情几小时内要回应?", "最迟应在24小时内举行新闻发布会。"),
        ("追加预算多少万以上要上会?", "追加预算2000万元以上的事项。"),
    ],
)
def test_an_article_that_states_the_asked_thing_satisfies_the_question(check: AnswerTypeCheck, question: str, statement: str) -> None:
    assert check.asked(question)
    assert check.missing(question, [statement]) == ()


@pytest.mark.parametrize(
    ("question", "label"),
    [
        ("常务会一般星期几开?", "星期几"),
        ("食堂几点开饭?", "具体时间"),
        ("纪要几天内印发?", "具体天数"),
        ("值班电话是多少?", "联系方式或地址"),
        ("公积金缴存比例是多少?", "具体比例"),
        ("现任区长是谁?", "现任人选"),
        ("试用期多长?", "具体期限"),
    ],
)
def test_an_article_on_the_topic_that_does_not_state_it_leaves_it_missing(check: AnswerTypeCheck, question: str, label: str) -> None:
    topic_only = "区政府常务会议由区长、常务副区长、副区长组成,区长召集和主持。"
    assert check.missing(question, [topic_only]) == (label,)


def test_any_cited_article_may_state_it(check: AnswerTypeCheck) -> None:
    texts = ["区长召集和主持常务会议。", "议题材料于会议召开前3天报送。"]
    assert check.missing("常务会材料提前几天报?", texts) == ()


def test_questions_that_ask_for_no_particular_kind_of_answer_are_not_checked(check: AnswerTypeCheck) -> None:
    for question in ("副区长出差跟谁打招呼?", "区政府到底是谁负总责?", "公章谁管?"):
        assert check.asked(question) == ()
        assert check.missing(question, ["无关的文字。"]) == ()


def test_an_empty_type_list_is_rejected() -> None:
    with pytest.raises(ValueError):
        AnswerTypeCheck(types=())
