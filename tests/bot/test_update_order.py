"""Updates: concurrent across chats, in order within a chat."""

from __future__ import annotations

import asyncio

from telegram import Chat, Message, Update

from bot.update_order import PerChatUpdateProcessor


def update_in(chat_id: int, update_id: int) -> Update:
    message = Message(update_id, None, Chat(chat_id, Chat.PRIVATE), text="x")
    return Update(update_id, message=message)


async def test_other_chats_go_ahead_while_one_chat_waits_its_turn():
    processor = PerChatUpdateProcessor()
    first_may_finish, first_started = asyncio.Event(), asyncio.Event()
    log: list[str] = []

    async def handle(name: str, wait: asyncio.Event | None = None) -> None:
        log.append(f"{name} start")
        first_started.set()
        if wait:
            await wait.wait()
        log.append(f"{name} end")

    async with processor:
        slow = asyncio.create_task(processor.process_update(update_in(1, 1), handle("a1", first_may_finish)))
        await first_started.wait()
        queued = asyncio.create_task(processor.process_update(update_in(1, 2), handle("a2")))
        await processor.process_update(update_in(2, 3), handle("b1"))
        assert log == ["a1 start", "b1 start", "b1 end"]  # chat 2 did not wait for chat 1

        first_may_finish.set()
        await asyncio.gather(slow, queued)
    assert log[3:] == ["a1 end", "a2 start", "a2 end"]  # chat 1 kept its order
    assert not processor._locks, "quiet chats are forgotten"
