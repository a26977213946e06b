"""Deadline commands and the alert buttons; also starts the alert dispatcher (bot.scheduler).

    /deadline 2026-12-05 17:00 提交整改报告 @区财政局   a custom deadline (time defaults to 18:00)
    /deadlines                                           open deadlines: mine and my unit's (all for 办公室)
    /done 12                                             close deadline 12, its reminders stop
    /document 2026-11-20 关于…的通知                     第十七条: filing due 30 days after publication
    /foreign 2026-12-20 赴日本友好城市交流              第六十五条: request due 7 working days before
    /incident 网传学校食堂问题                           第二十七条: information due within 24 hours

Sent without arguments in a private chat, the first four open a guided form instead
(handlers/deadline_form.py), which records through `record_line` here.

Every alert carries 完成 (close it) and 推迟 (this chat hears again on the next working day at
09:00), callback data "dl:done:ID" / "dl:snooze:ID", checked server-side like /done. Try it in
`officebot chat` with ALERT_LEAD_TIMES=2m ALERT_POLL_SECONDS=1.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot import scheduler
from bot.services import Services, services_of
from handlers.access import refuse, require_member
from handlers.html import escape
from office.dates import format_day
from office.deadline_commands import (
    Line,
    LineError,
    Planned,
    parse_line,
    plan_custom,
    plan_document,
    plan_foreign,
    plan_incident,
    record_deadline,
)
from office.deadlines import (
    KIND_LABELS,
    DeadlineError,
    DeadlineKind,
    alert_policy,
    complete_deadline,
    open_deadlines_for,
    snooze_alerts,
)
from office.directory import StaffMember, is_admin
from office.reminders import Claim
from office.workdays import calendar_from_file

COMMANDS = [
    ("deadline", "设置期限提醒"),
    ("deadlines", "查看未办结的期限"),
    ("done", "办结期限 /done 编号"),
    ("document", "登记规范性文件发布(30日内备案)"),
    ("foreign", "登记外事活动(提前7个工作日请示)"),
    ("incident", "登记重大舆情(24小时内回应)"),
]

CALENDAR = "workdays"
CALLBACK_PATTERN = r"^dl:(done|snooze):(\d{1,12})$"
USAGE = {
    "deadline": "用法:/deadline 2026-12-05 17:00 提交整改报告 @责任人或单位(时间和 @ 可省略,默认当天18:00、本人)",
    "document": "用法:/document 发布日期 文件名称 @责任单位,例如 /document 2026-11-20 关于加强物业管理的通知",
    "foreign": "用法:/foreign 活动日期 活动内容 @责任单位,例如 /foreign 2026-12-20 赴日本友好城市交流",
    "incident": "用法:/incident [发生日期 时间] 舆情内容 @责任单位,例如 /incident 网传学校食堂问题",
}
ESTIMATED_NOTE = "⚠️ 所涉年份的官方节假日安排尚未发布,工作日按推定日历计算;办公室可导入正式安排(HOLIDAY_CALENDAR_FILE)。"


def format_moment(moment: datetime, tz: ZoneInfo) -> str:
    local = moment.astimezone(tz)
    return f"{format_day(local.date())} {local:%H:%M}"


def _span(seconds: float) -> str:
    minutes = int(abs(seconds) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [f"{days}天"] if days else []
    if hours:
        parts.append(f"{hours}小时")
    if not days and (minutes or not parts):
        parts.append(f"{minutes}分钟")
    return "".join(parts)


def _kind_line(kind: str, article: int | None) -> str:
    label = KIND_LABELS[DeadlineKind(kind)]
    return f"{label} · 第{_chinese_number(article)}条" if article else label


def _chinese_number(number: int) -> str:
    """48 → 四十八 (articles run to 85)."""
    digits = "零一二三四五六七八九"
    tens, ones = divmod(number, 10)
    if tens == 0:
        return digits[ones]
    return (digits[tens] if tens > 1 else "") + "十" + (digits[ones] if ones else "")


def alert_buttons(deadline_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton("完成", callback_data=f"dl:done:{deadline_id}"),
          InlineKeyboardButton("推迟", callback_data=f"dl:snooze:{deadline_id}")]]
    )


def alert_renderer(tz: ZoneInfo, clock: Callable[[], datetime]) -> scheduler.Render:
    """The dispatcher's message for a claimed reminder: remaining (or overdue) time as of sending."""

    def render(claim: Claim) -> tuple[str, InlineKeyboardMarkup]:
        left = (claim.due_at - clock()).total_seconds()
        if left > 0:
            status = f"还剩 {_span(left)}"
        else:
            status = "<b>已到截止时间</b>" if left > -60 else f"<b>已逾期 {_span(left)}</b>"
        lines = [
            f"⏰ <b>期限提醒</b> #{claim.deadline_id}({escape(_kind_line(claim.kind, claim.rule_article))})",
            escape(claim.title),
            f"截止:{format_moment(claim.due_at, tz)},{status}",
        ]
        if claim.responsible:
            lines.append(f"责任:{escape(claim.responsible)}")
        return "\n".join(lines), alert_buttons(claim.deadline_id)

    return render


