"""The Q&A engine over the bundled rule book: cited answers, refusal, follow-ups, bad input."""

from __future__ import annotations

from dataclasses import replace

from concurrent.futures import ThreadPoolExecutor

import pytest

from retrieval.answer import NOT_FOUND
from retrieval.answering import ExtractiveAnswerer
from retrieval.refusal import AnswerabilityModel, RefusalPolicy
from retrieval.search import ScoredArticle, clean_question
from retrieval.question_text import question_parts
from retrieval.service import QuestionError, RulesQA, _is_follow_up

DOC = "tongzhou-government-work-rules-2022"


@pytest.mark.parametrize(
    ("question", "article", "fact"),
    [
        ("副区长要出差,需要向谁请示?", 82, "应事前向区长请示"),
        ("常务会议的会议材料至少提前几天报送?", 48, "至少于会议召开前3天报送区政府办公室"),
        ("使用区政府领导个人印章需要谁同意?", 61, "须经区政府领导本人同意后"),
    ],
)
def test_answers_quote_and_cite_the_article(qa: RulesQA, question: str, article: int, fact: str) -> None:
    answer = qa.ask(question)
    assert answer.answered
    primary = answer.citations[0]
    assert (primary.article, primary.document) == (article, "通州区人民政府工作规则")
    assert primary.label.startswith("第") and primary.label.endswith("条")
    assert fact in answer.text
    assert answer.summary.startswith(f"依据{primary.label}")
    assert answer.passages[0].highlights and all(h in answer.passages[0].text for h in answer.passages[0].highlights)


def test_several_articles_can_support_one_answer(qa: RulesQA) -> None:
    answer = qa.ask("区政府常务会议由哪些人组成?")
    assert 46 in [c.article for c in answer.citations]
    assert len(answer.citations) <= 3


def test_english_question_finds_the_article(qa: RulesQA) -> None:
    answer = qa.ask("Who presides over the district government plenary meeting?")
    assert 45 in [c.article for c in answer.citations]


def test_an_english_question_for_days_is_answered_by_the_article_that_states_them(qa: RulesQA) -> None:
    # 第五十六条 (提前汇报, no number of days) ranks a little above 第四十八条 for this question.
    answer = qa.ask("How many days before a meeting must materials be submitted?")
    assert answer.answered and answer.citations[0].article == 48
    assert "至少于会议召开前3天报送区政府办公室" in answer.text


def test_an_english_question_for_a_detail_the_rules_do_not_state_is_refused(qa: RulesQA) -> None:
    answer = qa.ask("How many days of annual leave does a department head get per year?")
    assert not answer.answered
    assert "具体天数" in answer.summary


def _ranked(qa: RulesQA, *scored: tuple[int, float]) -> list[ScoredArticle]:
    document = qa.searcher.documents[0]
    article = {a.number: a for a in document.articles}
    return [
        ScoredArticle(document, article[number], score, 0.9, 0.5, "", 1.0, 0.9, True, margin=0.1, unknown_share=0.0, question_chars=12)
        for number, score in scored
    ]


def test_a_close_runner_up_that_states_the_asked_detail_answers_first(qa: RulesQA) -> None:
    answerer = ExtractiveAnswerer(RefusalPolicy(model=replace(AnswerabilityModel.bundled(), threshold=0.0)))  # never refuses
    question = "议题材料提前几天报?"
    answer = answerer.run(question, _ranked(qa, (56, 1.0), (48, 0.81)))  # 56 states no days, 48 does
    assert [c.article for c in answer.citations][:2] == [48, 56]
    far = answerer.run(question, _ranked(qa, (56, 1.0), (48, 0.79)))
    assert not far.answered and "具体天数" in far.summary
    stated = answerer.run("常务会议由谁主持?", _ranked(qa, (46, 1.0), (48, 0.99)))  # asks for no detail
    assert stated.citations[0].article == 46


def test_a_few_days_mentioned_in_passing_is_not_reported_as_unstated(qa: RulesQA) -> None:
    answer = qa.ask("副区长想出京休假几天,要走什么请假程序?")
    assert answer.answered and answer.citations[0].article == 82
    assert "具体天数" not in answer.summary


