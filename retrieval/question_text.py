"""Whether a message asks something the rules Q&A can search for, or is noise: a number (4, １２３),
a bare date (12月22日), a greeting or one English word (hello), markup (<b>x</b> &amp;), code (SQL).
Such a message is not searched: the asker gets 「没看懂,可以这样问:…」 with examples instead of an
article cited with confidence.

Example::

    asks_something("常务会议材料提前几天报送?")   # True
    asks_something("12月22日")                    # False
    asks_something("How many days before a meeting must materials be submitted?")   # True
    question_parts("全体会一年开几次?常务会一年至少请几次代表列席?")   # ['全体会一年开几次', '常务会一年至少请几次代表列席']
"""

from __future__ import annotations

import html
import re
import unicodedata

NOT_UNDERSTOOD = (
    "没看懂,可以这样问:\n"
    "• 常务会议材料提前几天报送?\n"
    "• 副区长出差要向谁请示?\n"
    "• 下周三的外事活动,书面请示最晚哪天报外事办?"
)

_TAG = re.compile(r"<[^>]{0,200}>")
# Dates, times and numbers say when or how much, not what is asked about.
_DATE_OR_NUMBER = re.compile(
    r"\d+\s*(?:年|月|日|号|点|时|分|天|周)?|[今明昨后前]天|大后天|(?:下下|下|本|这)?(?:周|星期|礼拜)[一二三四五六日天]"
)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# A sentence in English has some of its small words; a keyword, a name or code has none.
_ENGLISH_FUNCTION_WORDS = frozenset(
    "how what who whom whose when where which why is are was were do does did can could must should may might "
    "will would need needs have has the a an to of for in on at by with about before after if any my our we i you "
    "it this that there".split()
)
# Code pasted by mistake or on purpose: SQL statements, shell or program text.
_CODE = re.compile(
    r"\b(?:select\b.+\bfrom|insert\s+into|delete\s+from|drop\s+(?:table|database)|update\b.+\bset|union\s+select)\b"
    r"|[;{}]\s*--|\bor\s+1\s*=\s*1\b|\$\(|&&|\|\|",
    re.IGNORECASE,
)
_PART_END = re.compile(r"[?;？；]")
_CONTENT = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
MIN_PART_CHARS = 6  # a shorter piece ("好吗?") does not ask a question of its own
MIN_CJK = 2  # a single character (好, 嗯) asks nothing
MIN_ENGLISH_WORDS = 3


def asks_something(text: str) -> bool:
    """The message has words to search for: at least two Chinese characters once dates and numbers
    are left out, or an English question (two words or more and a question mark, or three words or
    more, some of them small words) that is not code."""
    plain = html.unescape(_TAG.sub(" ", unicodedata.normalize("NFKC", text)))
    if _CODE.search(plain):
        return False
    if len(_CJK.findall(_DATE_OR_NUMBER.sub(" ", plain))) >= MIN_CJK:
        return True
    if _CJK.search(plain):
        return False
    words = [word.lower() for word in _LATIN_WORD.findall(plain)]
    if len(words) >= 2 and plain.rstrip().endswith("?"):  # "Leave approval?"
        return True
    return len(words) >= MIN_ENGLISH_WORDS and any(word in _ENGLISH_FUNCTION_WORDS for word in words)


def question_parts(text: str, *, min_chars: int = MIN_PART_CHARS) -> list[str]:
    """The parts of a question that asks several things ("…几天报?…报谁批?"), split at question marks
    and semicolons; pieces with fewer than `min_chars` characters of content are dropped. One part:
    nothing to split."""
    return [part for part in _PART_END.split(text) if len(_CONTENT.findall(part)) >= min_chars]
