"""Assembles the PTB `Application` from the feature modules in `FEATURES`.

A feature module in `handlers/` written against the channel-neutral conversation core
(handlers/conversation.py) exposes `COMMANDS`, `BUTTON_PREFIX`, `FORMS` and `handle(turn)`; one not
moved yet exposes `COMMANDS` and `register(application)` (its own PTB handlers). Both kinds are
listed in `FEATURES` below, in the order they are tried: the first that takes an update answers it
(bot/telegram_flows.py puts the core's handler for a core feature at its place), so guided forms
(which capture free text while they are open) come before the free-text Q&A, and `expired` (the
catch-all for buttons nobody claims) is last.

Callback data convention: "<prefix>:<payload>", at most 64 bytes; Q&A uses "qa:" (its ratings
"qa:fb:"), leave reports "lv:" (their confirmation cards "lv:card:", the guided form "lv:f:"),
agenda items "ag:", deadlines "dl:".

Try it: with TELEGRAM_BOT_TOKEN in `.env`, `officebot run` (long polling; WEBHOOK_URL for webhook
mode); without a token, `officebot chat` runs this same application in the terminal.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from dataclasses import dataclass

from telegram import BotCommand
from telegram.constants import ParseMode
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes, Defaults
from telegram.request import BaseRequest
from telegram.warnings import PTBUserWarning

from bot import telegram_errors, telegram_flows
from bot.scheduler import Dispatcher
from bootstrap.services import Services
from bot.update_inbox import InboxQueue
from bot.update_order import PerChatUpdateProcessor
from handlers import console, expired, feedback, leave, leave_decisions, leave_lists, qa, staff, start
from handlers import deadlines, subscriptions
from handlers import agenda, agenda_review, meetings

logger = logging.getLogger(__name__)

# Our guided forms mix typed answers with buttons, so per_message=False is the right setting;
# PTB warns about that combination for every ConversationHandler at start (its FAQ: harmless).
warnings.filterwarnings("ignore", message="If 'per_message=False'", category=PTBUserWarning)

# Feature modules, in handler priority order. Add yours before `qa` (free text) and `expired`.
# On the conversation core: every feature (start, feedback, leave, leave_decisions, leave_lists,
# staff, deadlines, subscriptions, meetings, agenda, agenda_review, console, qa, expired).
FEATURES: tuple = (
    start,
    feedback,
    leave,
    leave_decisions,
    leave_lists,
    staff,
    deadlines,
    subscriptions,
    meetings,
    agenda,
    agenda_review,
    console,
    qa,
    expired,
)


def bot_commands() -> list[BotCommand]:
    """The command menu (setMyCommands), gathered from the feature modules."""
    return [BotCommand(name, description) for module in FEATURES for name, description in module.COMMANDS]


@dataclass
class BotData:
    """The Telegram application's `bot_data`, typed: what its handlers and jobs share."""

    services: Services | None = None
    dispatcher: Dispatcher | None = None


def services_of(application: Application) -> Services:
    services = application.bot_data.services
    if services is None:
        raise RuntimeError("build_application stores the services before the application starts")
    return services


async def _post_init(application: Application) -> None:
    await application.bot.set_my_commands(bot_commands())
    services = services_of(application)
    # Load the Q&A index before taking updates, so the first question is not the slow one.
    # A broken index must not keep the other features down: questions then get the error reply.
    try:
        await asyncio.to_thread(lambda: services.qa)
    except Exception:
        logger.exception("the rules Q&A engine could not be loaded; questions will fail")
    if isinstance(application.update_queue, InboxQueue):
        await application.update_queue.requeue_pending(application.bot)


def build_application(
    services: Services, *, request: BaseRequest | None = None, update_queue: InboxQueue | None = None,
    dispatch_alerts: bool = True,
) -> Application:
    """The bot, wired to `services`, ready for `run_polling` / `run_webhook`.

    `request` replaces the HTTP connection to the Bot API (the terminal chat passes a
    `bot.local_api.LocalRequest`). With `update_queue`, every update is recorded before it is
    acknowledged and replayed after a crash (bot/update_inbox.py; `officebot run` uses it).
    `dispatch_alerts=False` leaves the reminder outbox to another process (see bot/chat.py).
    """
    settings = services.settings
    token = settings.telegram_bot_token
    if not token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(settings.telegram_base_url)
        .base_file_url(settings.telegram_base_file_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML, do_quote=True))
        .rate_limiter(AIORateLimiter(max_retries=3))
        .concurrent_updates(PerChatUpdateProcessor())
        .post_init(_post_init)
        .context_types(ContextTypes(bot_data=BotData))
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    if update_queue is not None:
        builder = builder.update_queue(update_queue)
    application = builder.build()
    if update_queue is not None:
        application.update_processor.after = update_queue.done  # type: ignore[attr-defined]
    application.bot_data.services = services
    telegram_flows.register(application, services, FEATURES, dispatch_alerts=dispatch_alerts)
    application.add_error_handler(telegram_errors.on_error)
    return application