@pytest.mark.parametrize("question", ["明天北京的天气怎么样?", "附近哪家火锅店好吃?"])
def test_questions_the_rules_do_not_cover_are_refused(qa: RulesQA, question: str) -> None:
    answer = qa.ask(question)
    assert not answer.answered
    assert answer.summary == NOT_FOUND
    assert answer.passages == ()
    assert len(answer.related) <= 3
    assert "可能相关" in answer.text


def test_follow_up_uses_the_previous_question(qa: RulesQA) -> None:
    answer = qa.ask("那副区长呢?", context="区长离京出访要向谁请示?")
    assert answer.citations[0].article == 82


def test_elliptical_follow_up_is_read_with_the_previous_question(qa: RulesQA) -> None:
    answer = qa.ask("那副区长呢?", context="区长出差要向谁请示?")
    assert answer.answered
    assert answer.citations[0].label == "第八十二条"


@pytest.mark.parametrize("previous", ["请假要提前几天?", "副区长休假要向谁请示?"])
def test_unrelated_short_question_after_another_is_judged_on_its_own(qa: RulesQA, previous: str) -> None:
    answer = qa.ask("今天天气怎么样", context=previous)
    assert not answer.answered
    assert answer.summary == NOT_FOUND
    assert answer.passages == ()


def test_follow_up_that_stands_alone_ignores_the_previous_question(qa: RulesQA) -> None:
    alone = qa.ask("那常务会议材料提前几天报送?")
    with_context = qa.ask("那常务会议材料提前几天报送?", context="副区长休假要向谁请示?")
    assert with_context.answered
    assert [c.article for c in with_context.citations] == [c.article for c in alone.citations]
    assert with_context.citations[0].article == 48


@pytest.mark.parametrize(
    ("question", "elliptical"),
    [
        ("那副区长呢?", True),
        ("副区长呢", True),
        ("还有专题会议", True),
        ("另外,纪要谁签发?", True),
        ("副区长也一样吗?", True),
        ("今天天气怎么样", False),
        ("公章谁管?", False),
        ("常务会议材料提前几天报送?", False),
    ],
)
def test_which_questions_look_elliptical(question: str, elliptical: bool) -> None:
    assert _is_follow_up(question) is elliptical


def test_json_contract(qa: RulesQA) -> None:
    data = qa.ask("常务会议的会议材料至少提前几天报送?").to_json()
    assert set(data) == {"question", "answered", "answer", "citations"}
    assert data["answered"] is True
    citation = data["citations"][0]
    assert set(citation) == {"document", "article", "label", "chapter", "score"}
    assert (citation["article"], citation["label"], citation["chapter"]) == (48, "第四十八条", "第十章 会议制度")
    scores = [c["score"] for c in data["citations"]]
    assert scores == sorted(scores, reverse=True)


def test_full_article_for_the_button(qa: RulesQA) -> None:
    passage = qa.article(DOC, 50)
    assert passage is not None and passage.citation.label == "第五十条"
    assert passage.text.count("\n") == 6  # lead sentence + six sub-items
    assert qa.article(DOC, 86) is None
    assert qa.article("no-such-document", 1) is None


@pytest.mark.parametrize("question", ["", "   \n\t", "😀😀🎉", "?!。。"])
def test_unsearchable_questions_raise_a_chinese_message(qa: RulesQA, question: str) -> None:
    with pytest.raises(QuestionError, match="问题"):
        qa.ask(question)


def test_very_long_and_markup_questions_are_answered(qa: RulesQA) -> None:
    long_answer = qa.ask("使用区政府领导个人印章需要谁同意?" + "啊" * 10_000)
    assert long_answer.citations[0].article == 61
    html = qa.ask("<b>使用区政府领导个人印章</b>需要<i>谁同意</i>?<script>x</script>")
    assert html.citations[0].article == 61
    assert html.question.startswith("<b>")  # the caller escapes; the engine keeps the text as asked


def test_ask_is_safe_from_several_threads(qa: RulesQA) -> None:
    questions = ["副区长要出差,需要向谁请示?", "使用区政府领导个人印章需要谁同意?"] * 4
    expected = [qa.ask(q).citations[0].article for q in questions]
    with ThreadPoolExecutor(max_workers=4) as pool:
        got = list(pool.map(lambda q: qa.ask(q).citations[0].article, questions))
    assert got == expected


