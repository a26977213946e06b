"""Sends the `Notice`s of an agenda or meeting operation: private messages and office-group posts.

Review requests carry the 通过 / 退回 buttons (callback "ag:ok:<item>" / "ag:ret:<item>"), a draft
card 提交审核 / 删除草稿 ("ag:sub:<item>" / "ag:del:<item>"). A person
who never opened a private chat with the bot cannot be messaged; the caller learns their ids so
it can tell the sender whom to ask to /start the bot.
"""

from __future__ import annotations

import logging

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import TelegramError

from bot.services import Services
from handlers.html import escape
from office.notices import Notice

logger = logging.getLogger(__name__)


def review_buttons(item_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton("通过", callback_data=f"ag:ok:{item_id}"),
          InlineKeyboardButton("退回", callback_data=f"ag:ret:{item_id}")]]
    )


def draft_buttons(item_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton("提交审核", callback_data=f"ag:sub:{item_id}"),
          InlineKeyboardButton("删除草稿", callback_data=f"ag:del:{item_id}")]]
    )


async def send_notices(bot: Bot, services: Services, notices: list[Notice]) -> list[int]:
    """Send every notice (texts are escaped here); returns the chat ids Telegram refused."""
    failed = []
    for notice in notices:
        chat_id = notice.telegram_id if notice.telegram_id is not None else services.settings.office_chat_id
        if chat_id is None:
            continue  # no office group configured
        markup = review_buttons(notice.review_item_id) if notice.review_item_id is not None else None
        try:
            await bot.send_message(chat_id, escape(notice.text), reply_markup=markup)
        except TelegramError as exc:
            logger.warning("could not message chat %s: %s", chat_id, exc)
            failed.append(chat_id)
    return failed
