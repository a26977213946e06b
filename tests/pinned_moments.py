"""Run the time-dependent tests (those marked `clock`) again with the office's clock pinned to the
moments where date logic breaks most often. `make test` runs it after the whole suite.

    python tests/pinned_moments.py             # every moment, side by side
    python tests/pinned_moments.py -x -k leave # extra arguments go to pytest

Each run sets OFFICEBOT_TEST_NOW; tests/conftest.py turns it into the `clock` fixture, and the bots the
tests start get the same clock through CLOCK_SHIFT_SECONDS. The rule book is indexed once, by the first
run to need it, and each run reads its own copy (OFFICEBOT_TEST_QA_SHARED, tests/conftest.py). The
runs go side by side.

The in-process tests run at every moment: the flows, the rules and the calendar they exercise are the
code every channel runs. The end-to-end tests (marked `e2e`: real bot processes, about 120 s of CPU a
run against 40 s for the rest) run at the one moment that tests how a process, rather than the
calendar, handles time: a Beijing date that is still the day before in UTC. The other moments are
about the calendar (a weekend, a holiday eve, the turn of the year, an estimated year), which the
flows decide in-process; at the system's time the whole suite runs end to end anyway.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import chinese_calendar

ROOT = Path(__file__).resolve().parents[1]


def first_unknown_year() -> int:
    """The first year `chinesecalendar` has no official schedule for (so the calendar estimates it)."""
    year = 2004  # the package's first year; which release is installed decides the answer, not the clock
    while True:
        try:
            chinese_calendar.is_workday(date(year, 3, 10))
        except NotImplementedError:
            return year
        year += 1


def moments() -> list[tuple[str, str, bool]]:
    """(moment, why, whether the end-to-end tests run at it too)."""
    unknown = first_unknown_year()
    return [
        ("2026-12-04T01:20:00+08:00", "Friday 01:20 in Beijing, still Thursday in UTC", True),
        ("2026-12-31T23:30:00+08:00", "31 December 23:30, the new year half an hour away", False),
        ("2026-12-05T12:00:00+08:00", "Saturday noon", False),
        ("2026-09-30T17:00:00+08:00", "the last working day before 国庆", False),
        (f"{unknown}-03-10T10:00:00+08:00", f"a day in {unknown}, a year chinesecalendar does not know yet", False),
    ]


def run_at(moment: str, end_to_end: bool, shared: Path, log_path: Path, extra: list[str]) -> tuple[int, float]:
    """One pytest run of the `clock` tests with the office's clock pinned at `moment`."""
    env = dict(os.environ, OFFICEBOT_TEST_NOW=moment, OFFICEBOT_TEST_QA_SHARED=str(shared))
    marks = "clock and not slow" if end_to_end else "clock and not slow and not e2e"
    command = [sys.executable, "-m", "pytest", "-m", marks, "-q", "-p", "no:cacheprovider", *extra]
    started = time.monotonic()
    with log_path.open("w") as log:
        code = subprocess.run(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT).returncode
    return code, time.monotonic() - started


def main(extra: list[str]) -> int:
    with tempfile.TemporaryDirectory(prefix="officebot-pinned-") as scratch:
        work = Path(scratch)
        runs = []
        with ThreadPoolExecutor(len(moments())) as pool:  # all at once: the end-to-end run waits a lot
            for index, (moment, why, end_to_end) in enumerate(moments()):
                log_path = work / f"run-{index}.log"
                scope = "all" if end_to_end else "in-process"
                future = pool.submit(run_at, moment, end_to_end, work, log_path, extra)
                runs.append((moment, f"{why} [{scope}]", log_path, future))
        results = []
        for moment, why, log_path, future in runs:
            code, seconds = future.result()
            output = log_path.read_text()
            summary = output.strip().splitlines()[-1] if output.strip() else "(no output)"
            results.append((moment, why, code, summary, seconds))
            if code != 0:
                print(f"\n=== office clock pinned at {moment} ({why}) ===\n{output}", flush=True)
    print("\npinned moments:")
    for moment, why, code, summary, seconds in results:
        print(f"  {'ok  ' if code == 0 else 'FAIL'} {moment}  {why}: {summary}  ({seconds:.0f} s)")
    return 0 if all(code == 0 for _, _, code, _, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
