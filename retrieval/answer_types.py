"""What kind of answer a question asks for, and whether an article states one.

A question that asks for a number of days, a weekday, a clock time, an amount of money, a phone
number … (in Chinese, or in English: "how many days", "what time" …) can only be answered by an
article that states such a thing. The rule book often has an
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
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

# A number as the rule books write it: digits or Chinese numerals (3, 三, 十五, 两, 半); a small one
# for durations, so that a year (2035年) or an idiom (千年) is not read as a time limit.
_NUMBER = r"(?:\d+|[一二三四五六七八九十两半百千万]+)"
_SMALL_NUMBER = r"(?<!\d)(?:\d{1,3}|[一二三四五六七八九十两半]+)"
# Any stated time limit: a question for days is answered by "24小时内" as well.
_SPAN = rf"{_SMALL_NUMBER}个?(?:工作日|天|日|小时|周|星期|月|年|分钟)"


@dataclass(frozen=True)
class AnswerType:
    name: str
    label: str  # what the article fails to state, for the reply: 具体天数
    question: re.Pattern[str]  # the question asks for this kind of answer
    statement: re.Pattern[str]  # an article that states one
    # A count in the asked unit itself (3天 for 几天, not 24小时): for counts only, the evidence
    # strong enough to answer from an article ranked a little lower (`ExtractiveAnswerer`).
    count: re.Pattern[str] | None = None


ANSWER_TYPES: tuple[AnswerType, ...] = (
    # Not 每周几次 (how often).
    AnswerType(
        "weekday",
        "星期几",
        re.compile(r"(?:星期|周|礼拜)几(?![次回个])|(?i:which day of the week|what weekday)"),
        re.compile(r"星期[一二三四五六日天]|周[一二三四五六日]"),
    ),
    # Not 哪几点 / 这几点 (which points).
    AnswerType(
        "clock",
        "具体时间",
        re.compile(r"(?<![哪这那])几点|(?i:what time\b)"),
        re.compile(r"\d{1,2}(?:[点时]|[:：]\d\d)|(?:上午|下午|晚上|早上)[一二三四五六七八九十]{1,3}[点时]"),
    ),
    # Not 这几天 / 最近几天 / 过几天 (the coming or recent days); 提前几天, 会前几天, 会后几天 are deadlines.
    AnswerType(
        "days",
        "具体天数",
        re.compile(r"(?<![这那近过头])几天|多少天|几个?工作日|多少个?工作日|(?<!月)几日|(?i:how many (?:working )?days)"),
        re.compile(_SPAN),
        re.compile(rf"(?<!月){_SMALL_NUMBER}个?(?:工作日|天|日)"),  # not the 22日 of 12月22日
    ),
    # A calendar date (哪天报, 几号截止; 几月几日 is `month`): stated by a time limit to count from, a date,
    # or a recurrence.
    AnswerType(
        "date",
        "具体日期",
        re.compile(r"哪一?天|哪一?日(?!子)|(?<!月)几号|(?i:which day\b(?! of the week)|what date|which date)"),
        re.compile(rf"{_SPAN}|\d{{1,2}}月\d{{1,2}}[日号]|\d{{4}}-\d\d-\d\d|每(?:年|月|周|季度|半年)|当[日天]|之日"),
    ),
    AnswerType("hours", "具体小时数", re.compile(r"几个?小时|多少个?小时|(?i:how many hours)"), re.compile(_SPAN),
               re.compile(rf"{_SMALL_NUMBER}个?小时")),
    # A limit in minutes is stated in minutes: an article's "3天" does not say how long a report may take.
    AnswerType("minutes", "具体分钟数", re.compile(r"几分钟|多少分钟"), re.compile(rf"{_SMALL_NUMBER}分钟"),
               re.compile(rf"{_SMALL_NUMBER}分钟")),
    # 几月几日 asks for a date, which a month also answers.
    AnswerType("month", "具体月份", re.compile(r"几月|哪个月|哪一个?月"), re.compile(r"(?<!\d)\d{1,2}月|[一二三四五六七八九十]{1,3}月")),
    AnswerType(
        "times",
        "具体次数",
        re.compile(r"几次|多少次|几回|(?i:how many times|how often)"),
        re.compile(rf"{_NUMBER}次|每(?:年|月|周|季度|半年)"),
        re.compile(rf"{_NUMBER}次"),
    ),
    AnswerType(
        "money",
        "具体金额",
        re.compile(r"多少钱|多少元|多少万|金额|标准是多少|发多少|(?i:how much (?:money|is|are|does|do)\b)"),
        re.compile(rf"{_NUMBER}(?:元|万|亿)"),
        re.compile(rf"{_NUMBER}(?:元|万|亿)"),
    ),
    AnswerType(
        "ratio", "具体比例", re.compile(r"比例|百分之几|百分比|占多少|几成"), re.compile(r"\d+%|百分之|分之|比例|半数|过半|多数")
    ),
    AnswerType(
        "contact",
        "联系方式或地址",
        re.compile(r"电话|号码|邮编|邮政编码|地址|网址|邮箱"),
        re.compile(r"\d{5,}|电话|地址|网址|邮箱"),
    ),
    # 多长 alone asks for a time only at the end of the question (试用期多长?), not in 公文多长合适.
    # Not 这几年 / 近几年 (the recent years).
    AnswerType(
        "duration",
        "具体期限",
        re.compile(r"多久|多长时间|多长(?=\s*[?。]?\s*$)|多少年|(?<![这那近前过去第])几年|(?i:how long|how many (?:years|months|weeks))"),
        re.compile(rf"{_SPAN}|每(?:年|月|周|季度|半年)"),
    ),
    AnswerType(
        "people", "具体人数", re.compile(r"多少个?人(?![民事])|多少名|几个人|(?<!第)几人|(?<!第)几名|人数|(?i:how many (?:people|persons|members))"),
        re.compile(rf"{_NUMBER}(?:个人|人|名)|半数|过半|多数|三分之二|全体"),
        re.compile(rf"{_NUMBER}(?:个人|人|名)"),
    ),
    # Rule books name posts, not the people who hold them now ("现在的区长是谁?", not "现在找哪位领导批?").
    AnswerType(
        "incumbent",
        "现任人选",
        re.compile(r"(?:现任|现在的?|目前的?|当前的?|如今的?)[^?,。]{0,12}(?:是谁|是哪位|叫什么)"),
        re.compile(r"[\u4e00-\u9fff]{2,3}同志"),
    ),
    AnswerType("words", "具体字数", re.compile(r"多少字|几个字|(?i:how many (?:words|characters))"), re.compile(rf"{_NUMBER}字"),
               re.compile(rf"{_NUMBER}字")),
    AnswerType("pages", "具体页数", re.compile(r"几页|多少页|(?i:how many pages)"), re.compile(rf"{_NUMBER}页"),
               re.compile(rf"{_NUMBER}页")),
)


_CLAUSE_END = re.compile(r"[,;?。]")  # after NFKC, which makes ，；？ ASCII
_ASKS = re.compile(r"谁|什么|哪|怎么|怎样|如何|咋|吗|是否|能否|能不能|要不要|可不可以|多少|几|多久|多长")
# In "局长想离京休假几天,请假的程序是怎样的?" 几天 says "a few days": after its verb (休假几天,
# 请几天假), in a clause that another clause's question follows and that has no deadline word
# (提前几天, 会后几天内), it asks for nothing. Before a verb (纪要几天印发) it asks.
_A_FEW_DAYS = re.compile(r"几天(?=假|[,;。]|$)")
_DEADLINE_WORD = re.compile(r"提前|前|后|内|截止|最晚|最迟|至少|最多|超过|以上")


def asking_clauses(question: str) -> list[str]:
    """The clauses of a question that ask something ("纪要由谁签发,几天内印发?" → both; in
    "想休假几天,找谁批?" only the second)."""
    question = _without_a_few_days(_ascii_punctuation(question))
    return [clause for clause in _CLAUSE_END.split(question) if _ASKS.search(clause)]


def _without_a_few_days(question: str) -> str:
    """The question with 几天 taken out of the clauses where it says "a few days" (see _DEADLINE_WORD)."""
    clauses = re.split(r"(?<=[,;?。])", question)
    for i, clause in enumerate(clauses):
        later = "".join(clauses[i + 1 :]).replace("几", "")
        if _A_FEW_DAYS.search(clause) and not _DEADLINE_WORD.search(clause) and _ASKS.search(later):
            clauses[i] = _A_FEW_DAYS.sub("", clause)
    return "".join(clauses)


def _ascii_punctuation(text: str) -> str:
    """？，；： and full-width digits as ASCII (NFKC): the patterns here are written in ASCII."""
    return unicodedata.normalize("NFKC", text)


class AnswerTypeCheck:
    """Finds the answer types a question asks for and those that none of the given texts states."""

    def __init__(self, types: Sequence[AnswerType] = ANSWER_TYPES) -> None:
        if not types:
            raise ValueError("at least one answer type is needed")
        self.types = tuple(types)

    def asked(self, question: str) -> tuple[AnswerType, ...]:
        question = _without_a_few_days(_ascii_punctuation(question))
        return tuple(t for t in self.types if t.question.search(question))

    def missing(self, question: str, texts: Sequence[str]) -> tuple[str, ...]:
        """Labels of the asked answer types that none of `texts` states (empty: nothing missing)."""
        return tuple(t.label for t in self.asked(question) if not any(t.statement.search(text) for text in texts))
