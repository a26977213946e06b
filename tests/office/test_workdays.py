"""The working-day calendar: official days, 调休, estimated later years, the office's own file."""

from __future__ import annotations

from datetime import date

import pytest

from office.workdays import (
    CHINESECALENDAR,
    HOLIDAYS_PACKAGE,
    OFFICE_FILE,
    WEEKENDS_ONLY,
    CalendarFileError,
    WorkdayCalendar,
    calendar_from_file,
    parse_schedule,
)

CALENDAR = WorkdayCalendar()


@pytest.mark.parametrize(
    ("day", "workday"),
    [
        (date(2026, 10, 1), False),  # 国庆节
        (date(2026, 10, 7), False),
        (date(2026, 10, 10), True),  # 调休: a Saturday worked for 国庆
        (date(2026, 9, 20), True),  # 调休: a Sunday worked
        (date(2026, 10, 11), False),  # an ordinary Sunday
        (date(2026, 11, 26), True),  # an ordinary Thursday
    ],
)
def test_official_days_of_a_known_year(day, workday):
    status = CALENDAR.status(day)
    assert status.workday is workday
    assert status.source == CHINESECALENDAR and not status.estimated


def test_seven_working_days_back_across_national_day_and_a_worked_saturday():
    # 10-13, 10-12, 10-10 (调休 Saturday), 10-09, 10-08, then 国庆 is skipped: 09-30, 09-29.
    assert CALENDAR.add_working_days(date(2026, 10, 14), -7) == date(2026, 9, 29)


def test_counting_forward_skips_the_holiday():
    assert CALENDAR.add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert CALENDAR.next_workday(date(2026, 10, 3)) == date(2026, 10, 8)
    assert CALENDAR.next_workday(date(2026, 10, 10)) == date(2026, 10, 10)


def test_a_year_the_official_package_does_not_know_falls_back_visibly():
    national_day = CALENDAR.status(date(2027, 10, 1))
    assert national_day.workday is False
    assert national_day.source == HOLIDAYS_PACKAGE and national_day.estimated
    assert CALENDAR.estimated_between(date(2026, 12, 25), date(2027, 1, 5))
    assert not CALENDAR.estimated_between(date(2026, 12, 1), date(2026, 12, 31))


def test_a_year_beyond_every_package_still_answers_with_weekends():
    assert CALENDAR.status(date(2101, 1, 3)).source == WEEKENDS_ONLY
    assert CALENDAR.is_workday(date(2101, 1, 3)) is True  # a Monday
    assert CALENDAR.is_workday(date(2101, 1, 2)) is False  # a Sunday
    assert CALENDAR.status(date(2101, 1, 3)).estimated


def test_the_office_file_makes_a_new_year_official(tmp_path):
    path = tmp_path / "holidays-2027.txt"
    path.write_text("# 国务院办公厅通知(示例)\n2027-10-01 休 国庆节\n2027-09-26 班 国庆节调休\n2027-10-04 休\n", encoding="utf-8")
    calendar = calendar_from_file(path)
    worked_sunday = calendar.status(date(2027, 9, 26))
    assert worked_sunday.workday and worked_sunday.source == OFFICE_FILE and not worked_sunday.estimated
    assert calendar.is_workday(date(2027, 10, 4)) is False  # a Monday the file gives off
    assert calendar.is_workday(date(2027, 10, 5)) is True  # not in the file: an ordinary Tuesday
    assert not calendar.estimated_between(date(2027, 9, 20), date(2027, 10, 10))
    assert calendar.status(date(2026, 10, 10)).source == CHINESECALENDAR  # other years untouched


def test_no_file_configured_means_the_packages_only():
    assert calendar_from_file(None).schedule is None


@pytest.mark.parametrize("line", ["2027-10-01 放假", "2027/10/01 休", "2027-02-30 休"])
def test_a_bad_file_line_is_named(line):
    with pytest.raises(CalendarFileError, match="第2行"):
        parse_schedule(f"2027-01-01 休 元旦\n{line}\n")


def test_a_file_that_cannot_be_read_is_a_calendar_error_saying_why(tmp_path):
    with pytest.raises(CalendarFileError, match="找不到文件"):
        calendar_from_file(tmp_path / "missing.txt")
    gbk = tmp_path / "holidays.txt"
    gbk.write_bytes("2027-10-01 休 国庆节\n".encode("gbk"))
    with pytest.raises(CalendarFileError, match="不是 UTF-8 文本"):
        calendar_from_file(gbk)
