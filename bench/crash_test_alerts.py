"""Crash test of the alert outbox: kill -9 the real bot 20 times while 200 reminders fall due.

The real `officebot run` process sends to the Bot API emulator (ALERT_LEAD_TIMES=2m,
ALERT_POLL_SECONDS=1). 200 reminders to 20 people fall due evenly over the kill phase; the bot is
SIGKILLed at a random moment 0–3 s after each (re)start has come up, and restarted at once. At
the end the last process drains the outbox and is stopped with SIGTERM. Counted on the emulator
side: every reminder must arrive (0 lost) and at most one twice (the only window is a kill between
Telegram accepting a message and the outbox commit). Also reported: how many kills interrupted a
claimed send (rows left "sending", taken over after the claim lease).

Run::

    .venv/bin/python bench/crash_test_alerts.py                       # SQLite, ingests the rules once
    .venv/bin/python bench/crash_test_alerts.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

It prints one JSON line and exits 1 when anything was lost or more than one alert repeated.
tests/e2e/test_alerts_e2e.py runs it as a slow test.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from alert_world import LEAD, REPO, AlertWorld  # noqa: E402
from sqlalchemy import create_engine, select  # noqa: E402

from storage.deadlines import Reminder, ReminderState  # noqa: E402

STARTUP_SECONDS = 300
DRAIN_SECONDS = 120  # after the last start: the claim lease (20 s) plus the last reminders


@dataclass(frozen=True)
class CrashResult:
    kills: int
    reminders: int
    delivered: int
    lost: int
    duplicates: int
    kills_during_a_send: int
    duplicate_kill_gaps_ms: list[float]  # per duplicate: the nearest kill minus the first copy's acceptance
    uncertain: int
    final_exit_code: int
    seconds: float


class BotProcess:
    """`officebot run` with the world's token; `start()` returns once it polls Telegram."""

    def __init__(self, world: AlertWorld, env: dict[str, str], workdir: Path) -> None:
        self.world, self.env, self.workdir = world, env, workdir
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def _polls(self) -> int:
        return self.world.emulator.run(lambda: sum(1 for method, _ in self.world.api.calls if method == "getUpdates"))

    def start(self) -> None:
        self.starts += 1
        before = self._polls()
        log = open(self.workdir / f"bot-{self.starts:02d}.log", "w", encoding="utf-8")  # noqa: SIM115
        self.process = subprocess.Popen([sys.executable, "-m", "bot.cli", "run"], cwd=REPO, env=self.env,
                                        stdout=log, stderr=subprocess.STDOUT)
        log.close()
        waited = 0.0
        while self._polls() == before:
            if self.process.poll() is not None:
                raise RuntimeError(f"the bot exited with {self.process.returncode}; see {self.workdir}")
            if waited > STARTUP_SECONDS:
                raise TimeoutError(f"the bot did not start within {STARTUP_SECONDS} s; see {self.workdir}")
            time.sleep(0.05)
            waited += 0.05

    def kill(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(60)


def base_env(world: AlertWorld, *, data_dir: Path, database_url: str, chroma_path: Path) -> dict[str, str]:
    """The bot's environment: the world's token and emulator, its own data, 2-minute reminders."""
    keep = {k: v for k, v in os.environ.items()
            if not k.startswith(("TELEGRAM_", "WEBHOOK_", "ALERT_", "DATA_DIR", "DATABASE_URL", "CHROMA_", "ADMIN_"))}
    return {**keep, "TELEGRAM_BOT_TOKEN": world.api.token, "TELEGRAM_API_URL": world.emulator.url,
            "DATA_DIR": str(data_dir), "DATABASE_URL": database_url, "CHROMA_PATH": str(chroma_path),
            "ALERT_LEAD_TIMES": LEAD, "ALERT_LEAD_TIMES_BY_KIND": "", "ALERT_POLL_SECONDS": "1",
            "PYTHONUNBUFFERED": "1", "HF_HUB_OFFLINE": "1", "LOG_LEVEL": "INFO"}


def _ids(database_url: str, state: ReminderState) -> set[int]:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        ids = set(connection.scalars(select(Reminder.id).where(Reminder.state == state.value)))
    engine.dispose()
    return ids


def run(*, kills: int = 20, reminders: int = 200, people: int = 20, workdir: Path, chroma_path: Path,
        database_url: str | None = None, seed: int | None = None, max_uptime: float = 3.0,
        log: Callable[[str], None] = print) -> CrashResult:
    rng = random.Random(seed)
    began = time.monotonic()
    world = AlertWorld(people)
    data_dir = workdir / "data"
    database_url = database_url or f"sqlite:///{(data_dir / 'officebot.db').resolve()}"
    bot = BotProcess(world, base_env(world, data_dir=data_dir, database_url=database_url, chroma_path=chroma_path),
                     workdir)
    kill_times: list[float] = []
    try:
        bot.start()  # the first start may build the rules index; the kill phase starts after it
        started = time.monotonic()
        bot.kill()
        restart = time.monotonic()
        bot.start()
        restart_seconds = time.monotonic() - restart
        spread = timedelta(seconds=kills * (restart_seconds + max_uptime / 2))
        world.seed(database_url, reminders=reminders, first_at=datetime.now(UTC) + timedelta(seconds=2), spread=spread)
        log(f"bot up in {started - began:.0f} s, restarts in {restart_seconds:.1f} s; "
            f"{reminders} reminders fall due over {spread.total_seconds():.0f} s")
        interrupted, in_flight = 0, set()
        for kill in range(1, kills + 1):
            time.sleep(rng.uniform(0, max_uptime))
            kill_times.append(time.monotonic())
            bot.kill()
            # A claim still "sending" that was not before: this kill interrupted a send.
            left, in_flight = in_flight, _ids(database_url, ReminderState.SENDING)
            interrupted += bool(in_flight - left)
            tally = world.tally()
            log(f"kill {kill:2d}: delivered {tally.delivered}/{tally.expected}, duplicates {tally.duplicates}, "
                f"claims in flight {len(in_flight)}")
            bot.start()
        drain_until = time.monotonic() + DRAIN_SECONDS + spread.total_seconds()
        while world.tally().delivered < reminders and time.monotonic() < drain_until:
            time.sleep(0.5)
        exit_code = bot.stop()
    finally:
        if bot.process is not None and bot.process.poll() is None:
            bot.kill()
        tally = world.tally()
        # Per duplicate, the kill nearest to the first copy's acceptance; negative when the request
        # was already on the wire when the bot died and the emulator accepted it just after.
        gaps = [round(min((k - first for k in kill_times), key=abs) * 1000, 1)
                for first, *again in world.accepted.values() if again and kill_times]
        world.stop()
    return CrashResult(kills=kills, reminders=reminders, delivered=tally.delivered, lost=tally.lost,
                       duplicates=tally.duplicates, kills_during_a_send=interrupted, duplicate_kill_gaps_ms=gaps,
                       uncertain=len(_ids(database_url, ReminderState.UNCERTAIN)), final_exit_code=exit_code,
                       seconds=round(time.monotonic() - began, 1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--reminders", type=int, default=200)
    parser.add_argument("--database-url", help="default: a SQLite file in the work directory")
    parser.add_argument("--chroma-path", type=Path, help="an ingested rules index to reuse (default: built once)")
    parser.add_argument("--seed", type=int)
    parser.add_argument("--workdir", type=Path, help="keep the logs and database here (default: a temporary directory)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="crash-alerts-") as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        result = run(kills=args.kills, reminders=args.reminders, workdir=workdir, database_url=args.database_url,
                     chroma_path=args.chroma_path or workdir / "chroma", seed=args.seed,
                     log=lambda line: print(line, file=sys.stderr))
    print(json.dumps(asdict(result)))
    return 0 if result.lost == 0 and result.duplicates <= 1 and result.final_exit_code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
