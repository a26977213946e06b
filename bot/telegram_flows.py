"""The Telegram adapter of the conversation core (handlers/conversation.py).

An update becomes an `Incoming` (a message's text, an uploaded document's file id, or a pressed
button's data; in a group, whether it mentions the bot or replies to it); the core's `Response`
becomes Telegram HTML (escaped, bold and block quotes, split below 4096 characters), inline
keyboards, edits of the pressed message, documents, callback answers, messages to other chats
and the report of who was (not) reached. The core runs in a worker thread (it waits on the
database and the Q&A engine); "typing…" shows when a message takes longer than a second. An
edited command is not run again (Telegram delivers edits too); its sender is told so. Nothing
else in the flows knows Telegram. The terminal chat (`officebot chat`) runs the same application
on an in-memory Bot API, so it goes through here too: try `/deadline` there.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import replace
from datetime import datetime
from types import ModuleType
from typing import Any
from zoneinfo import ZoneInfo

from telegram import Bot, CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message, Update
from telegram.constants import ChatAction, ChatMemberStatus
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application, ApplicationHandlerStop, BaseHandler, ContextTypes, MessageHandler, filters

from bot import scheduler
from bootstrap.services import Services
from handlers.conversation import Conversation
from handlers.deadlines import alert_reply
from handlers.html import escape, split_html
from handlers.messages import APPEND, BOLD, Button, Incoming, Notice, Reply, Response, Rich
from office.actors import ANONYMOUS_ADMIN_ID
from office.reminders import Claim

logger = logging.getLogger(__name__)
CHANNEL = "telegram"
# Show "typing…" only when the answer takes longer than this, so quick answers cost one call.
TYPING_AFTER_SECONDS = 1.0
CAPTION_LIMIT = 1024  # Telegram's limit for a document's caption
EDITED_COMMAND = "修改已发送的命令不会重新执行,也不会撤销原命令;如需更改,请重新发送命令。"


def render_html(text: Rich) -> str:
    out, quoting = [], False
    for span in text.spans:
        if span.quoted != quoting:
            out.append("<blockquote>" if span.quoted else "</blockquote>")
            quoting = span.quoted
        out.append(f"<b>{escape(span.text)}</b>" if span.style == BOLD else escape(span.text))
    return "".join(out + (["</blockquote>"] if quoting else []))


def keyboard(rows: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in rows])


def buttons_of(markup: InlineKeyboardMarkup | None) -> tuple[tuple[Button, ...], ...]:
    """A message's inline keyboard as the core's buttons (URL buttons, which carry no data, left out)."""
    if markup is None:
        return ()
    rows = (tuple(Button(b.text, b.callback_data) for b in row if isinstance(b.callback_data, str))
            for row in markup.inline_keyboard)
    return tuple(row for row in rows if row)


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
        # Private means the presser's own chat with the bot (forged data pressed elsewhere is not).
        private = chat is None or (chat.type == "private" and chat.id == query.from_user.id)
        shown = buttons_of(query.message.reply_markup) if isinstance(query.message, Message) else ()
        return Incoming(CHANNEL, str(chat_id), private, _account(update), button=query.data or "",
                        update_id=str(update.update_id), shown_buttons=shown)
    message = update.message
    if message is not None and message.document is not None:
        return _document_of(update, message)
    if message is None or message.text is None:
        return None
    text = message.text
    if text.startswith("/"):
        _, _, addressee = text.split(maxsplit=1)[0].partition("@")
        if addressee and addressee.lower() != (bot_username or "").lower():
            return None  # "/deadline@otherbot": not ours
    private = message.chat.type == "private"
    addressed = not private and _addressed_to_bot(message)
    if addressed and bot_username:
        text = re.sub(re.escape(f"@{bot_username}"), " ", text, flags=re.IGNORECASE)
    return Incoming(CHANNEL, str(message.chat.id), private, _account(update), text=text,
                    update_id=str(update.update_id), addressed=addressed)


def _document_of(update: Update, message: Message) -> Incoming:
    """An uploaded document: the core hands it to the sender's open form, if any."""
    document = message.document
    return Incoming(CHANNEL, str(message.chat.id), message.chat.type == "private", _account(update),
                    text=message.caption or "", update_id=str(update.update_id),
                    file_id=document.file_id, file_name=document.file_name or "")


def _addressed_to_bot(message: Message) -> bool:
    """A group message for the bot: it mentions the bot or replies to one of its messages."""
    bot = message.get_bot()
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot.id:
        return True
    mention = f"@{bot.username}".lower()
    return any(text.lower() == mention for text in message.parse_entities(["mention"]).values())


async def _is_group_admin(bot: Bot, incoming: Incoming) -> bool:
    """Asked live (getChatMember): a demoted admin loses the right at once."""
    try:
        member = await bot.get_chat_member(int(incoming.chat_id), int(incoming.account or 0))
    except TelegramError:
        return False  # unknown to Telegram: not an admin
    return member.status in (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)


async def deliver(update: Update, bot: Bot, response: Response, services: Services) -> None:
    """Show the response: the button press answered first (a pop-up or the toast, so the spinner
    stops), then the replies in the chat (or on the pressed message), then the notices (those
    for another channel through that channel's sender in `services.outgoing`)."""
    query = update.callback_query
    if query is not None:
        alert = next((reply for reply in response.replies if reply.alert), None)
        if alert is not None:
            await _answer(query, alert.text.plain()[:200], show_alert=True)
        else:
            await _answer(query, response.toast or None)
    for reply in response.replies:
        if reply.alert:
            continue
        if query is not None and reply.edit and query.message is not None:
            await _edit_pressed(query, reply)
        elif reply.file is not None:
            await update.effective_message.reply_document(
                InputFile(reply.file.content, filename=reply.file.name),
                caption=split_html(render_html(reply.text), CAPTION_LIMIT)[0] or None, reply_markup=keyboard(reply.buttons))
        else:
            await _send(update.effective_message.reply_text, reply)
    reached: dict[str, bool] = {}  # recipient → one of their notices arrived
    for notice in response.notices:
        arrived = await send_anywhere(bot, notice, services)
        if notice.recipient:
            reached[notice.recipient] = reached.get(notice.recipient, False) or arrived
    report = response.delivery_report(reached)
    if report is not None:
        await _send(lambda text, **kwargs: bot.send_message(update.effective_chat.id, text, **kwargs), report)