async def _member_and_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> tuple[StaffMember | None, bool]:
    member = await require_member(update, context)
    if member is None:
        return None, False
    services = services_of(context)
    with services.db.transaction() as session:
        admin = is_admin(session=session, telegram_id=member.telegram_id,
                         settings_admin_ids=services.settings.admin_telegram_ids)
    return member, admin


def _arguments(update: Update) -> str:
    parts = (update.effective_message.text or "").split(maxsplit=1)
    return parts[1] if len(parts) == 2 else ""


PLANS: dict[str, Callable[..., Planned]] = {
    "deadline": plan_custom, "document": plan_document, "foreign": plan_foreign, "incident": plan_incident,
}


async def _record(update: Update, context: ContextTypes.DEFAULT_TYPE, command: str) -> None:
    """The one-line form: parse the command's arguments, then record."""
    text = _arguments(update)
    if not text.strip():
        await update.effective_message.reply_text(escape(USAGE[command]))
        return
    today = services_of(context).now().date()
    try:
        line = parse_line(text, today=today, date_required=command != "incident")
    except LineError as error:
        await update.effective_message.reply_text(f"{escape(str(error))}\n{escape(USAGE[command])}")
        return
    await record_line(update, context, command, line)


def plan_line(context: ContextTypes.DEFAULT_TYPE, command: str, line: Line) -> Planned:
    """The deadline a line means (LineError / DeadlineError when its date cannot be one)."""
    plan = PLANS[command]
    extra = {"calendar": context.bot_data[CALENDAR]} if plan is plan_foreign else {}
    return plan(line, now=services_of(context).now(), tz=services_of(context).settings.tz, **extra)


async def record_line(
    update: Update, context: ContextTypes.DEFAULT_TYPE, command: str, line: Line, *, usage: bool = True
) -> bool:
    """Plan and store a deadline from a parsed line (one-line or guided form); replies either way,
    with the one-line usage after an error when `usage`. Membership and admin rights are checked
    here, at the moment of writing."""
    member, admin = await _member_and_admin(update, context)
    if member is None:
        return False
    services = services_of(context)
    tz, now = services.settings.tz, services.now()
    try:
        planned = plan_line(context, command, line)
        with services.db.transaction() as session:
            recorded = record_deadline(session=session, member=member, is_admin=admin, planned=planned,
                                       target=line.target, now=now)
    except (LineError, DeadlineError) as error:
        await update.effective_message.reply_text(escape(str(error)) + (f"\n{escape(USAGE[command])}" if usage else ""))
        return False
    overdue = "(已逾期,将立即提醒)" if recorded.due_at <= now else ""
    lines = [
        f"已登记期限 #{recorded.deadline_id}:{escape(recorded.title)}",
        f"截止:{format_moment(recorded.due_at, tz)}{overdue}",
        f"责任:{escape(recorded.responsible)}",
        "办结后发送 /done " + str(recorded.deadline_id),
    ]
    if recorded.estimated_calendar:
        lines.append(ESTIMATED_NOTE)
    await update.effective_message.reply_text("\n".join(lines))
    return True


async def deadline_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _record(update, context, "deadline")


async def document_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _record(update, context, "document")


async def foreign_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _record(update, context, "foreign")


async def incident_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _record(update, context, "incident")


