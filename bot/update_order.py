"""Updates of different chats are handled concurrently; the updates of one chat stay in order.

PTB handles one update at a time by default, so one slow question (the Q&A engine takes a few
hundred milliseconds) holds up everybody. Fully concurrent handling would let two quick messages
of one person overtake each other and confuse the guided forms (ConversationHandler). Ordering
per chat keeps what a person sees consistent while other chats proceed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

MAX_CONCURRENT_UPDATES = 64


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """At most `max_concurrent_updates` at once, and one at a time per chat (FIFO)."""

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        # Called once an update's handlers have finished, failed or not (bot/update_inbox.py marks it done).
        self.after: Callable[[object], Awaitable[None]] | None = None
        self._locks: dict[int | None, asyncio.Lock] = {}
        self._users: dict[int | None, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        key = chat.id if chat else None
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock:
                try:
                    await coroutine
                finally:
                    if self.after is not None:
                        await self.after(update)
        finally:
            # Forget quiet chats so the table does not grow with every chat ever seen.
            self._users[key] -= 1
            if not self._users[key]:
                del self._users[key], self._locks[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""
