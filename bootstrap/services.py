"""The long-lived objects a running bot shares: settings, database, clock, Q&A engine.

Each process builds them once (`Services.create()`) and hands them to its adapters: the Telegram
application keeps them in its typed `bot_data` (bot/app.py `BotData`), the DingTalk channel and the
web console hold them, and every flow gets them in its `Turn`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from bootstrap.clock import Clock
from bootstrap.settings import Settings, get_settings
from office.deadlines import alert_policy
from office.reminders import AlertPolicy
from office.workdays import WorkdayCalendar, calendar_from_file
from storage.db import Database
from storage.migrate import upgrade

if TYPE_CHECKING:
    from retrieval.service import RulesQA

# Sends one notice (a handlers.messages.Notice: the flows' type, which this root does not import)
# on its messenger; True when it arrived.
NoticeSender = Callable[[Any], Awaitable[bool]]


@dataclass
class Services:
    settings: Settings
    db: Database
    clock: Clock = None  # type: ignore[assignment]  # default: the settings' clock
    # The outgoing messenger of each channel running in this process ("telegram", "dingtalk");
    # each channel adapter (or bot/outbound.py, in a process that only sends) registers its own.
    outgoing: dict[str, NoticeSender] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.clock is None:
            self.clock = self.settings.clock

    @classmethod
    def create(cls, settings: Settings | None = None, *, migrate: bool = True, clock: Clock | None = None) -> Services:
        """Open the database (migrated to the newest schema unless `migrate=False`)."""
        settings = settings or get_settings()
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        db = Database(settings.resolved_database_url)
        if migrate:
            upgrade(db.engine)
        return cls(settings=settings, db=db, clock=clock)

    @cached_property
    def qa(self) -> RulesQA:
        """The rules Q&A engine, loaded on first use (index built on first ever start)."""
        from bootstrap.qa_engine import open_rules_qa

        return open_rules_qa(self.settings, clock=self.clock, workdays=self.workdays)

    @cached_property
    def alert_policy(self) -> AlertPolicy:
        """The reminder lead times of ALERT_LEAD_TIMES / ALERT_LEAD_TIMES_BY_KIND, handed to every
        operation that records a deadline."""
        return alert_policy(lead_times=self.settings.alert_lead_times,
                            lead_times_by_kind=self.settings.alert_lead_times_by_kind,
                            timezone=self.settings.timezone)

    @cached_property
    def workdays(self) -> WorkdayCalendar:
        """The working-day calendar, with the office's HOLIDAY_CALENDAR_FILE loaded."""
        return calendar_from_file(self.settings.holiday_calendar_file)

    def now(self) -> datetime:
        """The office's local time: its date is "today" for every rule (leave dates, deadlines, agenda)."""
        return self.clock.now()

