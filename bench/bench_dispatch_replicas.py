"""Two dispatcher processes on one PostgreSQL database send 500 due reminders: none twice, none lost.

Each replica is a separate process running `bot.scheduler.Dispatcher` against the Bot API
emulator (what every `officebot run` replica runs every ALERT_POLL_SECONDS); they coordinate only
through the outbox rows (`FOR UPDATE SKIP LOCKED`). 500 reminders to 50 people fall due at the
same moment; the replicas poll until the outbox is drained. Counted on the emulator side.
The overall quota (30 messages a second, shared through the database) sets the pace.

Run::

    .venv/bin/python bench/bench_dispatch_replicas.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test

It creates and drops its own database next to the one given, prints one JSON line, and exits 1 on
any duplicate or loss.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from alert_world import REPO, AlertWorld  # noqa: E402
from sqlalchemy import create_engine, func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from storage.deadlines import Reminder, ReminderState  # noqa: E402

IDLE_SECONDS = 3.0  # a replica stops after this long with nothing left to send


async def _replica(database_url: str, api_url: str, token: str, name: str) -> None:
    from telegram import Bot

    from bootstrap.clock import Clock
    from bot.scheduler import Dispatcher
    from bot.telegram_flows import alert_renderer
    from storage.db import Database
    from zoneinfo import ZoneInfo

    db = Database(database_url)
    clock = Clock(ZoneInfo("Asia/Shanghai"))
    dispatcher = Dispatcher(db, alert_renderer(clock.tz, clock.utcnow), worker=name, clock=clock.utcnow)
    async with Bot(token, base_url=f"{api_url}/bot") as bot:
        idle_since = time.monotonic()
        while time.monotonic() - idle_since < IDLE_SECONDS:
            stats = await dispatcher.run(bot)
            if stats.sent or stats.retried:
                idle_since = time.monotonic()
            await asyncio.sleep(0.1)
    db.dispose()


def _database(admin_url: str) -> tuple[str, str]:
    name = f"officebot_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return name, make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def _drop(admin_url: str, name: str) -> None:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def run(admin_url: str, *, reminders: int = 500, people: int = 50, replicas: int = 2) -> dict:
    name, database_url = _database(admin_url)
    world = AlertWorld(people)
    try:
        due = datetime.now(UTC) + timedelta(seconds=3)  # the replicas are polling before anything is due
        world.seed(database_url, reminders=reminders, first_at=due, spread=timedelta(0))
        began = time.monotonic()
        workers = [
            subprocess.Popen([sys.executable, __file__, "--replica", f"replica-{n}", "--database-url", database_url,
                              "--api-url", world.emulator.url, "--token", world.api.token], cwd=REPO)
            for n in range(replicas)
        ]
        codes = [worker.wait(600) for worker in workers]
        seconds = time.monotonic() - began
        tally = world.tally()
        engine = create_engine(database_url)
        with engine.connect() as connection:
            by_replica = dict(connection.execute(
                select(Reminder.claimed_by, func.count()).where(Reminder.state == ReminderState.SENT.value)
                .group_by(Reminder.claimed_by)).all())
        engine.dispose()
    finally:
        world.stop()
        _drop(admin_url, name)
    return {"replicas": replicas, "reminders": reminders, "delivered": tally.delivered, "lost": tally.lost,
            "duplicates": tally.duplicates, "sent_by_replica": by_replica, "exit_codes": codes,
            "seconds": round(seconds, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", help="a PostgreSQL URL whose server hosts the bench's own database")
    parser.add_argument("--reminders", type=int, default=500)
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--replica", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--api-url", help=argparse.SUPPRESS)
    parser.add_argument("--token", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.replica:
        asyncio.run(_replica(args.database_url, args.api_url, args.token, args.replica))
        return 0
    if not args.postgres:
        parser.error("--postgres is required")
    result = run(args.postgres, reminders=args.reminders, replicas=args.replicas)
    print(json.dumps(result, ensure_ascii=False))
    ok = result["lost"] == 0 and result["duplicates"] == 0 and not any(result["exit_codes"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
