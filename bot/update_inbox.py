"""Long polling that loses no update: each batch from getUpdates is written to the database inbox
(storage/inbox.py) before the next getUpdates confirms it to Telegram, and each update is marked
done when its handlers have finished.

PTB's own Updater confirms a batch as soon as it has queued it, so a kill -9 while the batch is
being handled loses it. Here a kill anywhere leaves the update either unconfirmed (Telegram sends
it again and the inbox recognises it) or recorded and not done (replayed at the next start). A
replayed update whose effects had already been committed is not applied twice by the flows on
the conversation core, which record every update id they apply (storage/dialogs.py). `officebot
run` uses this in polling mode; try it: start the bot, send /deadline, kill -9 it, send the
answer, start it again.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.error import NetworkError, RetryAfter, TimedOut
from telegram.ext import Application

from bot.scheduler import retry_delay
from bot.services import Services
from storage import inbox

logger = logging.getLogger(__name__)
CHANNEL = "telegram"
POLL_TIMEOUT_SECONDS = 10
NETWORK_RETRY_SECONDS = 2.0


class InboxPolling:
    """Feeds `application` from getUpdates through the inbox; `run` until `stop` is set."""

    def __init__(self, application: Application, services: Services, *, poll_timeout: int = POLL_TIMEOUT_SECONDS) -> None:
        if poll_timeout < 0:
            raise ValueError("poll_timeout must not be negative")
        self._application = application
        self._services = services
        self._poll_timeout = poll_timeout
        self._offset: int | None = None

    def _db(self, function: Callable[..., object], **kwargs: object) -> Awaitable[object]:
        def call() -> object:
            with self._services.db.transaction() as session:
                return function(session, channel=CHANNEL, **kwargs)

        return asyncio.to_thread(call)

    async def replay(self) -> int:
        """Queue the updates recorded before the last stop and never finished; returns how many."""
        rows = await self._db(inbox.pending)
        bot = self._application.bot
        for _, payload in rows:  # type: ignore[union-attr]
            await self._application.update_queue.put(Update.de_json(json.loads(payload), bot))
        if rows:
            logger.info("replaying %d updates received before the last stop", len(rows))  # type: ignore[arg-type]
        return len(rows)  # type: ignore[arg-type]

    async def done(self, update: object) -> None:
        """Called by the update processor when the handlers of `update` have finished."""
        if isinstance(update, Update):
            await self._db(inbox.mark_done, update_id=str(update.update_id), now=self._services.clock.utcnow())

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
            await self._take(fetch.result())
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

    async def _take(self, updates: tuple[Update, ...]) -> None:
        if not updates:
            return
        now = self._services.clock.utcnow()
        rows = [(str(update.update_id), json.dumps(update.to_dict(), ensure_ascii=False)) for update in updates]
        fresh = set(await self._db(inbox.record, updates=rows, now=now))  # type: ignore[arg-type]
        await self._db(lambda session, channel: inbox.forget_done(session, now=now))
        for update in updates:
            if str(update.update_id) in fresh:  # a repeat is done, or queued by `replay`
                await self._application.update_queue.put(update)
        self._offset = updates[-1].update_id + 1  # confirmed by the next getUpdates, after the commit above

    async def _confirm(self) -> None:
        """Confirm what is recorded, so a restart is not sent it again (it would be recognised anyway)."""
        if self._offset is None:
            return
        try:
            await self._application.bot.get_updates(offset=self._offset, timeout=0)
        except NetworkError as error:
            logger.warning("could not confirm the last updates (%s): Telegram will resend them", error)
