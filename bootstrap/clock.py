"""The office's one clock: every "now" the product uses (today's date, due times, reminders) comes from here.

`Services.clock` is built from the settings; `office/` and `storage/` never read the time themselves,
they are given `now`. `CLOCK_SHIFT_SECONDS` moves the clock by a fixed offset from the system time, so
that several processes (the bot, the terminal chat, the tests driving them) agree on one shifted "now";
the test suite uses it to run its time-dependent tests at pinned moments (`tests/pinned_moments.py`).
Try it::

    >>> from datetime import timedelta
    >>> from zoneinfo import ZoneInfo
    >>> clock = Clock(ZoneInfo("Asia/Shanghai"), shift=timedelta(days=-1))
    >>> (Clock(ZoneInfo("Asia/Shanghai")).now() - clock.now()).days
    0
    >>> clock.now().utcoffset()
    datetime.timedelta(seconds=28800)
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo


class Clock:
    """The system time shifted by `shift`, read in the office's time zone `tz`."""

    def __init__(self, tz: tzinfo, *, shift: timedelta = timedelta(0)) -> None:
        if not isinstance(shift, timedelta):
            raise TypeError("shift must be a timedelta")
        self.tz = tz
        self.shift = shift

    @classmethod
    def pinned(cls, tz: tzinfo, moment: datetime) -> Clock:
        """A clock that reads `moment` now and runs on from there."""
        if moment.tzinfo is None:
            raise ValueError("the pinned moment must be time-zone aware")
        return cls(tz, shift=moment - datetime.now(UTC))

    def now(self) -> datetime:
        """The office's local time: its date is "today" for every rule."""
        return self.utcnow().astimezone(self.tz)

    def utcnow(self) -> datetime:
        return datetime.now(UTC) + self.shift

    def __repr__(self) -> str:
        return f"Clock(tz={self.tz}, shift={self.shift})"
