"""The Telegram adapter of the conversation core (handlers/conversation.py).

An update becomes an `Incoming` (a message's text, or a pressed button's data); the core's
`Response` becomes Telegram HTML (escaped, split below 4096 characters), inline keyboards, edits
of the pressed message, callback answers and messages to other chats. Nothing else in the flows
knows Telegram. The terminal chat (`officebot chat`) runs the same application on an in-memory
Bot API, so it goes through here too: try `/deadline` there.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from telegram import Bot, CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatMemberStatus
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application, BaseHandler, ContextTypes

from bot import scheduler
from bot.services import Services
from handlers.conversation import Conversation
from handlers.deadlines import alert_reply
from handlers.html import escape, split_html
from handlers.messages import APPEND, BOLD, Button, Incoming, Notice, Reply, Response, Rich
from office.deadlines import alert_policy
from office.directory import ANONYMOUS_ADMIN_ID
from office.reminders import Claim

logger = logging.getLogger(__name__)
CHANNEL = "telegram"


def render_html(text: Rich) -> str:
    return "".join(f"<b>{escape(span.text)}</b>" if span.style == BOLD else escape(span.text) for span in text.spans)


def keyboard(rows: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in rows])


def _account(update: Update) -> str | None:
    """The sender's Telegram id; None when sent as the group (anonymous admin) or as a channel."""
    user = update.effective_user
    if user is None or user.id == ANONYMOUS_ADMIN_ID:
        return None
    message = update.message
    if message is not None and message.sender_chat is not None:
        return None
    return str(user.id)


def incoming_of(update: Update, bot_username: str | None) -> Incoming | None:
    """The update as the core reads it; None for what the core never takes (edits, media, other bots' commands)."""
    query = update.callback_query
    if query is not None:
        chat = query.message.chat if query.message is not None else None
        chat_id = chat.id if chat is not None else query.from_user.id
        private = chat is None or chat.type == "private"
        return Incoming(CHANNEL, str(chat_id), private, _account(update), button=query.data or "",
                        update_id=str(update.update_id))
    message = update.message
    if message is None or message.text is None:
        return None
    text = message.text
    if text.startswith("/"):
        _, _, addressee = text.split(maxsplit=1)[0].partition("@")
        if addressee and addressee.lower() != (bot_username or "").lower():
            return None  # "/deadline@otherbot": not ours
    return Incoming(CHANNEL, str(message.chat.id), message.chat.type == "private", _account(update), text=text,
                    update_id=str(update.update_id))


async def _is_group_admin(bot: Bot, incoming: Incoming) -> bool:
    """Asked live (getChatMember): a demoted admin loses the right at once."""
    try:
        member = await bot.get_chat_member(int(incoming.chat_id), int(incoming.account or 0))
    except TelegramError:
        return False  # unknown to Telegram: not an admin
    return member.status in (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)


async def deliver(update: Update, bot: Bot, response: Response, services: Services) -> None:
    """Show the response: replies in the chat (or on the pressed message), then the notices (those
    for another channel through that channel's sender in `services.outgoing`)."""
    query = update.callback_query
    answered = False
    for reply in response.replies:
        if query is not None and reply.alert:
            await _answer(query, reply.text.plain()[:200], show_alert=True)
            answered = True
        elif query is not None and reply.edit and query.message is not None:
            text = render_html(reply.text)
            if reply.edit == APPEND:
                text = f"{query.message.text_html}\n{text}"
            await query.edit_message_text(split_html(text)[0], reply_markup=keyboard(reply.buttons))
        else:
            await _send(update.effective_message.reply_text, reply)
    if query is not None and not answered:
        await _answer(query, response.toast or None)
    for notice in response.notices:
        await send_anywhere(bot, notice, services)


async def send_anywhere(bot: Bot, notice: Notice, services: Services) -> bool:
    """A notice on its own channel: Telegram's here, another one's through `services.outgoing`."""
    if notice.channel in ("", CHANNEL):
        return await send_notice(bot, notice)
    send = services.outgoing.get(notice.channel)
    if send is None:
        logger.warning("no %s channel runs in this process: notice to %s not sent", notice.channel, notice.chat_id)
        return False
    return await send(notice)


async def _answer(query: CallbackQuery, text: str | None, **kwargs: Any) -> None:
    """Answer a button press; a press answered late (replayed after a restart) is too old for Telegram,
    which must not keep the rest of the response from being sent."""
    try:
        await query.answer(text, **kwargs)
    except BadRequest as error:
        logger.info("could not answer button press %s: %s", query.id, error)


async def _send(send: Callable[..., Any], reply: Reply) -> None:
    parts = split_html(render_html(reply.text))
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        await send(part, reply_markup=keyboard(reply.buttons) if last else None)


async def send_notice(bot: Bot, notice: Notice) -> bool:
    """Deliver a notice; False (logged) when Telegram refuses, so the flow's reply can say so."""
    try:
        await _send(lambda text, **kwargs: bot.send_message(int(notice.chat_id), text, **kwargs), notice.reply)
    except TelegramError as error:
        logger.warning("could not message chat %s: %s", notice.chat_id, error)
        return False
    return True


class CoreHandler(BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]):
    """Takes the updates the core claims, in this handler's place among the PTB handlers."""

    def __init__(self, core: Conversation, bot: Bot, services: Services) -> None:
        super().__init__(self._unused)
        self.core = core
        self._bot = bot
        self._services = services

    def check_update(self, update: object) -> Incoming | None:
        if not isinstance(update, Update):
            return None
        incoming = incoming_of(update, self._bot.username)
        return incoming if incoming is not None and self.core.claims(incoming) else None

    async def handle_update(self, update: Update, application: Any, check_result: Incoming, context: Any) -> None:
        incoming = check_result
        if self.core.asks_group_admin(incoming) and incoming.account is not None:
            incoming = replace(incoming, sender_is_group_admin=await _is_group_admin(context.bot, incoming))
        # The flows are synchronous database work: off the event loop, so other chats proceed.
        response = await asyncio.to_thread(self.core.respond, incoming)
        await deliver(update, context.bot, response, self._services)
        await asyncio.to_thread(self.core.delivered, incoming)

    async def _unused(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        raise AssertionError("handle_update answers every update this handler takes")


def alert_renderer(tz: ZoneInfo, clock: Callable[[], datetime]) -> scheduler.Render:
    """The dispatcher's Telegram message for a claimed reminder."""

    def render(claim: Claim) -> tuple[str, InlineKeyboardMarkup | None]:
        reply = alert_reply(claim, tz=tz, now=clock())
        return render_html(reply.text), keyboard(reply.buttons)

    return render


def register(application: Application, services: Services, features: list[Any]) -> CoreHandler:
    """Put the core's handler here in the handler order, and start the alert dispatcher."""
    alert_policy()  # a mistyped ALERT_LEAD_TIMES* stops the start here, not at the first deadline
    handler = CoreHandler(Conversation(services, features), application.bot, services)
    application.add_handler(handler)
    services.outgoing[CHANNEL] = lambda notice: send_notice(application.bot, notice)
    scheduler.schedule(application, alert_renderer(services.settings.tz, services.clock.utcnow))
    return handler
