"""The last handler: a button press that no feature claimed gets a polite 已过期 and nothing else.

That covers buttons of messages from older versions, data that fails a feature's validation, and
forged callback data. Try it: press a button under a message the bot no longer knows about.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes

COMMANDS: list[tuple[str, str]] = []

EXPIRED = "已过期"


async def expired(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.callback_query.answer(EXPIRED)


def register(application: Application) -> None:
    application.add_handler(CallbackQueryHandler(expired))
