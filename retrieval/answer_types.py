"""What kind of answer a question asks for, and whether an article states one.

A question that asks for a number of days, a weekday, a clock time, an amount of money, a phone
number … can only be answered by an article that states such a thing. The rule book often has an
article on the right topic that does not ("区长专题会议的纪要几天内印发?": article 54 says who signs
the minutes, not when they go out); quoting it as the answer would mislead, so such a question is
answered 未在规则中找到相关规定 with the article listed as possibly related.

Example::

    check = AnswerTypeCheck()
    check.asked("常务会一般星期几开?")                         # (AnswerType(name='weekday', …),)
    check.missing("常务会一般星期几开?", ["区政府常务会议一般每周召开一次。"])   # ('星期几',)
    check.missing("材料提前几天报?", ["议题材料须会前3天报送。"])              # ()
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# A number as the rule books write it: digits or Chinese numerals (3, 三, 十五, 两, 半).
_NUMBER = r"(?:\d+|[一二三四五六七八九十两半百千万]+)"


@dataclass(frozen=True)
class AnswerType:
    name: str
    label: str  # what the article fails to state, for the reply: 具体天数
    question: re.Pattern[str]  # the question asks for this kind of answer
    statement: re.Pattern[str]  # an article that states one


ANSWER_TYPES: tuple[AnswerType, ...] = (
    AnswerType("weekday", "星期几", re.compile(r"星期几|周几|礼拜几"), re.compile(r"星期[一二三四五六日天]|周[一二三四五六日]")),
    AnswerType("clock", "具体时间", re.compile(r"几点"), re.compile(rf"{_NUMBER}(?:点|时)|\d{{1,2}}:\d\d")),
    AnswerType(
        "days",
        "具体天数",
        re.compile(r"几天|多少天|几个?工作日|多少个?工作日|几日"),
        re.compile(rf"{_NUMBER}个?(?:工作日|天|日)"),
    ),
    AnswerType("hours", "具体小时数", re.compile(r"几个?小时|多少个?小时"), re.compile(rf"{_NUMBER}个?小时")),
    AnswerType("times", "具体次数", re.compile(r"几次|多少次|几回"), re.compile(rf"{_NUMBER}次|每(?:年|月|周|季度|半年)")),
    AnswerType("money", "具体金额", re.compile(r"多少钱|多少元|多少万|金额|标准是多少|发多少"), re.compile(rf"{_NUMBER}(?:元|万|亿)")),
    AnswerType("ratio", "具体比例", re.compile(r"比例|百分之几|百分比|占多少|几成"), re.compile(r"\d+%|百分之|分之|比例")),
    AnswerType(
        "contact",
        "联系方式或地址",
        re.compile(r"电话|号码|邮编|邮政编码|地址|网址|邮箱"),
        re.compile(r"\d{5,}|电话|地址|网址|邮箱"),
    ),
    AnswerType(
        "duration",
        "具体期限",
        re.compile(r"多久|多长时间|多长"),
        re.compile(rf"{_NUMBER}个?(?:工作日|天|日|周|星期|月|年|小时|分钟)|每(?:年|月|周|季度|半年)"),
    ),
    # Rule books name posts, not the people who hold them now.
    AnswerType(
        "incumbent",
        "现任人选",
        re.compile(r"(?:现任|现在的?|目前的?|当前的?|如今的?)[^??,,。]{0,12}(?:是谁|是哪位|哪位|叫什么)"),
        re.compile(r"[\u4e00-\u9fff]{2,3}同志"),
    ),
    AnswerType("words", "具体字数", re.compile(r"多少字|几个字"), re.compile(rf"{_NUMBER}字")),
    AnswerType("pages", "具体页数", re.compile(r"几页|多少页"), re.compile(rf"{_NUMBER}页")),
)


class AnswerTypeCheck:
    """Finds the answer types a question asks for and those that none of the given texts states."""

    def __init__(self, types: Sequence[AnswerType] = ANSWER_TYPES) -> None:
        if not types:
            raise ValueError("at least one answer type is needed")
        self.types = tuple(types)

    def asked(self, question: str) -> tuple[AnswerType, ...]:
        return tuple(t for t in self.types if t.question.search(question))

    def missing(self, question: str, texts: Sequence[str]) -> tuple[str, ...]:
        """Labels of the asked answer types that none of `texts` states (empty: nothing missing)."""
        return tuple(t.label for t in self.asked(question) if not any(t.statement.search(text) for text in texts))
