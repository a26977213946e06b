"""Assembles the PTB `Application`: every feature module registers its own handlers.

A feature module in `handlers/` exposes::

    COMMANDS: list[tuple[str, str]]     # (command, Chinese description) for the menu
    def register(application: Application) -> None

and is listed in `FEATURES` below, in the order its handlers should be tried.
"""

from __future__ import annotations

from telegram import BotCommand
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, Defaults
from telegram.constants import ParseMode

from bot.services import Services

# Feature modules, in handler priority order (commands first, free-text Q&A last).
FEATURES: tuple = ()


def bot_commands() -> list[BotCommand]:
    """The command menu (setMyCommands), gathered from the feature modules."""
    return [BotCommand(name, description) for module in FEATURES for name, description in module.COMMANDS]


async def _post_init(application: Application) -> None:
    await application.bot.set_my_commands(bot_commands())


def build_application(services: Services) -> Application:
    """The bot, wired to `services`, ready for `run_polling` / `run_webhook`."""
    settings = services.settings
    if not settings.telegram_bot_token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    application = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token)
        .base_url(settings.telegram_base_url)
        .base_file_url(settings.telegram_base_file_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .rate_limiter(AIORateLimiter(max_retries=3))
        .post_init(_post_init)
        .build()
    )
    application.bot_data["services"] = services
    for module in FEATURES:
        module.register(application)
    return application
