"""The office's one clock: a pinned or shifted clock is what every rule reads, and nothing else reads the time."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bootstrap.clock import Clock
from bootstrap.services import Services
from bootstrap.settings import Settings

TZ = ZoneInfo("Asia/Shanghai")
ROOT = Path(__file__).resolve().parents[2]
# Reads of the system time allowed outside bootstrap/clock.py, each for a reason that is not the office's "now".
ALLOWED = {
    "storage/base.py": "the moment a row is written (write stamps)",
    "bot/local_api.py": "the in-memory Telegram server stamps its own messages, as Telegram does",
}
SYSTEM_TIME = re.compile(r"datetime\.now\(|date\.today\(|(?<![\w.])time\.time\(|datetime\.utcnow\(")
WRITE_STAMP = re.compile(r"(?<![\w.])utcnow\(")  # storage.base.utcnow: storage/ stamps its rows with it, nobody else


def test_a_pinned_clock_reads_its_moment_in_the_office_time_zone_and_runs_on():
    moment = datetime(2026, 12, 4, 1, 20, tzinfo=TZ)
    clock = Clock.pinned(TZ, moment.astimezone(ZoneInfo("UTC")))
    first = clock.now()
    assert timedelta(0) <= first - moment < timedelta(seconds=5)
    assert first.utcoffset() == timedelta(hours=8) and first.date().isoformat() == "2026-12-04"
    assert clock.utcnow().date().isoformat() == "2026-12-03"  # still Thursday in UTC
    assert clock.now() >= first


def test_a_naive_moment_is_refused():
    with pytest.raises(ValueError):
        Clock.pinned(TZ, datetime(2026, 12, 4, 1, 20))


def test_the_shift_setting_moves_the_services_clock(tmp_path):
    settings = Settings(_env_file=None, data_dir=tmp_path, clock_shift_seconds=-86400 * 365)
    services = Services(settings=settings, db=None)  # type: ignore[arg-type]
    assert timedelta(days=364) < Clock(TZ).now() - services.now() < timedelta(days=366)
    assert services.now().tzinfo == settings.tz


def test_the_product_reads_the_time_only_through_the_clock():
    offenders = []
    for package in ("bot", "handlers", "office", "retrieval", "storage", "web"):
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative == "bootstrap/clock.py" or relative in ALLOWED:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                code = line.split("#")[0]
                stamps = package != "storage" and WRITE_STAMP.search(code)
                if (SYSTEM_TIME.search(code) or stamps) and not line.lstrip().startswith("from "):
                    offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == [], "read the time from Services.clock / a `now` argument:\n" + "\n".join(offenders)
