"""The real bot application (bot/app.py) on an in-memory Bot API, for the leave and staff handler tests.

Not a test module: `running_bot(db, tmp_path, clock=clock)` starts polling in-process and yields a
`Chat` helper; the bot reads the test's clock (tests/conftest.py), so "明天" means the same day to both.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bot.app import build_application
from bootstrap.clock import Clock
from bot.local_api import LocalBotApi, LocalRequest
from bootstrap.services import Services
from bootstrap.settings import Settings
from office.directory import add_member
from storage.people import Role

OFFICE_CHAT = -100500
MAYOR, EXEC_VICE, VICE, OFFICE, HEAD, CLERK, STRANGER, ADMIN = 11, 12, 13, 14, 16, 17, 99, 500
PEOPLE = (
    (MAYOR, "王区长", "区政府", Role.MAYOR, ()),
    (EXEC_VICE, "李常务", "区政府", Role.EXECUTIVE_VICE_MAYOR, ()),
    (VICE, "赵副区长", "区政府", Role.VICE_MAYOR, ("区财政局",)),
    (OFFICE, "钱主任", "区政府办公室", Role.OFFICE, ()),
    (HEAD, "孙局长", "区财政局", Role.UNIT_HEAD, ()),
    (CLERK, "周科员", "区财政局", Role.STAFF, ()),
)


class Chat:
    """The user side: people type and press; the bot's messages are awaited, never slept for."""

    def __init__(self, api: LocalBotApi) -> None:
        self.api = api

    async def send(self, user: int, text: str, chat: int | None = None) -> dict:
        """Send `text`; returns the bot's first message in that chat after it."""
        sent = self.api.send_text(user, text, chat_id=chat)
        return await self.api.wait_message(chat or user, after=sent["message_id"])

    async def next_message(self, chat: int, after: int = 0, containing: str = "") -> dict:
        return await self.api.wait_message(chat, lambda m: containing in m.get("text", m.get("caption", "")), after=after)

    async def press(self, user: int, message: dict, button: str) -> dict:
        """Press a button; returns the callback answer {"text", "show_alert"}."""
        return await self.api.wait_callback_answer(self.api.press(user, message, button))

    async def press_data(self, user: int, message: dict, data: str) -> dict:
        return await self.api.wait_callback_answer(self.api.press_data(user, message, data))

    def last_id(self, chat: int) -> int:
        history = self.api.history.get(chat, [])
        return history[-1]["message_id"] if history else 0

    def current(self, message: dict) -> dict:
        """The message as it is now (after edits)."""
        return self.api.messages[(message["chat"]["id"], message["message_id"])]

    @staticmethod
    def buttons(message: dict) -> list[str]:
        return [b["text"] for row in message.get("reply_markup", {}).get("inline_keyboard", []) for b in row]


@asynccontextmanager
async def running_bot(db, tmp_path: Path, *, clock: Clock, people=PEOPLE, seed: bool = True) -> AsyncIterator[Chat]:  # type: ignore[no-untyped-def]
    """`seed=False`: the directory is already in `db` (a restarted bot, a second replica)."""
    with db.transaction() as session:
        for telegram_id, name, unit, role, oversees in people if seed else ():
            add_member(session=session, actor=None, telegram_id=telegram_id, name=name, unit=unit,
                       role=role, oversees=oversees)
    settings = Settings(_env_file=None, telegram_bot_token="1:test", data_dir=tmp_path, database_url=db.url,
                        admin_telegram_ids=[ADMIN], office_chat_id=OFFICE_CHAT)
    api = LocalBotApi("1:test")
    for telegram_id, name, *_ in people:
        api.add_user(telegram_id, name)
    api.add_user(STRANGER, "路人")
    api.add_user(ADMIN, "管理员")
    api.add_group(OFFICE_CHAT, "区政府办公室群", members=[OFFICE, ADMIN])
    application = build_application(Services(settings=settings, db=db, clock=clock), request=LocalRequest(api))
    await application.initialize()
    await application.start()
    await application.updater.start_polling(poll_interval=0, timeout=1)
    try:
        yield Chat(api)
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()
