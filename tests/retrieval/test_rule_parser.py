"""The parser: both numbering styles, the paragraph fallback, and every quirk of the bundled file."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from retrieval.numerals import chinese_to_int, int_to_chinese
from retrieval.parser import ParseError, RuleParser

FIXTURES = Path(__file__).parent / "fixtures"
BOILERPLATE = ("分享:", "字号:", "主办:", "承办:", "网站标识码", "ICP备", "公网安备", "相关解读", "印发给你们")


@pytest.fixture(scope="module")
def bundled():
    text = resources.files("retrieval").joinpath("corpus/tongzhou-government-work-rules-2022.txt").read_text("utf-8")
    return RuleParser().run(text, key="tongzhou")


@pytest.mark.parametrize(("text", "number"), [("一", 1), ("十", 10), ("十二", 12), ("四十八", 48), ("八十五", 85), ("一百零五", 105)])
def test_chinese_numerals_round_trip(text: str, number: int) -> None:
    assert chinese_to_int(text) == number
    assert int_to_chinese(number) == text


def test_bundled_rule_book_has_85_articles_in_18_chapters(bundled) -> None:
    assert [a.number for a in bundled.articles] == list(range(1, 86))
    assert len(bundled.chapters) == 18
    assert bundled.title == "通州区人民政府工作规则"
    assert bundled.number == "通政发〔2022〕1号"
    assert bundled.article(48).label == "第四十八条"
    assert bundled.article(48).chapter == "第十章 会议制度"


def test_no_web_boilerplate_in_any_article(bundled) -> None:
    for article in bundled.articles:
        for word in BOILERPLATE:
            assert word not in article.text, (article.label, word)
    assert bundled.article(85).text.endswith("同时废止。")


def test_en_space_indented_articles_are_found_and_stripped(bundled) -> None:
    # 五十一 is indented with EN SPACEs (U+2002) in the source.
    article = bundled.article(51)
    assert article.text.startswith("提请区政府常务会议")
    assert "\u2002" not in "".join(a.text for a in bundled.articles)


def test_irregular_chapter_headings(bundled) -> None:
    assert bundled.article(74).chapter == "第十七章 作风和纪律"  # 第十七章作风和纪律, no space
    assert bundled.article(85).chapter == "第十八章"  # empty title
    assert bundled.article(1).chapter == "第一章 总则"  # 总 则, spaced


def test_sub_items_including_the_empty_parentheses_item(bundled) -> None:
    items = bundled.article(50).items
    assert len(items) == 6
    assert items[4].startswith("()") and "涉及公众切身利益" in items[4]
    assert items[0].startswith("(一)") and items[5].startswith("(六)")


def test_digits_without_separators_are_kept_verbatim(bundled) -> None:
    assert "(20212025年)" in bundled.article(15).text
    assert "30日内" in bundled.article(17).text


def test_enum_fixture_with_all_quirks() -> None:
    doc = RuleParser().run((FIXTURES / "quirks-enum.txt").read_text("utf-8"), key="quirks")
    assert [a.number for a in doc.articles] == [1, 2, 3, 4, 5]
    assert doc.title == "示范区会务规则"
    assert doc.number == "示政发〔2023〕7号"
    assert doc.chapters == ["第一章 总则", "第二章 会议", "第三章 作风和纪律", "第四章"]
    # An out-of-sequence "一、" inside article 二 is body text, not a new article.
    assert "本行不是新条款" in doc.article(2).text
    assert doc.article(3).items[1].startswith("()")
    assert doc.article(3).items[2].startswith("(三)")
    assert "20212025年" in doc.article(1).text
    assert doc.article(5).text == "本规则自发布之日起实行。"


def test_tiao_numbered_document() -> None:
    doc = RuleParser().run((FIXTURES / "office-supplies-rules.txt").read_text("utf-8"), key="supplies")
    assert doc.title == "示范街道办公用品管理办法"
    assert [a.label for a in doc.articles] == ["第一条", "第二条", "第三条", "第四条", "第五条"]
    assert doc.article(3).chapter == "第二章 申领"
    assert "3个工作日内发放" in doc.article(3).text  # the second paragraph stays with its article
    assert len(doc.article(4).items) == 3


def test_plain_paragraphs_fall_back_to_one_article_each() -> None:
    text = "会议室使用须知\n\n会议室需提前一天在系统中预约。\n\n使用后请关闭空调和灯光,保持桌面整洁。\n"
    doc = RuleParser().run(text, key="room")
    assert [a.label for a in doc.articles] == ["第1段", "第2段"]
    assert doc.articles[1].text.startswith("使用后请关闭空调")


@pytest.mark.parametrize("text", ["", "   \n\u2002\n", "短\n字"])
def test_text_without_rules_is_a_parse_error(text: str) -> None:
    with pytest.raises(ParseError):
        RuleParser().run(text, key="empty")
