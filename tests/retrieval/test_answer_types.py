"""Answer types: a question asking for days, a weekday, money … needs an article that states one."""

from __future__ import annotations

import pytest

from retrieval.answer_types import AnswerTypeCheck, asking_clauses


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
        ("常务会议要多少人到会才能开?", "常务会议须有半数以上组成人员出席方能召开。"),
        ("档案保存多少年?", "会议记录保存30年。"),
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
        ("会议纪要要归档保存多少年?", "具体期限"),
        ("全体会议要到多少人才能开?", "具体人数"),
        ("全体会议一般每年几月份开?", "具体月份"),
        ("每个议题汇报限时几分钟?", "具体分钟数"),
    ],
)
def test_an_article_on_the_topic_that_does_not_state_it_leaves_it_missing(check: AnswerTypeCheck, question: str, label: str) -> None:
    topic_only = "区政府常务会议由区长、常务副区长、副区长组成,区长召集和主持。"
    assert check.missing(question, [topic_only]) == (label,)


@pytest.mark.parametrize(
    ("question", "label"),
    [
        ("How many days before a meeting must materials be submitted?", "具体天数"),
        ("What time does the executive meeting start?", "具体时间"),
        ("How long is the probation period?", "具体期限"),
        ("How often does the plenary meeting meet?", "具体次数"),
        ("How many people must attend?", "具体人数"),
    ],
)
def test_an_english_question_asks_for_the_same_kinds(check: AnswerTypeCheck, question: str, label: str) -> None:
    assert check.missing(question, ["区政府常务会议由区长、常务副区长、副区长组成。"]) == (label,)
    assert check.missing(question, ["至少于会议召开前3天报送;每周召开1次;上午9点开始;须有半数以上人员出席。"]) == ()


def test_minutes_are_stated_only_in_minutes(check: AnswerTypeCheck) -> None:
    assert check.missing("每个议题汇报限时几分钟?", ["至少于会议召开前3天报送区政府办公室。"]) == ("具体分钟数",)
    assert check.missing("每个议题汇报限时几分钟?", ["每个议题汇报一般不超过10分钟。"]) == ()


def test_any_cited_article_may_state_it(check: AnswerTypeCheck) -> None:
    texts = ["区长召集和主持常务会议。", "议题材料于会议召开前3天报送。"]
    assert check.missing("常务会材料提前几天报?", texts) == ()


def test_questions_that_ask_for_no_particular_kind_of_answer_are_not_checked(check: AnswerTypeCheck) -> None:
    for question in ("副区长出差跟谁打招呼?", "区政府到底是谁负总责?", "公章谁管?", "第几名?", "过去几年有变化吗?", "这几年考评排第几名?"):
        assert check.asked(question) == ()
        assert check.missing(question, ["无关的文字。"]) == ()


@pytest.mark.parametrize(
    "question",
    ["局长想离京休假几天,请假和报备的程序是怎样的?", "我要请几天假,找谁批?"],
)
def test_a_few_days_told_before_the_question_is_not_asked_for(check: AnswerTypeCheck, question: str) -> None:
    assert check.asked(question) == ()
    assert all("几天" not in clause for clause in asking_clauses(question))


@pytest.mark.parametrize(
    "question",
    ["会议纪要几天印发,谁签发?", "材料提前几天报,报给谁?", "纪要由谁签发,几天内印发?", "休假几天?"],
)
def test_days_asked_before_a_verb_a_deadline_word_or_at_the_end_are_asked_for(check: AnswerTypeCheck, question: str) -> None:
    assert [t.name for t in check.asked(question)] == ["days"]


def test_an_empty_type_list_is_rejected() -> None:
    with pytest.raises(ValueError):
        AnswerTypeCheck(types=())


@pytest.mark.parametrize(
    "question",
    [
        "区长这几天出差,谁主持区政府工作?",  # the coming days, not a number of days
        "最近几天区长不在,谁来主持工作?",
        "请假现在找哪位领导批?",  # which leader, not who holds a post now
        "议题材料要注意哪几点?",  # which points, not a clock time
        "常务会议每周几次?",  # how often, not which weekday
        "区政府各部门报送的公文多长合适?",  # how long a text, not a time limit
    ],
)
def test_words_that_only_look_like_an_asked_detail_ask_for_none(check: AnswerTypeCheck, question: str) -> None:
    assert [t.name for t in check.asked(question) if t.name in ("days", "incumbent", "clock", "weekday", "duration")] == []


@pytest.mark.parametrize(
    ("question", "statement"),
    [
        ("常务会议到会比例是多少?", "必须有半数以上组成人员到会方可召开。"),
        ("政务舆情多少天内回应?", "最迟应在24小时内举行新闻发布会。"),
    ],
)
def test_an_answer_stated_in_other_words_satisfies_the_question(check: AnswerTypeCheck, question: str, statement: str) -> None:
    assert check.missing(question, [statement]) == ()


@pytest.mark.parametrize("statement", ["到2035年基本实现现代化。", "功在当代、利在千年。", "第一时间发布权威信息。"])
def test_years_idioms_and_set_phrases_state_no_time(check: AnswerTypeCheck, statement: str) -> None:
    assert check.missing("试用期多长?", [statement]) == ("具体期限",)
    assert check.missing("食堂几点开饭?", [statement]) == ("具体时间",)


def test_asking_clauses_splits_a_question_that_asks_two_things() -> None:
    assert asking_clauses("常务会议纪要由谁签发,几天内印发?") == ["常务会议纪要由谁签发", "几天内印发"]
    assert asking_clauses("区长出差了,谁主持工作?") == ["谁主持工作"]


def test_people_and_years_are_not_read_into_other_words(check: AnswerTypeCheck) -> None:
    asked = {t.name for q in ("补贴是多少人民币?", "第几年考核?", "过去几年改过吗?") for t in check.asked(q)}
    assert not asked & {"people", "duration"}


def test_a_date_asked_as_month_and_day_is_not_a_number_of_days(check: AnswerTypeCheck) -> None:
    assert [t.name for t in check.asked("全体会议几月几日开?")] == ["month"]
    assert check.missing("全体会议几月几日开?", ["全体会议一般于每年1月召开。"]) == ()


def test_a_day_asked_for_needs_a_time_limit_or_a_date(check: AnswerTypeCheck) -> None:
    assert check.missing("会议纪要最晚哪天印发?", ["区政府常务会议的纪要由区长签发。"]) == ("具体日期",)
    assert check.missing("请示最晚哪天报外事办?", ["均应提前7个工作日以书面形式报区政府外事办。"]) == ()
    assert check.missing("最晚几号备案?", ["自公布之日起30日内备案。"]) == ()
