"""/leaves and /back: my reports, what waits for my decision, who is away (办公室), export, 销假.

Try it: `/leaves` (mine and pending for me), `/leaves 明天` (办公室: who is away that day),
`/leaves 导出` (办公室: the CSV file), `/back` (销假 of the report I am on).
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, InputFile, Update
from telegram.constants import ChatType
from telegram.ext import Application, CommandHandler, ContextTypes

from bot.services import services_of
from handlers.access import require_admin, require_member
from handlers.html import escape, split_html
from handlers.leave import PRIVATE_ONLY
from handlers.leave_notify import report_to_office
from handlers.leave_text import decision_buttons, leave_card, owner_buttons
from office.dates import DateError, format_day, parse_date
from office.leave import LeaveError, return_from_leave
from office.leave_views import away_on, export_csv, my_leaves, pending_for

COMMANDS = [("leaves", "我的请假、待我审批;办公室可查某日外出人员"), ("back", "销假(外出返回)")]
EXPORT_WORDS = ("导出", "export", "csv")


async def leaves_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_chat.type != ChatType.PRIVATE:
        await update.effective_message.reply_text(PRIVATE_ONLY)
        return
    argument = " ".join(context.args).strip()
    if argument:
        await _office_view(update, context, argument)
        return
    member = await require_member(update, context)
    if member is None:
        return
    services = services_of(context)
    with services.db.transaction() as session:
        mine = my_leaves(session=session, member=member)
        pending = pending_for(session=session, member=member)
    if mine:
        lines = ["<b>我的请假</b>(最近 10 条)"]
        lines += [f"{leave.id}. {leave.kind.value} {leave.dates_text} {escape(leave.destination)} — {leave.state.value}"
                  for leave in mine]
        rows = [row for leave in mine if (markup := owner_buttons(leave)) for row in markup.inline_keyboard]
        await update.effective_message.reply_text("\n".join(lines), reply_markup=InlineKeyboardMarkup(rows) if rows else None)
    else:
        await update.effective_message.reply_text("您还没有请假记录。发送 /leave 提交请假。")
    if not pending:
        await update.effective_message.reply_text("没有待您审批的请假。")
    for item in pending:
        await update.effective_message.reply_text(
            leave_card(item.leave, f"待您审批({item.label})", item.warning),
            reply_markup=decision_buttons(item.approval_id),
        )


async def _office_view(update: Update, context: ContextTypes.DEFAULT_TYPE, argument: str) -> None:
    """办公室 only: who is away on a day, or the CSV export."""
    if await require_admin(update, context) is None:
        return
    services = services_of(context)
    if argument.lower() in EXPORT_WORDS:
        with services.db.transaction() as session:
            content = export_csv(session=session, timezone=services.settings.timezone)
        await update.effective_message.reply_document(
            InputFile(content.encode("utf-8"), filename="leaves.csv"), caption="请假记录导出(CSV,Excel 可直接打开)"
        )
        return
    try:
        day = parse_date(argument, today=services.now().date())
    except DateError as exc:
        await update.effective_message.reply_text(f"{escape(str(exc))}\n用法:/leaves 日期 或 /leaves 导出")
        return
    with services.db.transaction() as session:
        away = away_on(session=session, day=day)
    if not away:
        await update.effective_message.reply_text(f"{format_day(day)} 没有人请假外出。")
        return
    lines = [f"<b>{format_day(day)} 外出/请假人员</b>(共 {len(away)} 人次)"]
    lines += [f"{escape(leave.filer.label)}:{leave.kind.value} {leave.dates_text} {escape(leave.destination)}"
              for leave in away]
    for part in split_html("\n".join(lines)):
        await update.effective_message.reply_text(part)


async def back_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if await require_member(update, context) is None:
        return
    services = services_of(context)
    try:
        with services.db.transaction() as session:
            leave = return_from_leave(session=session, actor_telegram_id=update.effective_user.id,
                                      now=services.now())
    except LeaveError as exc:
        await update.effective_message.reply_text(escape(str(exc)))
        return
    await update.effective_message.reply_text(f"已销假:{leave.kind.value}(编号 {leave.id}),欢迎回来。")
    await report_to_office(context.bot, services, leave, "销假")


def register(application: Application) -> None:
    application.add_handler(CommandHandler("leaves", leaves_command))
    application.add_handler(CommandHandler("back", back_command))
