"""Buttons on leave reports: approvers' 同意 / 退回 (optionally with a note), the filer's 撤回 and 取消.

Every press is authorised again on the server (office/leave.py): only the named approver (or, for
the office, any other 办公室 member) may decide, only once, only while 待审批; only the filer may
withdraw or cancel. A press from a group chat, or with forged data, changes nothing and says so.
Try it: press 同意 under an approval request the bot sent you in a private chat.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.services import services_of
from handlers.access import refuse, require_member
from handlers.html import escape
from handlers.leave_notify import report_to_office, send_leave_notices, tell
from handlers.leave_text import leave_card
from office.directory import members_with_role
from office.leave import REJECT, LeaveError, cancel_leave, decide_leave, withdraw_leave
from office.leave_routing import OFFICE_LABEL
from storage.people import Role

COMMANDS: list[tuple[str, str]] = []

# Conversation state: waiting for the note of a decision or the reason of a cancellation.
NOTE = "note"
PENDING = "leave_pending_text"
PRIVATE_ONLY = "请在与机器人的私聊中操作。"


def _in_own_private_chat(update: Update) -> bool:
    query = update.callback_query
    return query.message is not None and query.message.chat.id == query.from_user.id


async def _decide(update: Update, context: ContextTypes.DEFAULT_TYPE, approval_id: int, approve: bool,
                  note: str | None, card: tuple[int, int]) -> None:
    """Record one decision, update the card, and tell whoever needs to know."""
    services = services_of(context)
    actor = update.effective_user.id
    try:
        with services.db.transaction() as session:
            decision = decide_leave(session=session, approval_id=approval_id, actor_telegram_id=actor,
                                    approve=approve, note=note, now=services.now())
            mayors = members_with_role(session=session, role=Role.MAYOR)
    except LeaveError as exc:
        await refuse(update, str(exc))
        return
    if update.callback_query is not None:
        await update.callback_query.answer(f"已{decision.approval.decision}")
    leave, verb = decision.leave, decision.approval.decision
    await context.bot.edit_message_text(leave_card(leave, f"您已{verb}"), chat_id=card[0], message_id=card[1])
    note_text = f",附言:{escape(decision.approval.note)}" if decision.approval.note else ""
    await tell(context.bot, leave.filer.telegram_id,
               f"您的{leave.kind.value}申请(编号 {leave.id})已由{escape(decision.approval.display)}{verb}{note_text}。")
    if not decision.completed or verb == REJECT:
        return
    await tell(context.bot, leave.filer.telegram_id,
               leave_card(leave, "请假已批准,可按期外出;返回后请发送 /back 销假"))
    await report_to_office(context.bot, services, leave, "请假报备", decision.warning)
    if decision.approval.label == OFFICE_LABEL:
        # 第五十三条: the office reports collected meeting absences to 区长.
        for mayor in mayors:
            await tell(context.bot, mayor.telegram_id, leave_card(leave, "区政府办公室报告:会议请假"))


async def decide_now(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if not _in_own_private_chat(update):
        await refuse(update, PRIVATE_ONLY)
        return
    if await require_member(update, context) is None:
        return
    action, approval_id = query.data.split(":")[1:]
    await _decide(update, context, int(approval_id), action == "ok", None, (query.message.chat.id, query.message.message_id))


async def withdraw(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if not _in_own_private_chat(update):
        await refuse(update, PRIVATE_ONLY)
        return
    if await require_member(update, context) is None:
        return
    services = services_of(context)
    try:
        with services.db.transaction() as session:
            change = withdraw_leave(session=session, report_id=int(query.data.split(":")[2]),
                                    actor_telegram_id=query.from_user.id, now=services.now())
    except LeaveError as exc:
        await refuse(update, str(exc))
        return
    await query.answer("已撤回")
    await query.edit_message_text(leave_card(change.leave, "已撤回"))
    await send_leave_notices(context.bot, services, change.leave, change.notices)


async def ask_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    """附言并同意 / 附言并退回 / 取消: remember what to do and ask for the text."""
    query = update.callback_query
    if not _in_own_private_chat(update):
        await refuse(update, PRIVATE_ONLY)
        return ConversationHandler.END
    if await require_member(update, context) is None:
        return ConversationHandler.END
    action, target = query.data.split(":")[1:]
    context.user_data[PENDING] = (action, int(target), query.message.chat.id, query.message.message_id)
    await query.answer()
    prompt = "请发送取消原因" if action == "cx" else "请发送附言"
    await query.message.reply_text(prompt + "(发送 /cancel 放弃):")
    return NOTE


async def receive_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    action, target, chat_id, message_id = context.user_data.pop(PENDING)
    text = update.effective_message.text.strip()
    if action == "cx":
        await _cancel(update, context, target, text, (chat_id, message_id))
    else:
        await _decide(update, context, target, action == "okn", text, (chat_id, message_id))
    return ConversationHandler.END


async def _cancel(update: Update, context: ContextTypes.DEFAULT_TYPE, report_id: int, reason: str,
                  card: tuple[int, int]) -> None:
    services = services_of(context)
    try:
        with services.db.transaction() as session:
            change = cancel_leave(session=session, report_id=report_id, actor_telegram_id=update.effective_user.id,
                                  reason=reason, now=services.now())
    except LeaveError as exc:
        await refuse(update, str(exc))
        return
    await context.bot.edit_message_text(leave_card(change.leave, "已取消"), chat_id=card[0], message_id=card[1])
    await update.effective_message.reply_text(f"请假(编号 {change.leave.id})已取消。")
    await send_leave_notices(context.bot, services, change.leave, change.notices)


async def give_up(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    context.user_data.pop(PENDING, None)
    await update.effective_message.reply_text("已放弃,未作任何更改。")
    return ConversationHandler.END


def register(application: Application) -> None:
    application.add_handler(CallbackQueryHandler(decide_now, pattern=r"^lv:(ok|no):\d{1,12}$"))
    application.add_handler(CallbackQueryHandler(withdraw, pattern=r"^lv:wd:\d{1,12}$"))
    application.add_handler(
        ConversationHandler(
            entry_points=[CallbackQueryHandler(ask_text, pattern=r"^lv:(okn|non|cx):\d{1,12}$")],
            states={NOTE: [MessageHandler(filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE, receive_text)]},
            fallbacks=[CommandHandler("cancel", give_up)],
            name="leave_note",
        )
    )
