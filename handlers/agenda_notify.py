"""Sends the `Notice`s of an agenda or meeting operation: private messages and office-group posts.

Review requests carry the 通过 / 退回 buttons (callback "ag:ok:<item>" / "ag:ret:<item>"), a draft
card 提交审核 / 删除草稿 ("ag:sub:<item>" / "ag:del:<item>"). A person
who never opened a private chat with the bot cannot be messaged; `send_and_report` tells the sender
who was told and who was not (as the leave flow does), instead of claiming everyone was.
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


async def _send(bot: Bot, services: Services, notice: Notice) -> bool | None:
    """Send one notice (its text escaped here): True when delivered, False when Telegram refused it,
    None when it has nowhere to go (an office-group post without OFFICE_CHAT_ID)."""
    chat_id = notice.telegram_id if notice.telegram_id is not None else services.settings.office_chat_id
    if chat_id is None:
        return None
    markup = review_buttons(notice.review_item_id) if notice.review_item_id is not None else None
    try:
        await bot.send_message(chat_id, escape(notice.text), reply_markup=markup)
        if notice.attachment_file_id:
            await bot.send_document(chat_id, notice.attachment_file_id, caption="合法性审查意见(第五十一条)")
    except TelegramError as exc:
        logger.warning("could not message chat %s: %s", chat_id, exc)
        return False
    return True


async def send_notices(bot: Bot, services: Services, notices: list[Notice]) -> list[int]:
    """Send every notice; returns the chat ids Telegram refused."""
    failed = []
    for notice in notices:
        if await _send(bot, services, notice) is False:
            failed.append(notice.telegram_id if notice.telegram_id is not None else services.settings.office_chat_id)
    return failed


async def send_and_report(bot: Bot, services: Services, notices: list[Notice]) -> str:
    """Send every notice and say, for the sender, who was told and who was not (as the leave flow
    does): 「已通知…」 and 「未能通知…」 by the notices' recipients; "" when none is named."""
    reached, missed = [], []
    for notice in notices:
        delivered = await _send(bot, services, notice)
        if notice.recipient and delivered is not None:
            (reached if delivered else missed).append(notice.recipient)
    lines = [f"已通知{'、'.join(reached)}。"] if reached else []
    if missed:
        lines.append(f"未能通知{'、'.join(missed)}:本次消息未送达,请另行告知(个人须先私聊机器人发送 /start,之后才能收到消息)。")
    return "\n".join(lines)
