"""Crash test of update handling: kill -9 the real bot again and again while people keep sending.

20 people send 300 one-line `/deadline` commands (each with its own title) through the Bot API
emulator, in bursts of 15 spread over the kill phase (a burst is a batch in hand for a while, as
after a meeting or a restart); meanwhile the bot is SIGKILLed at a random moment 0–2 s
after each (re)start and restarted at once (the messages sent while it is down wait at the API). Afterwards every command must have recorded its deadline exactly
once: 0 lost (never recorded), 0 applied twice (recorded twice). Replies are counted per command
too: the answer is kept with the update's id until it is sent, so a kill between the commit and the
sending sends it after the restart (missing: none); a kill after the sending and before it was
marked sent sends it twice (rare; counted as replies_twice).

Run::

    .venv/bin/python bench/crash_test_updates.py                     # SQLite, ingests the rules once
    .venv/bin/python bench/crash_test_updates.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

It prints one JSON line and exits 1 when anything was lost or applied twice.
tests/e2e/test_forms_e2e.py runs a smaller one as a slow test.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from alert_world import AlertWorld  # noqa: E402
from crash_test_alerts import BotProcess, base_env  # noqa: E402
from sqlalchemy import create_engine, select  # noqa: E402

from office.directory import add_member  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.deadlines import Deadline  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.people import Role  # noqa: E402

DRAIN_SECONDS = 60


@dataclass(frozen=True)
class UpdateCrashResult:
    kills: int
    sent: int
    recorded: int
    lost: int
    applied_twice: int
    replies: int
    replies_missing: int
    replies_twice: int
    final_exit_code: int
    seconds: float


def _seed(database_url: str, people: list[int]) -> None:
    db = Database(database_url)
    upgrade(db.engine)
    with db.transaction() as session:
        for telegram_id in people:
            add_member(session=session, actor=None, telegram_id=telegram_id, name=f"员工{telegram_id}",
                       unit="区财政局", role=Role.STAFF)
    db.dispose()


def _recorded(database_url: str) -> Counter:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        titles = Counter(connection.scalars(select(Deadline.title)))
    engine.dispose()
    return titles


def run(*, kills: int = 20, messages: int = 300, people: int = 20, workdir: Path, chroma_path: Path,
        database_url: str | None = None, seed: int | None = None, max_uptime: float = 2.0, burst: int = 15,
        log=print) -> UpdateCrashResult:  # type: ignore[no-untyped-def]
    rng = random.Random(seed)
    began = time.monotonic()
    world = AlertWorld(people)
    data_dir = workdir / "data"
    database_url = database_url or f"sqlite:///{(data_dir / 'officebot.db').resolve()}"
    _seed(database_url, world.people)
    bot = BotProcess(world, base_env(world, data_dir=data_dir, database_url=database_url, chroma_path=chroma_path),
                     workdir)
    due = (datetime.now(UTC) + timedelta(days=30)).strftime("%Y-%m-%d")
    titles = [f"压测事项{n}" for n in range(messages)]
    sending_done = threading.Event()

    def send_all(interval: float) -> None:
        for start in range(0, messages, burst):
            for n in range(start, min(start + burst, messages)):
                person = world.people[n % len(world.people)]
                world.emulator.run(lambda p=person, t=titles[n]: world.api.send_text(p, f"/deadline {due} 17:00 {t}"))
            time.sleep(interval)
        sending_done.set()

    try:
        bot.start()  # the first start may build the rules index; the kill phase starts after it
        bot.kill()
        restart = time.monotonic()
        bot.start()
        restart_seconds = time.monotonic() - restart
        spread = kills * (restart_seconds + max_uptime / 2)
        log(f"restarts in {restart_seconds:.1f} s; {messages} messages over {spread:.0f} s")
        sender = threading.Thread(target=send_all, args=(spread * burst / messages,), daemon=True)
        sender.start()
        done_kills = 0
        while done_kills < kills and not sending_done.is_set():
            time.sleep(rng.uniform(0, max_uptime))
            bot.kill()
            done_kills += 1
            log(f"kill {done_kills:2d}: {sum(_recorded(database_url).values())} recorded so far")
            bot.start()
        sender.join()
        drain_until = time.monotonic() + DRAIN_SECONDS
        while sum(_recorded(database_url).values()) < messages and time.monotonic() < drain_until:
            time.sleep(0.5)
        exit_code = bot.stop()
    finally:
        if bot.process is not None and bot.process.poll() is None:
            bot.kill()
        replied = world.emulator.run(lambda: Counter(
            message["text"].split(":", 1)[1].split("\n")[0] for chat in world.people
            for message in world.api.bot_messages(chat) if message.get("text", "").startswith("已登记期限")
        ))
        world.stop()
    recorded = _recorded(database_url)
    return UpdateCrashResult(
        kills=done_kills, sent=messages, recorded=sum(recorded.values()),
        lost=sum(1 for title in titles if recorded[title] == 0),
        applied_twice=sum(count - 1 for count in recorded.values() if count > 1),
        replies=sum(replied.values()), replies_missing=sum(1 for title in titles if replied[title] == 0),
        replies_twice=sum(count - 1 for count in replied.values() if count > 1), final_exit_code=exit_code,
        seconds=round(time.monotonic() - began, 1),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--database-url", help="default: a SQLite file in the work directory")
    parser.add_argument("--chroma-path", type=Path, help="an ingested rules index to reuse (default: built once)")
    parser.add_argument("--burst", type=int, default=15, help="messages sent at once")
    parser.add_argument("--seed", type=int)
    parser.add_argument("--workdir", type=Path, help="keep the logs and database here (default: a temporary directory)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="crash-updates-") as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        result = run(kills=args.kills, messages=args.messages, workdir=workdir, database_url=args.database_url,
                     chroma_path=args.chroma_path or workdir / "chroma", seed=args.seed, burst=args.burst,
                     log=lambda line: print(line, file=sys.stderr))
    print(json.dumps(asdict(result)))
    return 0 if result.lost == 0 and result.applied_twice == 0 and result.final_exit_code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
