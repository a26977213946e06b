"""The small date grammar people type when filing: absolute, month-day, relative and weekday forms.

Understood (each optionally followed by 上午 / 下午 for a half day)::

    2026-12-01  2026/12/1  2026.12.1  2026年12月1日  12月1日  12月1号  十二月一日  12-01  12/1
    今天  明天  后天  大后天  3天后  周五  星期五  本周五  下周一  下下周一

`find_moment` finds such a date inside a sentence (a question to the rules Q&A), with the clock
time after it if one is given (上午9点, 下午三点半, 14:30) and the past days an incident is told
with (昨天, 前天, 昨晚).

A year-less date means this year, unless that is more than half a year ago (then next year), so a
date typed a few days late is reported as past instead of silently moving a year ahead.
Try it::

    >>> from datetime import date
    >>> parse_day("下周一下午", today=date(2026, 11, 26))
    DayPart(day=datetime.date(2026, 11, 30), period='下午')
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, time, timedelta

WHOLE_DAY = "全天"
MORNING = "上午"
AFTERNOON = "下午"

WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "末": 5}
RELATIVE_DAYS = {"今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2, "大后天": 3}
DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}

_ISO = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})[日号]?")
_MONTH_DAY = re.compile(r"(\d{1,2})(?:月(\d{1,2})[日号]?|[-/.](\d{1,2}))")
_IN_DAYS = re.compile(r"(\d{1,3})天[后之]后?")
_WEEKDAY = re.compile(r"(下下|下|本|这)?(?:周|星期|礼拜)([一二三四五六日天])")
_CHINESE_NUMBER = re.compile(r"[零〇一二两三四五六七八九十]+")


class DateError(ValueError):
    """Text that is not a date of the grammar; the message (Chinese) shows what is understood."""


@dataclass(frozen=True)
class DayPart:
    day: date
    period: str = WHOLE_DAY  # 全天 | 上午 | 下午


def _chinese_to_int(text: str) -> str:
    """十二 → 12, 三十一 → 31, 五 → 5 (enough for months and days)."""
    if "十" not in text:
        return "".join(str(DIGITS[ch]) for ch in text)
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return text  # 十十、二十十 …: not a number, left for the grammar to refuse
    return str((DIGITS[tens] if tens else 1) * 10 + (DIGITS[ones] if ones else 0))


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
    # Chinese numerals only where a month or day is written (十二月一日), not in 星期一.
    return re.sub(
        r"[零〇一二两三四五六七八九十]+(?=[月日号])",
        lambda m: _chinese_to_int(m.group()),
        text,
    )


FIRST_YEAR, LAST_YEAR = 1900, 2099  # anything else is a typo (and overflows deadline arithmetic)


def _valid(year: int, month: int, day: int, original: str) -> date:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise DateError(f"「{original}」的年份不对,请写 {FIRST_YEAR}—{LAST_YEAR} 年之间的日期")
    try:
        return date(year, month, day)
    except ValueError:
        raise DateError(f"「{original}」不是有效日期") from None


def _year_less(month: int, day: int, today: date, original: str) -> date:
    if (month, day) == (2, 29):
        # Only leap years have it: the next one from this year on.
        year = next(y for y in range(today.year, today.year + 8) if calendar.isleap(y))
        return date(year, 2, 29)
    candidate = _valid(today.year, month, day, original)
    if candidate < today - timedelta(days=183):
        candidate = _valid(today.year + 1, month, day, original)
    return candidate


def _weekday(prefix: str | None, name: str, today: date) -> date:
    target = WEEKDAYS[name]
    monday = today - timedelta(days=today.weekday())
    if prefix in ("下", "下下"):
        weeks = 1 if prefix == "下" else 2
        return monday + timedelta(weeks=weeks, days=target)
    this_week = monday + timedelta(days=target)
    if prefix in ("本", "这"):
        return this_week
    # A bare 周五 means the coming one.
    return this_week if this_week >= today else this_week + timedelta(weeks=1)


def _parse_day(text: str, today: date, original: str) -> date:
    if text in RELATIVE_DAYS:
        return today + timedelta(days=RELATIVE_DAYS[text])
    if match := _ISO.fullmatch(text):
        return _valid(int(match[1]), int(match[2]), int(match[3]), original)
    if match := _MONTH_DAY.fullmatch(text):
        return _year_less(int(match[1]), int(match[2] or match[3]), today, original)
    if match := _IN_DAYS.fullmatch(text):
        return today + timedelta(days=int(match[1]))
    if match := _WEEKDAY.fullmatch(text):
        return _weekday(match[1], match[2], today)
    raise DateError(f"看不懂日期「{original}」,请写成 2026-12-01、12月1日、12-01、明天、下周一 这样的形式")


def parse_day(text: str, *, today: date) -> DayPart:
    """A date with an optional half-day suffix (上午 / 下午)."""
    original = text.strip()
    normalised = _normalise(text)
    period = WHOLE_DAY
    for suffix in (MORNING, AFTERNOON):
        if normalised.endswith(suffix) and len(normalised) > len(suffix):
            normalised, period = normalised[: -len(suffix)], suffix
            break
    return DayPart(_parse_day(normalised, today, original or text), period)


def parse_date(text: str, *, today: date) -> date:
    """A whole date (a half-day suffix is refused here)."""
    part = parse_day(text, today=today)
    if part.period != WHOLE_DAY:
        raise DateError(f"这里只需要日期,不需要上午/下午:「{text.strip()}」")
    return part.day


def looks_like_date(text: str, *, today: date) -> bool:
    try:
        parse_day(text, today=today)
    except DateError:
        return False
    return True


def format_day(day: date, period: str = WHOLE_DAY) -> str:
    """2026-12-01(周二)上午 — how dates are shown back to people."""
    names = "一二三四五六日"
    text = f"{day.isoformat()}(周{names[day.weekday()]})"
    return text if period == WHOLE_DAY else text + period


def half_day_slots(start: date, start_period: str, end: date, end_period: str) -> tuple[int, int]:
    """Half-day slots [first, last] of a span: a day is two slots, morning then afternoon."""
    first = start.toordinal() * 2 + (1 if start_period == AFTERNOON else 0)
    last = end.toordinal() * 2 + (0 if end_period == MORNING else 1)
    return first, last


def day_of_slot(slot: int) -> date:
    return date.fromordinal(slot // 2)


# --- dates inside a sentence -------------------------------------------------------------------

# The forms of `parse_day` as they occur inside a sentence: a month-day needs its 日/号 (12月 alone
# is a month), 12-22 must not touch other digits, and 每周一 is a habit, not a date.
_DAY_IN_TEXT = re.compile(
    r"\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}[日号]?"
    r"|(?<!\d)\d{1,2}月\d{1,2}[日号]"
    r"|(?<![\d.:/-])\d{1,2}[-/]\d{1,2}(?![\d.:/-])"
    r"|大后天|后天|今天|今日|明天|明日|昨天|昨日|前天|[今明昨](?=[早晚])"
    r"|(?<!\d)\d{1,3}天[后之]后?"
    r"|(?<!每)(?:下下|下|本|这)?(?:周|星期|礼拜)[一二三四五六日天](?!年)"
)
PAST_DAYS = {"昨天": -1, "昨日": -1, "前天": -2, "昨": -1}  # an incident is told in the past
_SHORT_DAYS = {"今": "今天", "明": "明天"}  # 今晚, 明早
_CLOCK_AFTER = re.compile(
    r"^(?:的)?(上午|下午|晚上|早上|中午|凌晨|傍晚|早|晚)?"
    r"(?:(\d{1,2})(?:[:：](\d{2})|[点时](?:(半)|(\d{1,2})分?)?))?"
)
_AFTERNOON_WORDS = ("下午", "晚上", "傍晚", "晚")


@dataclass(frozen=True)
class Moment:
    """A date found in a sentence, with its clock time when one follows it (`at`), else its half day."""

    day: date
    at: time | None = None
    period: str = WHOLE_DAY
    text: str = ""  # as written, e.g. 下周三上午9点


def _clock_numerals(text: str) -> str:
    """九点 → 9点, 十点半 → 10点半 (Chinese numerals before 点/时/分)."""
    return re.sub(r"[零〇一二两三四五六七八九十]+(?=[点时分])", lambda m: _chinese_to_int(m.group()), text)


def _clock(match: re.Match[str]) -> tuple[time | None, str]:
    word, hour, minute, half, minutes = match.groups()
    period = MORNING if word in ("上午", "早上", "凌晨", "早") else AFTERNOON if word in (*_AFTERNOON_WORDS, "中午") else WHOLE_DAY
    if hour is None:
        return None, period
    value = int(hour)
    if word in _AFTERNOON_WORDS and value < 12 or word == "中午" and value < 11:
        value += 12
    mins = 30 if half else int(minute or minutes or 0)
    if value > 23 or mins > 59:
        return None, period
    return time(value, mins), WHOLE_DAY


def find_moments(text: str, *, today: date) -> list[Moment]:
    """Every date of the grammar written inside `text`, in order, with the clock time after it.
    Relative dates are read from `today` (the office's date); unreadable candidates are skipped."""
    normalised = _clock_numerals(_normalise_keeping_spaces(text))
    moments = []
    for match in _DAY_IN_TEXT.finditer(normalised):
        written = match.group()
        try:
            if written in PAST_DAYS:
                day = today + timedelta(days=PAST_DAYS[written])
            else:
                day = parse_day(_SHORT_DAYS.get(written, written), today=today).day
        except DateError:
            continue
        rest = normalised[match.end() :].lstrip()
        clock = _CLOCK_AFTER.match(rest)
        if clock is None or not any(clock.groups()):
            moments.append(Moment(day, None, WHOLE_DAY, written))
            continue
        at, period = _clock(clock)
        moments.append(Moment(day, at, period, written + clock.group()))
    return moments


def _normalise_keeping_spaces(text: str) -> str:
    """NFKC and Chinese month/day numerals as digits, like `_normalise`, but spaces kept (2026-12-22 09:00)."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[零〇一二两三四五六七八九十]+(?=[月日号])", lambda m: _chinese_to_int(m.group()), text)