def test_question_asking_two_things_cites_both_articles(qa: RulesQA) -> None:
    answer = qa.ask("规范性文件多少天内备案?常务会议的纪要由谁签发?")
    cited = [c.article for c in answer.citations]
    assert 17 in cited and 54 in cited
    assert "30日内" in answer.text and "由区长签发" in answer.text


@pytest.mark.parametrize(
    ("question", "missing", "related"),
    [
        ("常务会一般是星期几开?", "星期几", 46),  # the rules say weekly, not which day
        ("区长专题会议的纪要一般几天内印发?", "具体天数", 54),  # article 54 says who signs, not when
    ],
)
def test_a_detail_the_articles_do_not_state_is_refused_naming_it(qa: RulesQA, question: str, missing: str, related: int) -> None:
    answer = qa.ask(question)
    assert not answer.answered
    assert answer.summary.startswith(NOT_FOUND) and missing in answer.summary
    assert answer.passages == ()
    assert related in [c.article for c in answer.related]


def test_the_same_topic_with_a_stated_detail_is_answered(qa: RulesQA) -> None:
    answer = qa.ask("常务会多久开一次?")
    assert answer.answered
    assert answer.citations[0].article == 46
    assert "每周" in answer.text


@pytest.mark.parametrize("question", ["常务会议纪要由谁签发,几天内印发?", "常务会议纪要由谁签发\uff0c几天内印发\uff1f"])
def test_a_question_asking_two_things_is_answered_and_says_which_detail_is_missing(qa: RulesQA, question: str) -> None:
    # The second form is typed with full-width punctuation (，？), as a Chinese keyboard does.
    answer = qa.ask(question)
    assert answer.answered and answer.citations[0].article == 54
    assert "区长签发" in answer.text and "规则未写明具体天数" in answer.summary


@pytest.mark.parametrize("question", ["印章谁管?", "纪要谁签?", "请假找谁?"])
def test_short_questions_sharing_the_rule_books_words_are_answered(qa: RulesQA, question: str) -> None:
    assert qa.ask(question).answered


def test_full_width_question_marks_split_a_two_part_question() -> None:
    cleaned = clean_question("全体会一年开几次\uff1f常务会一年至少请几次代表列席\uff1f")
    assert question_parts(cleaned) == ["全体会一年开几次", "常务会一年至少请几次代表列席"]


@pytest.mark.parametrize(
    "noise", ["4", "hello", "12月22日", "１２３", "<b>x</b> &amp;", "SELECT * FROM users WHERE id=1; DROP TABLE users;--"]
)
def test_a_message_without_a_question_gets_examples_instead_of_an_article(qa: RulesQA, noise: str) -> None:
    with pytest.raises(QuestionError, match="没看懂,可以这样问") as refused:
        qa.ask(noise)
    assert "常务会议材料提前几天报送?" in str(refused.value)


@pytest.mark.parametrize("previous", ["副区长请假找谁?", "请假找谁批?"])
def test_a_follow_up_keeps_the_previous_answers_article_when_it_names_the_new_subject(qa: RulesQA, previous: str) -> None:
    assert qa.ask(previous).citations[0].article == 82
    answer = qa.ask("那部门一把手呢?", context=previous)
    assert answer.citations[0].article == 82  # 行政正职 …向区长、分管副区长请假, not 第五十三条's 会议请假


def test_a_follow_up_moves_on_when_the_previous_article_does_not_name_the_new_subject(qa: RulesQA) -> None:
    assert qa.ask("区长出差要向谁请示?").citations[0].article == 7
    assert qa.ask("那副区长呢?", context="区长出差要向谁请示?").citations[0].article == 82  # 常务副区长 is not 副区长


def test_a_follow_up_embeds_the_previous_question_once_and_its_own_words_once(qa: RulesQA, monkeypatch) -> None:
    embeddings = qa.searcher.embeddings
    embedded: list[str] = []
    embed = embeddings.embed_query
    monkeypatch.setattr(embeddings, "embed_query", lambda text: embedded.append(text) or embed(text))
    answer = qa.ask("那部门一把手呢?", context="副区长请假找谁?")
    assert answer.citations[0].article == 82
    asked = [text.rstrip("?") for text in embedded]
    assert len(asked) == len(set(asked))  # no question embedded twice, with or without its question mark
    assert not any("副区长请假找谁" in text and "一把手" in text for text in embedded)  # read as its two questions
