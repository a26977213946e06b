"""Settings that name a file are checked when a bot starts (`officebot run`, `officebot chat`), so a
mistake in the file stops the start with a message saying what to fix, instead of a traceback or
an 出错了 at the first deadline that needs the calendar.

    problem = config_problem(services)   # None, or e.g. "节假日安排文件 …第2行日期不存在…"
"""

from __future__ import annotations

from bootstrap.services import Services
from office.workdays import CalendarFileError


def config_problem(services: Services) -> str | None:
    """What is wrong with the configured files, in Chinese; None when they load."""
    try:
        services.workdays  # noqa: B018 - loads HOLIDAY_CALENDAR_FILE
    except CalendarFileError as exc:
        return f"节假日安排文件(HOLIDAY_CALENDAR_FILE)有误:{exc}。请改正该文件,或清空 HOLIDAY_CALENDAR_FILE 后重新启动。"
    return None
