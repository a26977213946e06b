"""The global error handler: log the failure with its context, tell the user politely.

One bad update never stops the bot (PTB keeps processing); the user sees 出错了,请稍后再试
and never an internal detail. Try it: any handler that raises.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

logger = logging.getLogger(__name__)

SORRY = "出错了,请稍后再试。"


def describe(update: object) -> str:
    """Who did what, for the log line (text shortened: it can be long or private)."""
    if not isinstance(update, Update):
        return repr(update)[:200]
    parts = [f"update {update.update_id}"]
    if update.effective_chat:
        parts.append(f"chat {update.effective_chat.id}")
    if update.effective_user:
        parts.append(f"user {update.effective_user.id}")
    if update.callback_query:
        parts.append(f"button {update.callback_query.data!r}")
    elif update.effective_message and update.effective_message.text:
        parts.append(f"text {update.effective_message.text[:80]!r}")
    return ", ".join(parts)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    logger.error("error while handling %s", describe(update), exc_info=context.error)
    if not isinstance(update, Update):
        return
    try:
        if update.callback_query:
            await update.callback_query.answer(SORRY)
        elif update.effective_message:
            await update.effective_message.reply_text(SORRY)
    except TelegramError:
        # Telegram itself may be the failure (or the query already answered); the log has it.
        logger.warning("could not tell the user about the error in %s", describe(update))
