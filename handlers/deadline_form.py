"""Guided forms for /deadline, /document, /foreign and /incident sent without arguments (private chat).

    WHEN (date and optional time; /incident may press 刚刚) → TITLE → TARGET (a name or unit, or 本人)
    → recorded exactly as the one-line form records it (`handlers.deadlines.record_line`).

Each answer is read with the one-line form's own grammar (`office.deadline_commands`); a wrong
answer (a date that cannot make the deadline, a name not in the directory) is explained and asked
again, and /cancel leaves at any step; nothing is stored before the last answer. In a group the
bare command still shows the one-line usage, since a form there would swallow the sender's ordinary
messages. Try it in `officebot chat`: send /deadline and answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
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
from handlers.access import require_member
from handlers.deadlines import plan_line, record_line
from handlers.html import escape
from office.deadline_commands import Line, LineError, parse_when
from office.deadlines import MAX_TITLE_CHARS, DeadlineError

COMMANDS: list[tuple[str, str]] = []  # the commands themselves are listed by handlers.deadlines

WHEN, TITLE, TARGET = "deadline_when", "deadline_title", "deadline_target"
FORM = "deadline_form"
NOW_BUTTON, SELF_BUTTON = "dl:f:now", "dl:f:self"
CANCEL_HINT = "(随时发送 /cancel 放弃)"

WHEN_QUESTIONS = {
    "deadline": "请发送截止日期,可带时间(不写时间为当天18:00),例如 2026-12-05 17:00、明天、12月5日:",
    "document": "请发送规范性文件的发布日期(第十七条:发布之日起30日内报送备案),例如 2026-11-20:",
    "foreign": "请发送外事活动的日期(第六十五条:至少提前7个工作日请示),例如 2026-12-20:",
    "incident": "请发送舆情发生的日期和时间,例如 今天 14:30;刚刚发生请点「刚刚」(第二十七条:24小时内回应):",
}
TITLE_QUESTIONS = {
    "deadline": "请发送事项内容,例如 提交整改报告:",
    "document": "请发送文件名称:",
    "foreign": "请发送活动内容:",
    "incident": "请简述舆情内容:",
}
TARGET_QUESTION = "由谁负责?请发送名录中的人员姓名或单位名称;本人负责请点「本人」:"


@dataclass
class DeadlineForm:
    command: str
    day: date | None = None
    at: time | None = None
    title: str = ""


async def start_form(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    command = (update.effective_message.text or "").split()[0].lstrip("/").split("@")[0]
    if await require_member(update, context) is None:
        return ConversationHandler.END
    context.user_data[FORM] = DeadlineForm(command=command)
    buttons = InlineKeyboardMarkup([[InlineKeyboardButton("刚刚", callback_data=NOW_BUTTON)]]) if command == "incident" else None
    await update.effective_message.reply_text(f"{WHEN_QUESTIONS[command]}\n{CANCEL_HINT}", reply_markup=buttons)
    return WHEN


async def form_when(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    form: DeadlineForm = context.user_data[FORM]
    if update.callback_query is not None:
        await update.callback_query.answer()
        if form.command != "incident":
            return WHEN
    else:
        today = services_of(context).now().date()
        try:
            form.day, form.at = parse_when(update.effective_message.text, today=today)
            # A date that cannot make a deadline (already past, after the event …) is refused now,
            # not after the person has typed the rest.
            plan_line(context, form.command, Line(day=form.day, at=form.at, title="待填", target=None))
        except (LineError, DeadlineError) as error:
            await update.effective_message.reply_text(f"{escape(str(error))}\n{escape(WHEN_QUESTIONS[form.command])}")
            return WHEN
    await update.effective_message.reply_text(TITLE_QUESTIONS[form.command])
    return TITLE


async def form_title(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    form: DeadlineForm = context.user_data[FORM]
    title = " ".join(update.effective_message.text.split())
    if not title:
        await update.effective_message.reply_text(TITLE_QUESTIONS[form.command])
        return TITLE
    if len(title) > MAX_TITLE_CHARS:
        await update.effective_message.reply_text(f"内容过长(最多 {MAX_TITLE_CHARS} 字),请精简后重新发送:")
        return TITLE
    form.title = title
    await update.effective_message.reply_text(TARGET_QUESTION, reply_markup=_self_button())
    return TARGET


async def form_target(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    form: DeadlineForm = context.user_data[FORM]
    if update.callback_query is not None:
        await update.callback_query.answer()
        target = None
    else:
        target = update.effective_message.text.strip().lstrip("@") or None
    line = Line(day=form.day, at=form.at, title=form.title, target=target)
    if not await record_line(update, context, form.command, line, usage=False):
        # The date was checked at its step, so what failed is the name: ask for it again.
        await update.effective_message.reply_text(f"{TARGET_QUESTION}\n{CANCEL_HINT}", reply_markup=_self_button())
        return TARGET
    context.user_data.pop(FORM, None)
    return ConversationHandler.END


def _self_button() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton("本人", callback_data=SELF_BUTTON)]])


async def form_cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    context.user_data.pop(FORM, None)
    await update.effective_message.reply_text("已放弃登记,未保存任何内容。")
    return ConversationHandler.END


def register(application: Application) -> None:
    private_text = filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE
    bare_command = CommandHandler(
        ["deadline", "document", "foreign", "incident"], start_form, filters=filters.ChatType.PRIVATE, has_args=False
    )
    application.add_handler(
        ConversationHandler(
            entry_points=[bare_command],
            states={
                WHEN: [MessageHandler(private_text, form_when), CallbackQueryHandler(form_when, pattern=f"^{NOW_BUTTON}$")],
                TITLE: [MessageHandler(private_text, form_title)],
                TARGET: [MessageHandler(private_text, form_target), CallbackQueryHandler(form_target, pattern=f"^{SELF_BUTTON}$")],
            },
            fallbacks=[CommandHandler("cancel", form_cancel), bare_command],
            name=FORM,
        )
    )
