"""The one-line leave form: `/leave 出差 2026-12-01 2026-12-03 上海 参加长三角协作会`.

Fields in order: kind, start, [end], [destination or meeting], reason. A date's 上午 / 下午 may be
written with it or apart (12月28日下午, 12月28日 下午). The end may be left out
(one day) or be 半天 (half a day on the start date, whose 上午 / 下午 must then be given). 出差 and
离京出访 take a destination and 会议请假 the meeting's name before the reason; for 休假 and 脱产学习
a place is optional (two words or more after the dates: the first is the place).
Try it::

    >>> from datetime import date
    >>> parse_leave_line("休假 明天下午 半天 家中有事", person_id=7, today=date(2026, 11, 26)).end_period
    '下午'
"""

from __future__ import annotations

from datetime import date

from office.dates import AFTERNOON, MORNING, WHOLE_DAY, DateError, DayPart, looks_like_date, parse_day
from office.leave import LeaveError, LeaveRequest, parse_kind
from office.leave_routing import LeaveKind

USAGE = (
    "用法:/leave 类型 开始日期 [结束日期] [目的地/会议名称] 事由\n"
    "例如:/leave 出差 2026-12-01 2026-12-03 上海 参加长三角协作会\n"
    "　　　/leave 会议请假 明天 区政府常务会议 在外调研\n"
    "　　　/leave 休假 下周一 下周三 年休假\n"
    "日期可写 2026-12-01、12月1日、12-01、明天、后天、下周一,可加上午/下午;结束日期写「半天」表示开始日期的半天(开始日期须写明上午或下午)。"
    "\n不带参数发送 /leave 可逐步填写。"
)
HALF_DAY = "半天"
NAMED_PLACE_KINDS = (LeaveKind.TRIP_ABROAD, LeaveKind.BUSINESS_TRIP, LeaveKind.MEETING)


def _day_and_half(words: list[str], today: date) -> tuple[DayPart, list[str]]:
    """The date in words[0] and the words after it; a 上午 / 下午 written apart (12月28日 下午) is its half."""
    part = parse_day(words[0], today=today)
    rest = words[1:]
    if part.period == WHOLE_DAY and rest and rest[0] in (MORNING, AFTERNOON):
        part, rest = DayPart(part.day, rest[0]), rest[1:]
    return part, rest


def parse_leave_line(text: str, *, person_id: int, today: date) -> LeaveRequest:
    """Parse the words after /leave, filed by `person_id`; raises LeaveError (with the usage) if unclear."""
    words = text.split()
    if len(words) < 2:
        raise LeaveError("请写明类型和日期。\n" + USAGE)
    kind = parse_kind(words[0])
    try:
        start, rest = _day_and_half(words[1:], today)
    except DateError as exc:
        raise LeaveError(f"{exc}\n{USAGE}") from None
    end_day, end_period = start.day, start.period
    start_period = start.period
    if rest and rest[0] == HALF_DAY:
        if start.period == WHOLE_DAY:
            raise LeaveError(f"半天请写明上午还是下午,例如:/leave {kind.value} 明天上午 半天 事由\n{USAGE}")
        start_period = end_period = start.period
        rest = rest[1:]
    elif rest and looks_like_date(rest[0], today=today):
        end, rest = _day_and_half(rest, today)
        end_day, end_period = end.day, end.period
    if kind in NAMED_PLACE_KINDS or len(rest) >= 2:
        destination, reason = (rest[0] if rest else ""), " ".join(rest[1:])
    else:
        destination, reason = "", " ".join(rest)
    return LeaveRequest(
        person_id=person_id,
        kind=kind.value,
        start=start.day,
        start_period=start_period,
        end=end_day,
        end_period=end_period,
        destination=destination,
        reason=reason,
    )
