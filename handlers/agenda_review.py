"""The review buttons of an agenda item: 通过 and 退回 (with a reason), for the person whose step it is.

A review request reaches the 分管副区长 and then the 区长 / 常务副区长 as a private message with
通过 ("ag:ok:<item>") and 退回 ("ag:ret:<item>"). 退回 asks for the reason in the next message
(states: REASON; /cancel keeps the item as it was). Anybody else pressing a button, or a second
press after the step is done, gets a refusal that says whose step it is. Once decided, the card
is rewritten to the verdict and the item in its state now (office.agenda.item_card).
Try it: `/agenda todo` as a reviewer shows the buttons again.
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
from handlers.agenda_notify import send_and_report
from handlers.agenda_views import office_tz
from handlers.html import escape
from office.agenda import AgendaError, approve_item, check_reviewer, item_card, return_item

COMMANDS: list[tuple[str, str]] = []

REASON = "return_reason"
RETURNING = "agenda_returning"


def _item_id(update: Update) -> int:
    return int(update.callback_query.data.rsplit(":", 1)[1])


async def approve(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    services = services_of(context)
    try:
        with services.db.transaction() as session:
            outcome = approve_item(session=session, item_id=_item_id(update), telegram_id=query.from_user.id,
                                   now=services_of(context).now(), tz=office_tz(context))
            card = item_card(outcome.item, office_tz(context))
    except AgendaError as exc:
        await query.answer(str(exc)[:190], show_alert=True)
        return
    await query.answer("已通过")
    await query.edit_message_text(_decided_card("✅ 您已通过", card, ""))  # the buttons go at once
    delivery = await send_and_report(context.bot, services, outcome.notices)
    if delivery:
        await query.edit_message_text(_decided_card("✅ 您已通过", card, delivery))


def _decided_card(verdict: str, card: str, delivery: str) -> str:
    """The review card once decided: the verdict, the item in its state now (not the state it was
    asked in), and who was told."""
    return escape(f"{verdict}\n{card}\n{delivery}".strip())


async def ask_reason(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    query = update.callback_query
    item_id = _item_id(update)
    try:
        with services_of(context).db.transaction() as session:
            title = check_reviewer(session=session, item_id=item_id, telegram_id=query.from_user.id)
    except AgendaError as exc:
        await query.answer(str(exc)[:190], show_alert=True)
        return ConversationHandler.END
    context.user_data[RETURNING] = (item_id, query.message.chat.id, query.message.message_id)
    await query.answer()
    await query.message.reply_text(f"请输入退回议题「{escape(title)}」的理由(发送 /cancel 不退回):")
    return REASON


async def give_reason(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    item_id, chat_id, card_id = context.user_data.pop(RETURNING)
    services = services_of(context)
    try:
        with services.db.transaction() as session:
            outcome = return_item(session=session, item_id=item_id, telegram_id=update.effective_user.id,
                                  reason=update.effective_message.text or "", tz=office_tz(context))
            title, card = outcome.item.title, item_card(outcome.item, office_tz(context))
    except AgendaError as exc:
        await update.effective_message.reply_text(escape(str(exc)))
        return ConversationHandler.END
    delivery = await send_and_report(context.bot, services, outcome.notices)
    await update.effective_message.reply_text(f"已退回议题「{escape(title)}」。\n{escape(delivery)}".strip())
    await context.bot.edit_message_text(_decided_card("↩️ 您已退回", card, ""), chat_id=chat_id, message_id=card_id)
    return ConversationHandler.END


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    context.user_data.pop(RETURNING, None)
    await update.effective_message.reply_text("未退回,议题保持原状态。")
    return ConversationHandler.END


def register(application: Application) -> None:
    application.add_handler(
        ConversationHandler(
            entry_points=[CallbackQueryHandler(ask_reason, pattern=r"^ag:ret:\d{1,12}$")],
            states={REASON: [MessageHandler(filters.TEXT & ~filters.COMMAND, give_reason)]},
            fallbacks=[CommandHandler("cancel", cancel)],
            name="agenda_return",
        )
    )
    application.add_handler(CallbackQueryHandler(approve, pattern=r"^ag:ok:\d{1,12}$"))
