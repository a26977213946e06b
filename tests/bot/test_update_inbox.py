"""The update queue of `officebot run`: an update is committed to the inbox before it is taken (so
before Telegram hears that it arrived), taken once however often it comes, and queued again by the
next start when the process died before its handlers finished."""

from __future__ import annotations

import asyncio

from telegram import Update

from bootstrap.services import Services
from bootstrap.settings import Settings
from bot.update_inbox import InboxQueue
from storage import inbox

MESSAGE = {"update_id": 812, "message": {"message_id": 1, "date": 1764800000, "chat": {"id": 5, "type": "private"},
                                        "from": {"id": 5, "is_bot": False, "first_name": "孙"}, "text": "/deadlines"}}


def _services(db, tmp_path, clock) -> Services:  # type: ignore[no-untyped-def]
    return Services(settings=Settings(_env_file=None, data_dir=tmp_path, database_url=db.url), db=db, clock=clock)


def test_an_update_is_recorded_before_it_is_taken_and_taken_once(db, tmp_path, clock):
    queue = InboxQueue(_services(db, tmp_path, clock))
    update = Update.de_json(MESSAGE, None)

    async def deliver_twice() -> int:
        await queue.put(update)
        with db.transaction() as session:  # committed by the time put returns
            assert [update_id for update_id, _ in inbox.pending(session, channel="telegram")] == ["812"]
        await queue.put(Update.de_json(MESSAGE, None))  # Telegram's retry of the same update
        return queue.qsize()

    assert asyncio.run(deliver_twice()) == 1


def test_the_next_start_requeues_what_was_not_finished_and_nothing_else(db, tmp_path, clock):
    services = _services(db, tmp_path, clock)
    second = dict(MESSAGE, update_id=813)

    async def crash_after_one_of_two() -> None:
        queue = InboxQueue(services)
        await queue.put(Update.de_json(MESSAGE, None))
        await queue.put(Update.de_json(second, None))
        await queue.done(await queue.get())  # 812 handled; then kill -9 before 813 finished

    async def restart() -> list[int]:
        queue = InboxQueue(services)
        assert await queue.requeue_pending(None) == 1  # type: ignore[arg-type]
        return [queue.get_nowait().update_id for _ in range(queue.qsize())]

    asyncio.run(crash_after_one_of_two())
    assert asyncio.run(restart()) == [813]
