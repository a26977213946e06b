"""No update lost, in polling and in webhook mode: every update is written to the database inbox
(storage/inbox.py) before Telegram is told it arrived, and marked done when its handlers finish.

`InboxQueue` is the application's update queue. Whatever puts an update into it, the webhook
server (PTB's, which answers Telegram's POST only once `put` has returned) or `InboxPolling`
(which confirms a batch to Telegram only by the next getUpdates, after every `put`), waits for the
row to be committed; an update already in the inbox (Telegram's retry, a redelivery) is not queued
again. A kill -9 anywhere leaves the update either unconfirmed (Telegram sends it again and the
inbox recognises it) or recorded and not done: the next start queues it again (`requeue_pending`).
The flows on the conversation core record every update id they apply (storage/dialogs.py), so a
requeued update whose effects were committed just before the kill changes nothing.

PTB's own long polling confirms a batch as soon as it has queued it, hence `InboxPolling`. Try
it: start `officebot run`, send /deadline, kill -9 it, send the answer, start it again.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from telegram import Bot, Update
from telegram.error import NetworkError, RetryAfter, TimedOut
from telegram.ext import Application

from bot.scheduler import retry_delay
from bootstrap.services import Services
from storage import inbox

logger = logging.getLogger(__name__)
CHANNEL = "telegram"
POLL_TIMEOUT_SECONDS = 10
NETWORK_RETRY_SECONDS = 2.0
PRUNE_EVERY = timedelta(hours=1)


class InboxQueue(asyncio.Queue):  # type: ignore[type-arg]
    """An update queue that records each update before it takes it (see the module docstring)."""

    def __init__(self, services: Services) -> None:
        super().__init__()
        self._services = services
        self._pruned_at: datetime | None = None

    async def _db(self, function: Callable[..., Any], **kwargs: Any) -> Any:
        def call() -> Any:
            with self._services.db.transaction() as session:
                return function(session, **kwargs)

        return await asyncio.to_thread(call)

    async def put(self, item: object) -> None:
        if isinstance(item, Update):
            payload = json.dumps(item.to_dict(), ensure_ascii=False)
            fresh = await self._db(inbox.record, channel=CHANNEL, updates=[(str(item.update_id), payload)],
                                   now=self._services.clock.utcnow())
            if not fresh:
                return  # known: handled already, or queued (by this or another process)
        await super().put(item)

    async def requeue_pending(self, bot: Bot) -> int:
        """Queue the updates recorded before the last stop and never finished; returns how many."""
        rows = await self._db(inbox.pending, channel=CHANNEL)
        for _, payload in rows:
            await super().put(Update.de_json(json.loads(payload), bot))
        if rows:
            logger.info("replaying %d updates received before the last stop", len(rows))
        return len(rows)

    async def done(self, update: object) -> None:
        """Called by the update processor when the handlers of `update` have finished."""
        if not isinstance(update, Update):
            return
        now = self._services.clock.utcnow()
        await self._db(inbox.mark_done, channel=CHANNEL, update_id=str(update.update_id), now=now)
        if self._pruned_at is None or now - self._pruned_at > PRUNE_EVERY:
            self._pruned_at = now
            await self._db(inbox.forget_done, now=now)


class InboxPolling:
    """Feeds the application's `InboxQueue` from getUpdates; `run` until `stop` is set."""

    def __init__(self, application: Application, *, poll_timeout: int = POLL_TIMEOUT_SECONDS) -> None:
        if poll_timeout < 0:
            raise ValueError("poll_timeout must not be negative")
        if not isinstance(application.update_queue, InboxQueue):
            raise ValueError("the application must be built with an InboxQueue")
        self._application = application
        self._poll_timeout = poll_timeout
        self._offset: int | None = None

    async def run(self, stop: asyncio.Event) -> None:
        await self._application.bot.delete_webhook()  # getUpdates is refused while a webhook is set
        while not stop.is_set():
            fetch = asyncio.ensure_future(self._fetch())
            stopping = asyncio.ensure_future(stop.wait())
            finished, _ = await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
            if fetch not in finished:
                fetch.cancel()  # a long poll in flight: nothing it might bring is confirmed
                break
            stopping.cancel()
            for update in fetch.result():
                await self._application.update_queue.put(update)  # recorded before it is confirmed
            if fetch.result():
                self._offset = fetch.result()[-1].update_id + 1  # confirmed by the next getUpdates
        await self._confirm()

    async def _fetch(self) -> tuple[Update, ...]:
        try:
            return await self._application.bot.get_updates(
                offset=self._offset, timeout=self._poll_timeout, allowed_updates=Update.ALL_TYPES,
                read_timeout=self._poll_timeout + 10,
            )
        except RetryAfter as error:
            await asyncio.sleep(retry_delay(error).total_seconds())
        except TimedOut:
            pass
        except NetworkError as error:
            logger.warning("getUpdates failed (%s); retrying in %.0f s", error, NETWORK_RETRY_SECONDS)
            await asyncio.sleep(NETWORK_RETRY_SECONDS)
        return ()

    async def _confirm(self) -> None:
        """Confirm what is recorded, so a restart is not sent it again (it would be recognised anyway)."""
        if self._offset is None:
            return
        try:
            await self._application.bot.get_updates(offset=self._offset, timeout=0)
        except NetworkError as error:
            logger.warning("could not confirm the last updates (%s): Telegram will resend them", error)
