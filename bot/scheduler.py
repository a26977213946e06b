"""The alert dispatcher: sends due reminders from the database outbox, each once.

PTB's JobQueue only ticks `Dispatcher.run` every ALERT_POLL_SECONDS (the first tick at start is
the catch-up after downtime); what is due, claimed or sent lives in the outbox rows
(`storage.deadlines.Reminder`), so nothing depends on jobs surviving a restart. Per reminder:

1. claim it in its own transaction (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so replicas never
   take the same row), under Telegram's quotas (20 a minute per group, 30 a second overall);
2. send it, renewing the claim's lease while the request is in flight;
3. record the outcome in its own transaction straight away.

A kill between Telegram accepting a message and step 3 is the only way to repeat one (the claim
expires and the row is sent again); a kill anywhere else loses nothing and repeats nothing.
RetryAfter puts the row back for after the wait; a request that never left (connect failure) is
retried; one that left but got no answer is marked `uncertain` and not repeated; a chat that
blocked the bot or is gone ends its subscriptions. Try it::

    ALERT_LEAD_TIMES=2m ALERT_POLL_SECONDS=1 officebot chat    # then /deadline in 3 minutes
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx
from telegram import Bot
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import Application, ContextTypes
from telegram.warnings import PTBDeprecationWarning

from office import reminders
from office.reminders import Claim, Throttled
from storage.deadlines import fast_outbox_commit
from storage.db import Database

logger = logging.getLogger(__name__)

JOB_NAME = "alert-dispatcher"
# Bounds of one send; the claim's heartbeat keeps it alive however long the rate limiter waits.
SEND_TIMEOUTS = {"connect_timeout": 5.0, "write_timeout": 10.0, "read_timeout": 10.0, "pool_timeout": 5.0}
RETRY_LATER = timedelta(seconds=30)
# Errors after which the chat can never receive the bot's messages again.
CHAT_GONE = ("chat not found", "bot was kicked", "bot is not a member", "group chat was deactivated",
             "user is deactivated", "peer_id_invalid", "chat_write_forbidden")

Render = Callable[[Claim], tuple[str, Any]]


def _never_left(error: TelegramError) -> bool:
    """Whether the request certainly did not reach Telegram (so sending again cannot duplicate)."""
    return isinstance(error.__cause__, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)


def retry_delay(error: RetryAfter) -> timedelta:
    """How long Telegram asked to wait."""
    with warnings.catch_warnings():
        # PTB 22 warns that `retry_after` becomes a timedelta in v23; both are handled here.
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        delay = error.retry_after
    return delay if isinstance(delay, timedelta) else timedelta(seconds=delay)


@dataclass
class DispatchStats:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    uncertain: int = 0
    chats_gone: list[str] = field(default_factory=list)


class Dispatcher:
    """Claims, sends and records the reminders of `channels` for one process (`worker` names it in
    the claims). This one sends on Telegram; bot/dingtalk/alerts.py sends DingTalk's rows."""

    channels: tuple[str, ...] = ("telegram",)

    def __init__(self, db: Database, render: Render, *, worker: str | None = None,
                 clock: Callable[[], datetime]) -> None:
        self.db = db
        self.render = render
        self.worker = worker or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.clock = clock

    def _transaction(self, function: Callable[..., Any], **kwargs: Any) -> Any:
        with self.db.transaction() as session:
            fast_outbox_commit(session)
            return function(session=session, **kwargs)

    async def _db(self, function: Callable[..., Any], **kwargs: Any) -> Any:
        # The database work runs off the event loop: a busy SQLite lock must not freeze the bot.
        return await asyncio.to_thread(self._transaction, function, **kwargs)

    async def run(self, bot: Any, *, keep_going: Callable[[], bool] = lambda: True) -> DispatchStats:
        """Send every reminder that is due now, one at a time, through `bot` (the channel's sender);
        returns what happened."""
        stats = DispatchStats()
        while keep_going():
            claim = await self._db(reminders.claim_next, worker=self.worker, now=self.clock(), channels=self.channels)
            if claim is None:
                break
            if isinstance(claim, Throttled):
                await asyncio.sleep(max((claim.until - self.clock()).total_seconds(), 0.05))
                continue
            if not await self._deliver(bot, claim, stats):
                break  # Telegram asked us to slow down: the next tick continues
        return stats

    async def _heartbeat(self, claim: Claim) -> None:
        while True:
            await asyncio.sleep(reminders.CLAIM_HEARTBEAT.total_seconds())
            await self._db(reminders.keep_claim, claim=claim, worker=self.worker, now=self.clock())

    async def _deliver(self, bot: Bot, claim: Claim, stats: DispatchStats) -> bool:
        """Send one claimed reminder and record the outcome; False after a RetryAfter."""
        text, markup = self.render(claim)
        heartbeat = asyncio.create_task(self._heartbeat(claim))
        try:
            message = await bot.send_message(int(claim.chat_id), text, reply_markup=markup, parse_mode="HTML",
                                              **SEND_TIMEOUTS)
        except RetryAfter as error:
            heartbeat.cancel()
            wait = retry_delay(error)
            await self._db(reminders.record_not_sent, claim=claim, worker=self.worker,
                           retry_at=self.clock() + wait, error=f"RetryAfter {wait.total_seconds():.0f}s")
            stats.retried += 1
            return False
        except ChatMigrated as error:
            heartbeat.cancel()
            await self._db(reminders.record_chat_migrated, claim=claim, worker=self.worker,
                           new_chat_id=str(error.new_chat_id))
            stats.retried += 1
        except (Forbidden, BadRequest) as error:
            heartbeat.cancel()
            await self._refused(claim, error, stats)
        except (TimedOut, NetworkError) as error:
            heartbeat.cancel()
            reason = f"{error} ({error.__cause__!r})" if error.__cause__ else str(error)
            if _never_left(error):
                await self._db(reminders.record_not_sent, claim=claim, worker=self.worker,
                               retry_at=self.clock() + RETRY_LATER, error=f"not sent: {reason}")
                stats.retried += 1
            else:
                logger.warning("reminder %s: no answer from Telegram (%s); marked uncertain, not repeated",
                               claim.reminder_id, reason)
                await self._db(reminders.record_uncertain, claim=claim, worker=self.worker, error=reason)
                stats.uncertain += 1
        except TelegramError as error:
            heartbeat.cancel()
            await self._db(reminders.record_failed, claim=claim, worker=self.worker, error=str(error))
            stats.failed += 1
        else:
            # Everything between Telegram accepting the message and this commit is the duplicate
            # window, so it is bare: committed right here on the event loop (a thread hop costs
            # more than this one-row UPDATE), the heartbeat stopped only afterwards.
            recorded = self._transaction(reminders.record_sent, claim=claim, worker=self.worker,
                                         message_id=message.message_id, now=self.clock())
            heartbeat.cancel()
            if not recorded:
                logger.warning("reminder %s was sent after its claim expired", claim.reminder_id)
            stats.sent += 1
        return True

    async def _refused(self, claim: Claim, error: TelegramError, stats: DispatchStats) -> None:
        reason = str(error)
        if isinstance(error, Forbidden) or any(marker in reason.lower() for marker in CHAT_GONE):
            kinds = await self._db(reminders.record_chat_gone, claim=claim, worker=self.worker, error=reason)
            logger.warning("chat %s cannot receive alerts (%s); subscriptions ended: %s",
                           claim.chat_id, reason, ", ".join(kinds) or "none")
            stats.chats_gone.append(claim.chat_id)
        else:
            logger.error("reminder %s refused by Telegram: %s", claim.reminder_id, reason)
            await self._db(reminders.record_failed, claim=claim, worker=self.worker, error=reason)
            stats.failed += 1


def schedule(application: Application, render: Render) -> None:
    """Tick the dispatcher every ALERT_POLL_SECONDS from the start of `application`."""
    services = application.bot_data.services
    dispatcher = Dispatcher(services.db, render, clock=services.clock.utcnow)
    application.bot_data.dispatcher = dispatcher

    async def tick(context: ContextTypes.DEFAULT_TYPE) -> None:
        await dispatcher.run(context.bot, keep_going=lambda: context.application.running)

    # One tick at a time (a long burst delays the next tick instead of overlapping it); a late
    # tick still runs (APScheduler would drop one more than a second late by default).
    application.job_queue.run_repeating(
        tick,
        interval=services.settings.alert_poll_seconds,
        first=0,
        name=JOB_NAME,
        job_kwargs={"max_instances": 1, "coalesce": True, "misfire_grace_time": None},
    )
