"""The official Chinese working-day calendar: weekends, public holidays and 调休 working weekends.

Sources, first match wins for a day's year:

1. the office's schedule file (`HOLIDAY_CALENDAR_FILE`), for the years it lists — this is how the
   office loads the State Council's notice for a year the packages do not know yet;
2. `chinesecalendar` (the official schedules, up to the year its release covers);
3. `holidays` (China): statutory holidays computed for later years, flagged *estimated* because
   the 调休 working weekends of those years are not published yet;
4. plain weekends, flagged estimated (only for years outside both packages).

Nothing raises for an unknown year; callers show `DayStatus.estimated` to people instead.
File format, one day per line (`#` starts a comment)::

    2027-10-01 休 国庆节
    2027-09-26 班 国庆节调休

Try it::

    >>> from datetime import date
    >>> calendar = WorkdayCalendar()
    >>> calendar.is_workday(date(2026, 10, 10))   # a 调休 Saturday
    True
    >>> calendar.add_working_days(date(2026, 10, 14), -7)
    datetime.date(2026, 9, 29)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import chinese_calendar
import holidays

OFFICE_FILE = "office-file"
CHINESECALENDAR = "chinesecalendar"
HOLIDAYS_PACKAGE = "holidays"
WEEKENDS_ONLY = "weekends-only"

_FILE_LINE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})\s+(休|班|holiday|workday)(?:\s+(.*))?$", re.IGNORECASE)
_DAY_OFF = {"休", "holiday"}


class CalendarFileError(ValueError):
    """A schedule file line that is not `YYYY-MM-DD 休|班 [名称]`; the message (Chinese) names it."""


@dataclass(frozen=True)
class DayStatus:
    day: date
    workday: bool
    source: str
    estimated: bool
    name: str | None = None


@dataclass(frozen=True)
class OfficeSchedule:
    """Days the office loaded from a file: {day: (is_workday, name)}; its years are authoritative."""

    days: dict[date, tuple[bool, str | None]]

    @property
    def years(self) -> frozenset[int]:
        return frozenset(day.year for day in self.days)


def parse_schedule(text: str, *, origin: str = "节假日文件") -> OfficeSchedule:
    days: dict[date, tuple[bool, str | None]] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        match = _FILE_LINE.match(line)
        if not match:
            raise CalendarFileError(f"{origin} 第{number}行无法识别:“{raw.strip()}”,应为“2027-10-01 休 国庆节”或“2027-09-26 班”")
        year, month, day_of_month, mark, name = match.groups()
        try:
            day = date(int(year), int(month), int(day_of_month))
        except ValueError:
            raise CalendarFileError(f"{origin} 第{number}行日期不存在:“{raw.strip()}”") from None
        days[day] = (mark.lower() not in _DAY_OFF, (name or "").strip() or None)
    return OfficeSchedule(days=days)


def load_schedule(path: Path) -> OfficeSchedule:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CalendarFileError(f"找不到文件 {path}") from None
    except UnicodeDecodeError:
        raise CalendarFileError(f"{path} 不是 UTF-8 文本,请另存为 UTF-8 编码") from None
    except IsADirectoryError:
        raise CalendarFileError(f"{path} 是文件夹,请指向节假日安排文件") from None
    except PermissionError:
        raise CalendarFileError(f"没有读取 {path} 的权限") from None
    return parse_schedule(text, origin=str(path))


@lru_cache(maxsize=64)
def _holidays_for(year: int) -> holidays.HolidayBase | None:
    # Outside its year range the package silently returns no holidays at all; say so instead.
    if not holidays.China.start_year <= year <= holidays.China.end_year:
        return None
    return holidays.China(years=year)


class WorkdayCalendar:
    """Working days from the sources in the module docstring; `schedule` is the office's file."""

    def __init__(self, schedule: OfficeSchedule | None = None) -> None:
        self.schedule = schedule

    def status(self, day: date) -> DayStatus:
        if self.schedule and day.year in self.schedule.years:
            if day in self.schedule.days:
                workday, name = self.schedule.days[day]
                return DayStatus(day, workday, OFFICE_FILE, False, name)
            return DayStatus(day, day.weekday() < 5, OFFICE_FILE, False)
        try:
            on_holiday, name = chinese_calendar.get_holiday_detail(day)
            return DayStatus(day, not on_holiday, CHINESECALENDAR, False, name)
        except NotImplementedError:
            pass  # a year the package's release does not cover yet
        table = _holidays_for(day.year)
        if table is not None:
            return DayStatus(day, table.is_working_day(day), HOLIDAYS_PACKAGE, True, table.get(day))
        return DayStatus(day, day.weekday() < 5, WEEKENDS_ONLY, True)

    def is_workday(self, day: date) -> bool:
        return self.status(day).workday

    def add_working_days(self, day: date, count: int) -> date:
        """The `count`-th working day after `day` (before it when negative); `day` itself not counted."""
        if count == 0:
            return day
        step = timedelta(days=1 if count > 0 else -1)
        remaining = abs(count)
        current = day
        while remaining:
            current += step
            if self.is_workday(current):
                remaining -= 1
        return current

    def estimated_between(self, first: date, last: date) -> bool:
        """Whether any day from `first` to `last` (inclusive, any order) comes from an estimate."""
        start, end = sorted((first, last))
        return any(self.status(start + timedelta(days=n)).estimated for n in range((end - start).days + 1))

    def next_workday(self, day: date) -> date:
        """`day` itself when it is a working day, else the first working day after it."""
        return day if self.is_workday(day) else self.add_working_days(day, 1)


def calendar_from_file(path: Path | None) -> WorkdayCalendar:
    """The calendar with the office's file loaded when `path` is set (HOLIDAY_CALENDAR_FILE)."""
    return WorkdayCalendar(load_schedule(path) if path else None)
