"""Sends the `Notice`s an office operation returned, from the web process, over the Telegram Bot API.

The bot process is not involved: a python-telegram-bot `Bot` with the settings' token and API
address (as bot/app.py builds it) sends each notice as plain text. The page is told, per
recipient, who was and who was not reached, so nothing fails silently.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from telegram import Bot
from telegram.error import TelegramError

from bot.settings import Settings
from office.notices import Notice

logger = logging.getLogger(__name__)


@dataclass
class Delivery:
    told: list[str] = field(default_factory=list)
    not_told: list[str] = field(default_factory=list)


def _who(notice: Notice) -> str:
    if notice.recipient:
        return notice.recipient
    return "区政府办公室群" if notice.telegram_id is None else f"Telegram ID {notice.telegram_id}"


async def deliver(settings: Settings, notices: list[Notice]) -> Delivery:
    delivery = Delivery()
    if not notices:
        return delivery
    if not settings.telegram_bot_token:
        delivery.not_told = [f"{_who(n)}(未配置 TELEGRAM_BOT_TOKEN)" for n in notices]
        return delivery
    bot = Bot(settings.telegram_bot_token, base_url=settings.telegram_base_url,
              base_file_url=settings.telegram_base_file_url)
    async with bot:
        for notice in notices:
            chat_id = notice.telegram_id if notice.telegram_id is not None else settings.office_chat_id
            if chat_id is None:
                delivery.not_told.append(f"{_who(notice)}(未配置 OFFICE_CHAT_ID)")
                continue
            try:
                await bot.send_message(chat_id, notice.text)
            except TelegramError as exc:
                logger.warning("could not message chat %s: %s", chat_id, exc)
                delivery.not_told.append(f"{_who(notice)}(Telegram 拒绝:{exc})")
            else:
                delivery.told.append(_who(notice))
    return delivery