async def deadlines_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    member, admin = await _member_and_admin(update, context)
    if member is None:
        return
    services = services_of(context)
    tz, now = services.settings.tz, services.now()
    with services.db.transaction() as session:
        views = open_deadlines_for(session=session, member=member, is_admin=admin)
    if not views:
        await update.effective_message.reply_text("没有未办结的期限。")
        return
    scope = "全部未办结期限" if admin else "本人及本单位未办结期限"
    lines = [f"<b>{scope}</b>({len(views)} 项):"]
    for view in views:
        late = ",<b>已逾期</b>" if view.due_at <= now else ""
        who = f",{escape(view.responsible)}" if view.responsible else ""
        lines.append(f"#{view.id} {escape(view.title)}\n    截止 {format_moment(view.due_at, tz)}{late}"
                     f"({escape(_kind_line(view.kind, view.rule_article))}{who})")
    lines.append("办结:/done 编号")
    await _reply_long(update, "\n".join(lines))


async def _reply_long(update: Update, text: str, limit: int = 4000) -> None:
    """Split at line breaks below Telegram's 4096-character limit."""
    chunk = ""
    for line in text.split("\n"):
        if chunk and len(chunk) + len(line) + 1 > limit:
            await update.effective_message.reply_text(chunk)
            chunk = ""
        chunk = f"{chunk}\n{line}" if chunk else line
    if chunk:
        await update.effective_message.reply_text(chunk)


async def done_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    member, admin = await _member_and_admin(update, context)
    if member is None:
        return
    argument = _arguments(update).strip().lstrip("#")
    if not argument.isdecimal() or len(argument) > 12:
        await update.effective_message.reply_text("用法:/done 期限编号,例如 /done 12(编号见 /deadlines)")
        return
    services = services_of(context)
    try:
        with services.db.transaction() as session:
            deadline = complete_deadline(session=session, deadline_id=int(argument), member=member,
                                         actor_telegram_id=member.telegram_id, is_admin=admin, now=services.now())
            title = deadline.title
    except DeadlineError as error:
        await update.effective_message.reply_text(escape(str(error)))
        return
    await update.effective_message.reply_text(f"✅ 期限 #{argument} 已办结:{escape(title)}。提醒已停止。")


async def alert_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    action, deadline_id = context.matches[0].group(1), int(context.matches[0].group(2))
    member, admin = await _member_and_admin(update, context)
    if member is None:
        return
    services = services_of(context)
    tz = services.settings.tz
    try:
        with services.db.transaction() as session:
            if action == "done":
                complete_deadline(session=session, deadline_id=deadline_id, member=member,
                                  actor_telegram_id=member.telegram_id, is_admin=admin, now=services.now())
                until = None
            else:
                _, until = snooze_alerts(
                    session=session, deadline_id=deadline_id, chat_id=query.message.chat.id, member=member,
                    actor_telegram_id=member.telegram_id, is_admin=admin, calendar=context.bot_data[CALENDAR], tz=tz,
                    now=services.now(),
                )
    except DeadlineError as error:
        await refuse(update, str(error))
        return
    if until is None:
        await query.answer("已办结")
        note = f"✅ 已由 {escape(member.name)} 办结"
    else:
        when = format_moment(until, tz)
        await query.answer(f"已推迟,{when} 再提醒")
        note = f"⏸ {escape(member.name)} 已推迟,{when} 再提醒"
    await query.edit_message_text(f"{query.message.text_html}\n{note}", reply_markup=None)


def register(application: Application) -> None:
    services: Services = application.bot_data["services"]
    alert_policy()  # a mistyped ALERT_LEAD_TIMES* stops the start here, not at the first deadline
    application.bot_data[CALENDAR] = calendar_from_file(services.settings.holiday_calendar_file)
    application.add_handler(CommandHandler("deadline", deadline_command))
    application.add_handler(CommandHandler("deadlines", deadlines_command))
    application.add_handler(CommandHandler("done", done_command))
    application.add_handler(CommandHandler("document", document_command))
    application.add_handler(CommandHandler("foreign", foreign_command))
    application.add_handler(CommandHandler("incident", incident_command))
    application.add_handler(CallbackQueryHandler(alert_button, pattern=CALLBACK_PATTERN))
    scheduler.schedule(application, alert_renderer(services.settings.tz, services.clock.utcnow))