async def _edit_pressed(query: Any, reply: Reply) -> None:
    if reply.edit == APPEND and not reply.text.spans:
        try:
            await query.edit_message_reply_markup(keyboard(reply.buttons))
        except TelegramError as error:  # the message may be too old to edit; what the press did stands
            logger.warning("could not change the buttons of a message: %s", error)
        return
    text = render_html(reply.text)
    if reply.edit == APPEND:
        text = f"{query.message.text_html}\n{text}"
    await query.edit_message_text(split_html(text)[0], reply_markup=keyboard(reply.buttons))


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
        if notice.attachment:
            await bot.send_document(int(notice.chat_id), notice.attachment, caption=notice.attachment_caption or None)
    except TelegramError as error:
        logger.warning("could not message chat %s: %s", notice.chat_id, error)
        return False
    return True


class CoreHandler(BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]):
    """Takes the updates the core gives `feature` (and, with `forms`, the answers to open forms),
    at the feature's place among the PTB handlers of the features not on the core yet."""

    def __init__(self, core: Conversation, bot: Bot, services: Services, feature: ModuleType, *,
                 forms: bool = False) -> None:
        super().__init__(self._unused)
        self.core = core
        self._bot = bot
        self._services = services
        self._feature = feature
        self._forms = forms

    def check_update(self, update: object) -> Incoming | None:
        if not isinstance(update, Update):
            return None
        incoming = incoming_of(update, self._bot.username)
        if incoming is None:
            return None
        if self.core.feature_for(incoming) is self._feature or (self._forms and self.core.answers_form(incoming)):
            return incoming
        return None

    async def handle_update(self, update: Update, application: Any, check_result: Incoming, context: Any) -> None:
        incoming = check_result
        if self.core.asks_group_admin(incoming) and incoming.account is not None:
            incoming = replace(incoming, sender_is_group_admin=await _is_group_admin(context.bot, incoming))
        # The flows are synchronous database work: off the event loop, so other chats proceed.
        async with _typing_if_slow(context.bot, incoming):
            response = await asyncio.to_thread(self.core.respond, incoming)
        await deliver(update, context.bot, response, self._services)
        await asyncio.to_thread(self.core.delivered, incoming)

    async def _unused(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        raise AssertionError("handle_update answers every update this handler takes")


@contextlib.asynccontextmanager
async def _typing_if_slow(bot: Bot, incoming: Incoming) -> AsyncIterator[None]:
    """"typing…" in the chat if a message (not a button press) takes longer than TYPING_AFTER_SECONDS."""
    async def typing_later() -> None:
        await asyncio.sleep(TYPING_AFTER_SECONDS)
        with contextlib.suppress(TelegramError):
            await bot.send_chat_action(int(incoming.chat_id), ChatAction.TYPING)

    task = asyncio.create_task(typing_later()) if incoming.button is None else None
    try:
        yield
    finally:
        if task is not None:
            task.cancel()


def _edited_command_handler(commands: set[str]) -> MessageHandler:
    """Telegram delivers an edited "/deadline …" again: say so instead of recording it twice."""

    async def edited_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        word = (update.effective_message.text or "").split(maxsplit=1)[0].lstrip("/")
        command, _, addressee = word.partition("@")
        if command.lower() not in commands or (addressee and addressee.lower() != (context.bot.username or "").lower()):
            return  # another bot's command: not ours to answer
        await update.effective_message.reply_text(EDITED_COMMAND)
        raise ApplicationHandlerStop

    return MessageHandler(filters.UpdateType.EDITED_MESSAGE & filters.COMMAND, edited_command)


def alert_renderer(tz: ZoneInfo, clock: Callable[[], datetime]) -> scheduler.Render:
    """The dispatcher's Telegram message for a claimed reminder."""

    def render(claim: Claim) -> tuple[str, InlineKeyboardMarkup | None]:
        reply = alert_reply(claim, tz=tz, now=clock())
        return render_html(reply.text), keyboard(reply.buttons)

    return render


def register(application: Application, services: Services, features: Sequence[ModuleType], *,
             dispatch_alerts: bool = True) -> Conversation:
    """The handlers of `features`, in their order: a core feature (one with `handle`) is answered by
    the core at its place, the others register their own PTB handlers; then (unless told not to)
    the alert dispatcher."""
    services.alert_policy  # a mistyped ALERT_LEAD_TIMES* stops the start here, not at the first deadline
    core = Conversation.of_features(services, features)
    # Before every feature (group -1): PTB's CommandHandler would otherwise run edited commands.
    application.add_handler(_edited_command_handler({name for name, _ in core.commands}), group=-1)
    for feature in features:
        if feature in core.features:
            application.add_handler(CoreHandler(core, application.bot, services, feature,
                                                forms=feature is core.features[0]))
        else:
            feature.register(application)
    services.outgoing[CHANNEL] = lambda notice: send_notice(application.bot, notice)
    if dispatch_alerts:
        scheduler.schedule(application, alert_renderer(services.settings.tz, services.clock.utcnow))
    return core
