"""The read-only forms of /agenda: a day's agenda, my unit's items, items waiting for me, exports.

    /agenda 2026-12-09          the agenda of that day's meetings, in order
    /agenda mine                my unit's items (我的)
    /agenda todo                items waiting for me (待办): reviews, approvals, my drafts
    /agenda export 2026-12-09 docx    the agenda as a file (办公室 only; md, docx or csv)
    /agenda export 2026-12-09 15:00 docx    the same when the day has several meetings (or #number)

Replies are HTML-escaped and split below Telegram's 4096-character limit.
"""

from __future__ import annotations

from datetime import date, tzinfo

from telegram import InputFile, Update
from telegram.ext import ContextTypes

from bot.services import services_of
from handlers.access import require_admin
from handlers.agenda_notify import draft_buttons, review_buttons
from handlers.html import escape
from office.agenda import AgendaError, item_card, item_label, items_waiting_for, meeting_agenda, my_unit_items
from office.agenda_export import ExportError, export_agenda
from office.dates import format_day
from office.meetings import MeetingError, MeetingPick, find_meeting, format_moment, materials_due, meeting_label, meetings_on_day
from storage.agenda import ItemState

TELEGRAM_LIMIT = 4000  # below 4096, leaving room for the escaping of entities


def office_tz(context: ContextTypes.DEFAULT_TYPE) -> tzinfo:
    return services_of(context).settings.tz


async def reply_long(update: Update, text: str) -> None:
    """Reply in as few messages as fit, splitting at line breaks."""
    chunk = ""
    for line in text.split("\n"):
        if chunk and len(chunk) + len(line) + 1 > TELEGRAM_LIMIT:
            await update.effective_message.reply_text(chunk)
            chunk = ""
        chunk = f"{chunk}\n{line}" if chunk else line[:TELEGRAM_LIMIT]
    if chunk:
        await update.effective_message.reply_text(chunk)


async def show_day(update: Update, context: ContextTypes.DEFAULT_TYPE, day: date) -> None:
    services, tz = services_of(context), office_tz(context)
    lines: list[str] = []
    with services.db.transaction() as session:
        meetings = meetings_on_day(session=session, day=day, tz=tz)
        for meeting in meetings:
            lines.append(f"<b>{escape(meeting_label(meeting, tz))}</b>")
            if meeting.cancelled:
                lines.append(f"取消原因:{escape(meeting.cancel_reason or '')}")
                continue
            due = materials_due(meeting)
            if due is not None:
                lines.append(f"材料截止:{format_moment(due, tz)}(第四十八条)")
            scheduled, pending = meeting_agenda(session=session, meeting=meeting)
            for item in scheduled:
                urgent = "【特殊紧急】" if item.urgent else ""
                lines.append(
                    f"{item.position}. {urgent}{escape(item.title)}(汇报:{escape(item.proposing_unit)} "
                    f"{escape(item.reporter.name)};分管:{escape(item.overseer.name)})"
                )
            if not scheduled:
                lines.append("尚无已列入议程的议题。")
            if pending:
                lines.append(f"另有 {len(pending)} 项议题在审核中。")
    if not meetings:
        lines.append(f"{format_day(day)} 没有已登记的会议,请用 /meetings 查看近期会议。")
    await reply_long(update, "\n".join(lines))


def _item_line(item, tz: tzinfo) -> str:
    line = f"{escape(item_label(item, tz))}:{item.state}"
    if item.state_enum is ItemState.RETURNED and item.return_reason:
        line += f"(理由:{escape(item.return_reason)})"
    return line


async def show_mine(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    services, tz = services_of(context), office_tz(context)
    try:
        with services.db.transaction() as session:
            items = my_unit_items(session=session, telegram_id=update.effective_user.id)
            lines = [_item_line(item, tz) for item in items]
    except AgendaError as exc:
        await update.effective_message.reply_text(escape(str(exc)))
        return
    await reply_long(update, "<b>本单位议题</b>\n" + ("\n".join(lines) if lines else "暂无。"))


def _todo_card(item, tz: tzinfo) -> str:
    """A review or approval shows what the reviewer decides on; a draft, its line."""
    if item.state_enum is ItemState.DRAFT:
        return _item_line(item, tz)
    return escape(item_card(item, tz))


async def show_todo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Each waiting item as its own message, with the buttons of the step it waits for."""
    services, tz = services_of(context), office_tz(context)
    try:
        with services.db.transaction() as session:
            items = items_waiting_for(session=session, telegram_id=update.effective_user.id)
            cards = [(item.id, _todo_card(item, tz), item.state_enum is not ItemState.DRAFT) for item in items]
    except AgendaError as exc:
        await update.effective_message.reply_text(escape(str(exc)))
        return
    if not cards:
        await update.effective_message.reply_text("暂无待您办理的议题。")
        return
    for item_id, line, review in cards:
        markup = review_buttons(item_id) if review else draft_buttons(item_id)
        await update.effective_message.reply_text(line, reply_markup=markup)


EXPORT_PICK_EXAMPLE = "例如 /agenda export {day} {time} {fmt} 或 /agenda export {day} #{id} {fmt}"


async def send_export(update: Update, context: ContextTypes.DEFAULT_TYPE, day: date, pick: MeetingPick, fmt: str) -> None:
    if await require_admin(update, context) is None:
        return
    services, tz = services_of(context), office_tz(context)
    try:
        with services.db.transaction() as session:
            example = EXPORT_PICK_EXAMPLE.replace("{day}", day.isoformat()).replace("{fmt}", fmt)
            meeting = find_meeting(session=session, day=day, pick=pick, tz=tz, example=example)
            name, content = export_agenda(session=session, meeting=meeting, fmt=fmt, tz=tz)
    except (MeetingError, ExportError) as exc:
        await update.effective_message.reply_text(escape(str(exc)))
        return
    await update.effective_message.reply_document(InputFile(content, filename=name), caption=escape(name))
