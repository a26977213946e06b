"""The date grammar people type when filing (office/dates.py) and the one-line /leave form."""

from __future__ import annotations

from datetime import date, time

import pytest

from office.dates import DateError, DayPart, find_moments, format_day, parse_date, parse_day
from office.leave import LeaveError
from office.leave_line import parse_leave_line

TODAY = date(2026, 11, 26)  # a Thursday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-01", date(2026, 12, 1)),
        ("2026/12/1", date(2026, 12, 1)),
        ("2026.12.01", date(2026, 12, 1)),
        ("2026年12月1日", date(2026, 12, 1)),
        ("12月1日", date(2026, 12, 1)),
        ("12月1号", date(2026, 12, 1)),
        ("十二月一日", date(2026, 12, 1)),
        ("十二月二十五日", date(2026, 12, 25)),
        ("12-01", date(2026, 12, 1)),
        ("12/1", date(2026, 12, 1)),
        ("１２月１日", date(2026, 12, 1)),  # full-width digits
        ("今天", date(2026, 11, 26)),
        ("明天", date(2026, 11, 27)),
        ("后天", date(2026, 11, 28)),
        ("大后天", date(2026, 11, 29)),
        ("3天后", date(2026, 11, 29)),
        ("下周一", date(2026, 11, 30)),
        ("下周日", date(2026, 12, 6)),
        ("下下周一", date(2026, 12, 7)),
        ("周五", date(2026, 11, 27)),  # the coming Friday
        ("星期三", date(2026, 12, 2)),  # Wednesday has passed this week: next one
        ("本周三", date(2026, 11, 25)),
        ("1月5日", date(2027, 1, 5)),  # early next year, not last January
        ("11-20", date(2026, 11, 20)),  # a few days ago stays this year (and is then refused as past)
        ("2月29日", date(2028, 2, 29)),
    ],
)
def test_dates(text, expected):
    assert parse_date(text, today=TODAY) == expected


@pytest.mark.parametrize(("text", "period"), [("明天上午", "上午"), ("12月1日下午", "下午"), ("下周一", "全天")])
def test_half_days(text, period):
    assert parse_day(text, today=TODAY).period == period


@pytest.mark.parametrize("text", ["2026-13-01", "2027-02-29", "12月32日", "下周八", "昨儿", "", "上午"])
def test_nonsense_is_refused_with_examples(text):
    with pytest.raises(DateError, match="日期"):
        parse_day(text, today=TODAY)


def test_whole_date_refuses_a_half_day():
    with pytest.raises(DateError, match="上午/下午"):
        parse_date("明天上午", today=TODAY)


def test_format_shows_weekday_and_half():
    assert format_day(date(2026, 12, 1), "上午") == "2026-12-01(周二)上午"


def test_one_line_form_of_the_issue():
    request = parse_leave_line("出差 2026-12-01 2026-12-03 上海 参加长三角协作会", person_id=7, today=TODAY)
    assert (request.kind, request.start, request.end, request.destination, request.reason) == (
        "出差", date(2026, 12, 1), date(2026, 12, 3), "上海", "参加长三角协作会")


def test_one_line_single_day_meeting():
    request = parse_leave_line("会议请假 明天 区政府常务会议 在外地调研 返回不及", person_id=7, today=TODAY)
    assert (request.start, request.end) == (date(2026, 11, 27),) * 2
    assert (request.destination, request.reason) == ("区政府常务会议", "在外地调研 返回不及")


def test_one_line_vacation_without_place():
    request = parse_leave_line("休假 下周一 下周三 年休假", person_id=7, today=TODAY)
    assert (request.destination, request.reason) == ("", "年休假")


def test_one_line_half_day():
    request = parse_leave_line("休假 明天下午 半天 家中有事", person_id=7, today=TODAY)
    assert DayPart(request.start, request.start_period) == DayPart(date(2026, 11, 27), "下午")
    assert request.end_period == "下午"


@pytest.mark.parametrize(("line", "message"), [("出差", "类型和日期"), ("病假 明天 x", "未知的请假类型"),
                                               ("出差 下月 上海 开会", "看不懂日期")])
def test_one_line_errors_say_what_to_fix(line, message):
    with pytest.raises(LeaveError, match=message):
        parse_leave_line(line, person_id=7, today=TODAY)


def test_one_line_half_days_written_apart_from_their_dates():
    request = parse_leave_line("休假 12月28日 下午 12月29日 上午 本市 体检", person_id=7, today=TODAY)
    assert (request.start, request.start_period) == (date(2026, 12, 28), "下午")
    assert (request.end, request.end_period) == (date(2026, 12, 29), "上午")
    assert (request.destination, request.reason) == ("本市", "体检")


def test_one_line_half_day_apart_from_a_single_date():
    request = parse_leave_line("会议请假 明天 下午 区长专题会议 接待检查", person_id=7, today=TODAY)
    assert (request.start, request.start_period, request.end_period) == (date(2026, 11, 27), "下午", "下午")
    assert request.destination == "区长专题会议"


def test_one_line_half_day_without_its_half_is_asked_not_guessed():
    with pytest.raises(LeaveError, match="上午还是下午"):
        parse_leave_line("休假 明天 半天 家中有事", person_id=7, today=TODAY)
    request = parse_leave_line("休假 明天 上午 半天 家中有事", person_id=7, today=TODAY)
    assert (request.start_period, request.end_period, request.reason) == ("上午", "上午", "家中有事")


@pytest.mark.parametrize("text", ["十十月1日", "12月十十日", "二十十日", "十二十月3日"])
def test_malformed_chinese_numerals_are_refused_clearly(text):
    with pytest.raises(DateError, match="不是有效日期|看不懂"):
        parse_day(text, today=date(2026, 11, 26))


@pytest.mark.parametrize("text", ["0001-01-01", "9999-12-31", "1899年12月31日", "2100-01-01"])
def test_absurd_years_are_refused_clearly(text):
    # Year 1 or 9999 are typos; further on they overflow the deadline arithmetic.
    with pytest.raises(DateError, match="年份"):
        parse_day(text, today=TODAY)


# --- dates inside a sentence (find_moments, for the Q&A's computed deadlines) ---------------------


@pytest.mark.parametrize(
    ("sentence", "day", "at"),
    [
        ("下周三的外宾座谈会想请副区长参加", date(2026, 12, 2), None),
        ("下周三上午9点开常务会", date(2026, 12, 2), time(9, 0)),
        ("12月22日下午3点半召开专题会议", date(2026, 12, 22), time(15, 30)),
        ("十二月二十二日上午九点开会", date(2026, 12, 22), time(9, 0)),
        ("2026-12-22 09:00 召开常务会议", date(2026, 12, 22), time(9, 0)),
        ("昨晚10点发生舆情", date(2026, 11, 25), time(22, 0)),
        ("今天上午8点30分出现舆情", date(2026, 11, 26), time(8, 30)),
        ("出差明天结束", date(2026, 11, 27), None),
    ],
)
def test_a_date_and_its_time_are_found_inside_a_sentence(sentence, day, at):
    (moment,) = find_moments(sentence, today=TODAY)
    assert (moment.day, moment.at) == (day, at)


@pytest.mark.parametrize("sentence", ["每周一开常务会吗?", "材料提前3.5天报?", "12月份的会议多吗?", "周几开会?"])
def test_habits_months_and_numbers_are_not_dates(sentence):
    assert find_moments(sentence, today=TODAY) == []
