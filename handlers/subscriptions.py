"""/subscribe and /unsubscribe: a group chooses which deadline alerts it receives.

    /subscribe 议题 外事        this group receives the alerts of those kinds (全部 = every kind)
    /subscribe                 shows what the group receives
    /unsubscribe 舆情           stops one kind; without arguments stops all

Only in groups, and only for that group's admins (asked from Telegram with getChatMember) who are
in the staff directory, or 办公室 staff / ADMIN_TELEGRAM_IDS: alerts name people and their absences,
so a stranger who adds the bot to a group of their own must not be able to subscribe it. Try it:
add the bot to a group and send /subscribe 全部.
"""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError
from telegram.ext import Application, CommandHandler, ContextTypes

from bot.services import services_of
from handlers.access import ANONYMOUS_REFUSED, refuse
from handlers.html import escape
from office.directory import ANONYMOUS_ADMIN_ID, find_member, is_admin
from office.subscriptions import (
    KIND_CHOICES,
    SubscriptionError,
    kind_label,
    parse_kinds,
    subscribe,
    subscribed_kinds,
    unsubscribe,
)

COMMANDS = [
    ("subscribe", "本群订阅期限提醒(群管理员)"),
    ("unsubscribe", "本群退订期限提醒(群管理员)"),
]

GROUPS_ONLY = "请在需要接收提醒的群里使用此命令。"
NOT_ALLOWED = "只有本群管理员或区政府办公室人员可以设置本群的期限提醒。"
NOT_REGISTERED = "您尚未登记在区政府人员名录中,不能为本群订阅期限提醒。请联系区政府办公室登记。"
GROUP_ADMIN = (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)


async def _allowed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """In a group, sent by one of its admins (checked live with getChatMember) or by the office."""
    chat, user = update.effective_chat, update.effective_user
    if chat.type not in (ChatType.GROUP, ChatType.SUPERGROUP):
        await refuse(update, GROUPS_ONLY)
        return False
    message = update.effective_message
    if user is None or user.id == ANONYMOUS_ADMIN_ID or message.sender_chat is not None:
        await refuse(update, ANONYMOUS_REFUSED)
        return False
    services = services_of(context)
    with services.db.transaction() as session:
        if is_admin(session=session, telegram_id=user.id, settings_admin_ids=services.settings.admin_telegram_ids):
            return True
        registered = find_member(session=session, telegram_id=user.id) is not None
    try:
        status = (await context.bot.get_chat_member(chat.id, user.id)).status
    except TelegramError:
        status = None  # unknown to Telegram: not an admin
    if status not in GROUP_ADMIN:
        await refuse(update, NOT_ALLOWED)
        return False
    if not registered:
        await refuse(update, NOT_REGISTERED)
        return False
    return True


def _words(update: Update) -> list[str]:
    return (update.effective_message.text or "").split()[1:]


def _labels(kinds: list[str]) -> str:
    return "、".join(kind_label(kind) for kind in kinds)


async def subscribe_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not await _allowed(update, context):
        return
    services, chat_id = services_of(context), update.effective_chat.id
    words = _words(update)
    try:
        kinds = parse_kinds(words)
    except SubscriptionError as error:
        await update.effective_message.reply_text(escape(str(error)))
        return
    with services.db.transaction() as session:
        if not kinds:
            current = subscribed_kinds(session=session, chat_id=chat_id)
        else:
            added = subscribe(session=session, chat_id=chat_id, kinds=kinds, actor_telegram_id=update.effective_user.id,
                              now=services.now(), tz=services.settings.tz)
            current = subscribed_kinds(session=session, chat_id=chat_id)
    if not kinds:
        now_text = _labels(current) if current else "无"
        await update.effective_message.reply_text(f"本群当前订阅:{now_text}。\n用法:/subscribe 类型…(可选:{KIND_CHOICES})")
        return
    new_text = f"已订阅:{_labels(added)}。" if added else "这些类型本群已订阅。"
    await update.effective_message.reply_text(f"{new_text}本群当前订阅:{_labels(current)}。")


async def unsubscribe_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not await _allowed(update, context):
        return
    services, chat_id = services_of(context), update.effective_chat.id
    try:
        kinds = parse_kinds(_words(update)) or None
    except SubscriptionError as error:
        await update.effective_message.reply_text(escape(str(error)))
        return
    with services.db.transaction() as session:
        ended = unsubscribe(session=session, chat_id=chat_id, kinds=kinds, actor_telegram_id=update.effective_user.id)
        current = subscribed_kinds(session=session, chat_id=chat_id)
    if not ended:
        await update.effective_message.reply_text("本群没有订阅这些类型的提醒。")
        return
    rest = f"仍订阅:{_labels(current)}。" if current else "本群不再接收期限提醒。"
    await update.effective_message.reply_text(f"已退订:{_labels(ended)}。{rest}")


def register(application: Application) -> None:
    application.add_handler(CommandHandler("subscribe", subscribe_command))
    application.add_handler(CommandHandler("unsubscribe", unsubscribe_command))
