"""Who may use a filing command or press a button: the sender must be in the staff directory.

People not registered get 请联系区政府办公室登记; the anonymous group admin (user id 1087968824)
is refused outright because it could be any admin of the group.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.services import services_of
from office.directory import ANONYMOUS_ADMIN_ID, StaffMember, find_member, is_admin

NOT_REGISTERED = "您尚未登记在区政府人员名录中,请联系区政府办公室登记。"
ANONYMOUS_REFUSED = "匿名管理员身份无法确认是谁,请用个人账号私聊机器人办理。"
NOT_ADMIN = "此功能仅限区政府办公室管理员使用。"


async def refuse(update: Update, text: str) -> None:
    """Tell the sender why nothing happened: an alert for a button, a reply for a message."""
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(text)


def _anonymous(update: Update) -> bool:
    """Sent as the group (anonymous admin) or as a channel: no person behind it can be named."""
    if update.effective_user is None or update.effective_user.id == ANONYMOUS_ADMIN_ID:
        return True
    message = update.message or update.edited_message
    return message is not None and message.sender_chat is not None


async def require_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> StaffMember | None:
    """The sender's directory entry; otherwise replies 请联系区政府办公室登记 (or refuses the anonymous admin) and returns None."""
    user = update.effective_user
    if user is None or _anonymous(update):
        await refuse(update, ANONYMOUS_REFUSED)
        return None
    with services_of(context).db.transaction() as session:
        member = find_member(session=session, telegram_id=user.id)
    if member is None:
        await refuse(update, NOT_REGISTERED)
    return member


async def require_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int | None:
    """The sender's Telegram id if they are an admin (办公室 or ADMIN_TELEGRAM_IDS), else None after saying so."""
    user = update.effective_user
    if user is None or _anonymous(update):
        await refuse(update, ANONYMOUS_REFUSED)
        return None
    services = services_of(context)
    with services.db.transaction() as session:
        allowed = is_admin(session=session, telegram_id=user.id, settings_admin_ids=services.settings.admin_telegram_ids)
    if not allowed:
        await refuse(update, NOT_ADMIN)
        return None
    return user.id
