"""The Telegram side and the outbox seeding shared by the two alert benches (not a bench itself).

`AlertWorld` starts the Bot API emulator of tests/e2e (one bot world, N people with private
chats), seeds one deadline per expected reminder (lead time 2m, so each deadline has exactly one
reminder to one person), and tallies what the emulator received: each alert names its deadline
(#ID), so a (chat, deadline) seen twice is a duplicate and one never seen is lost.
"""

from __future__ import annotations

import re
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests" / "e2e")]

from emulator import Emulator  # noqa: E402

from office.deadline_rules import DeadlineKind  # noqa: E402
from office.deadlines import add_deadline  # noqa: E402
from office.directory import add_member  # noqa: E402
from office.reminders import AlertPolicy  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.people import Role  # noqa: E402

LEAD = "2m"
FIRST_PERSON = 5001
ALERT_ID = re.compile(r"期限提醒 #(\d+)")
POLICY = AlertPolicy.from_texts(LEAD, "", kinds=[kind.value for kind in DeadlineKind], timezone="Asia/Shanghai")


@dataclass(frozen=True)
class Tally:
    expected: int
    delivered: int  # distinct (chat, deadline) alerts received
    lost: int
    duplicates: int  # messages beyond the first for the same (chat, deadline)


class AlertWorld:
    def __init__(self, people: int) -> None:
        self.emulator = Emulator().start()
        self.api = self.emulator.new_bot()
        self.people = [FIRST_PERSON + n for n in range(people)]
        for telegram_id in self.people:
            self.emulator.run(lambda telegram_id=telegram_id: self.api.add_user(telegram_id, f"员工{telegram_id}"))
        self.expected: set[tuple[int, int]] = set()
        # When the emulator accepted each alert (monotonic), to tell how close a kill came after it.
        self.accepted: dict[tuple[int, int], list[float]] = {}
        self.emulator.run(self._stamp_acceptance)

    def _stamp_acceptance(self) -> None:
        send = self.api._methods["sendMessage"]

        def stamped(params, files):  # type: ignore[no-untyped-def]
            message = send(params, files)
            if match := ALERT_ID.search(message.get("text", "")):
                key = (message["chat"]["id"], int(match[1]))
                self.accepted.setdefault(key, []).append(time.monotonic())
            return message

        self.api._methods["sendMessage"] = stamped

    def seed(self, database_url: str, *, reminders: int, first_at: datetime, spread: timedelta) -> None:
        """`reminders` deadlines, their 2m reminders falling due evenly from `first_at` over `spread`."""
        db = Database(database_url)
        upgrade(db.engine)
        with db.transaction() as session:
            person_ids = {}
            for telegram_id in self.people:
                member = add_member(session=session, actor=None, telegram_id=telegram_id,
                                    name=f"员工{telegram_id}", unit="区财政局", role=Role.STAFF)
                person_ids[telegram_id] = member.person_id
            for n in range(reminders):
                chat = self.people[n % len(self.people)]
                send_at = first_at + spread * (n / max(reminders - 1, 1))
                deadline = add_deadline(
                    session=session, title=f"压测期限 {n}", due_at=send_at + timedelta(minutes=2), kind="custom",
                    rule_article=None, source_type=None, source_id=None, responsible_person_id=person_ids[chat],
                    responsible_unit=None, actor=None, policy=POLICY, now=first_at - timedelta(seconds=1),
                )
                self.expected.add((chat, deadline.id))
        db.dispose()

    def tally(self) -> Tally:
        def count() -> Counter:
            seen: Counter = Counter()
            for chat in self.people:
                for message in self.api.bot_messages(chat):
                    if match := ALERT_ID.search(message.get("text", "")):
                        seen[(chat, int(match[1]))] += 1
            return seen

        seen = self.emulator.run(count)
        delivered = len(self.expected & set(seen))
        duplicates = sum(times - 1 for times in seen.values())
        return Tally(len(self.expected), delivered, len(self.expected) - delivered, duplicates)

    def send_calls(self) -> int:
        return self.emulator.run(lambda: sum(1 for method, _ in self.api.calls if method == "sendMessage"))

    def stop(self) -> None:
        self.emulator.stop()
