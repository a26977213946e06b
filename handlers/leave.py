"""/leave: file a leave report, in one line or through a guided form, then confirm and send it.

One line: `/leave 出差 2026-12-01 2026-12-03 上海 参加长三角协作会`. Without arguments the bot asks
for kind (buttons), start, end (半天: 上午 or 下午?), destination and reason, checking each answer at
its step (office/leave_form.py) and asking that step again when it is refused. Both end with a confirmation card that
names the approvers (SPEC §3); 确认提交 stores the report and sends each approver a private
message with 同意 / 退回 buttons (区长's reports are recorded and reported to the office group).
Filing happens in a private chat only. Try it: send /leave to the bot in a private chat.
"""

from __future__ import annotations

import secrets

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
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
from handlers.leave_notify import report_to_office, request_decisions, tell
from handlers.leave_text import confirm_buttons, leave_card, owner_buttons, plan_card
from office.dates import AFTERNOON, MORNING, WHOLE_DAY
from office.leave import LeaveError, LeaveRequest, file_leave, plan_leave, presiding_warning
from office.leave_form import (
    LeaveDraft,
    read_day,
    request_of,
    start_draft,
    with_end,
    with_half_day,
    with_place,
    with_start,
)
from office.leave_line import HALF_DAY, parse_leave_line
from office.leave_routing import LeaveKind

COMMANDS = [("leave", "请假报备(出差、休假、会议请假等)")]

# Guided form states.
KIND, START, END, HALF, PLACE, REASON = "kind", "start", "end", "half", "place", "reason"
START_QUESTION = "开始日期?可点按钮,或输入 12月1日、2026-12-01、下周一,可加上午/下午。"
END_QUESTION = "结束日期?只请一天点「同一天」,半天点「半天」,或输入日期。"
HALF_QUESTION = "上午还是下午?"
REASON_QUESTION = "事由?"
SAME_DAY, SKIP = "同一天", "跳过"
PRIVATE_ONLY = "请私聊机器人办理请假,以免在群里公开个人行程。"
DRAFTS = "leave_drafts"
KIND_PATTERN = "^lv:k:(" + "|".join(kind.value for kind in LeaveKind) + ")$"
FORM = "leave_form"


def _buttons(*labels: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=f"lv:d:{label}") for label in labels]])


async def _show_plan(update: Update, context: ContextTypes.DEFAULT_TYPE, request: LeaveRequest) -> None:
    """Check the request and show the confirmation card; errors are explained, nothing stored."""
    services = services_of(context)
    try:
        with services.db.transaction() as session:
            plan = plan_leave(session=session, request=request, now=services.now())
    except LeaveError as exc:
        await update.effective_message.reply_text(escape(str(exc)))
        return
    draft = secrets.token_hex(6)
    context.user_data.setdefault(DRAFTS, {})[draft] = request
    await update.effective_message.reply_text(plan_card(plan), reply_markup=confirm_buttons(draft))


async def leave_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    if update.effective_chat.type != ChatType.PRIVATE:
        await update.effective_message.reply_text(PRIVATE_ONLY)
        return ConversationHandler.END
    member = await require_member(update, context)
    if member is None:
        return ConversationHandler.END
    words = (update.effective_message.text or "").split(maxsplit=1)
    if len(words) == 2:
        services = services_of(context)
        try:
            request = parse_leave_line(words[1], telegram_id=member.telegram_id, today=services.now().date())
        except LeaveError as exc:
            await update.effective_message.reply_text(escape(str(exc)))
            return ConversationHandler.END
        await _show_plan(update, context, request)
        return ConversationHandler.END
    context.user_data[FORM] = member.telegram_id
    kinds = [InlineKeyboardButton(kind.value, callback_data=f"lv:k:{kind.value}") for kind in LeaveKind]
    await update.effective_message.reply_text(
        "请选择请假类型(随时发送 /cancel 放弃):", reply_markup=InlineKeyboardMarkup([kinds[:3], kinds[3:]])
    )
    return KIND


async def _ask_again(
    update: Update, error: LeaveError, question: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """A refused answer: what to fix, then the same question (the earlier answers are kept)."""
    await update.effective_message.reply_text(f"{escape(str(error))}\n{question}", reply_markup=markup)


async def form_kind(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    query = update.callback_query
    kind = LeaveKind(query.data.removeprefix("lv:k:"))
    await query.answer()
    await query.edit_message_text(f"类型:{kind.value}")
    try:
        with services_of(context).db.transaction() as session:
            draft = start_draft(session=session, telegram_id=context.user_data[FORM], kind=kind)
    except LeaveError as exc:
        context.user_data.pop(FORM, None)
        await query.message.reply_text(escape(str(exc)))
        return ConversationHandler.END
    context.user_data[FORM] = draft
    await query.message.reply_text(START_QUESTION, reply_markup=_start_buttons(kind))
    return START


def _start_buttons(kind: LeaveKind) -> InlineKeyboardMarkup:
    return _buttons(*(("今天", "明天", "后天") if kind is LeaveKind.MEETING else ("明天", "后天", "下周一")))


async def _answer_of(update: Update) -> str:
    """The text the user typed, or the label of the quick button they pressed."""
    if update.callback_query is not None:
        await update.callback_query.answer()
        await update.callback_query.edit_message_reply_markup(None)
        return update.callback_query.data.removeprefix("lv:d:")
    return (update.effective_message.text or "").strip()


async def form_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    text = await _answer_of(update)
    draft: LeaveDraft = context.user_data[FORM]
    services = services_of(context)
    today = services.now().date()
    try:
        start = read_day(text, today=today)
        with services.db.transaction() as session:
            context.user_data[FORM] = with_start(session=session, draft=draft, start=start, today=today)
    except LeaveError as exc:
        await _ask_again(update, exc, START_QUESTION, _start_buttons(draft.kind))
        return START
    await update.effective_message.reply_text(END_QUESTION, reply_markup=_buttons(SAME_DAY, HALF_DAY))
    return END


async def form_end(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    text = await _answer_of(update)
    draft: LeaveDraft = context.user_data[FORM]
    services = services_of(context)
    if text == HALF_DAY and draft.start.period == WHOLE_DAY:
        await update.effective_message.reply_text(HALF_QUESTION, reply_markup=_buttons(MORNING, AFTERNOON))
        return HALF
    try:
        end = draft.start if text in (SAME_DAY, HALF_DAY) else read_day(text, today=services.now().date())
        with services.db.transaction() as session:
            context.user_data[FORM] = with_end(session=session, draft=draft, end=end)
    except LeaveError as exc:
        await _ask_again(update, exc, END_QUESTION, _buttons(SAME_DAY, HALF_DAY))
        return END
    return await _ask_place(update, draft.kind)


async def form_half(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    text = await _answer_of(update)
    draft: LeaveDraft = context.user_data[FORM]
    if text not in (MORNING, AFTERNOON):
        await update.effective_message.reply_text(HALF_QUESTION, reply_markup=_buttons(MORNING, AFTERNOON))
        return HALF
    try:
        with services_of(context).db.transaction() as session:
            context.user_data[FORM] = with_half_day(session=session, draft=draft, period=text)
    except LeaveError as exc:  # the half day is taken by another report: choose the end again
        await _ask_again(update, exc, END_QUESTION, _buttons(SAME_DAY, HALF_DAY))
        return END
    return await _ask_place(update, draft.kind)


def _place_question(kind: LeaveKind) -> tuple[str, InlineKeyboardMarkup | None]:
    if kind is LeaveKind.MEETING:
        return "请假不参加哪个会议?(如:区政府常务会议)", None
    if kind in (LeaveKind.BUSINESS_TRIP, LeaveKind.TRIP_ABROAD):
        return "目的地?", None
    return "地点?(可点「跳过」)", _buttons(SKIP)


async def _ask_place(update: Update, kind: LeaveKind) -> str:
    question, markup = _place_question(kind)
    await update.effective_message.reply_text(question, reply_markup=markup)
    return PLACE


async def form_place(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    text = await _answer_of(update)
    draft: LeaveDraft = context.user_data[FORM]
    try:
        with services_of(context).db.transaction() as session:
            context.user_data[FORM] = with_place(session=session, draft=draft, place="" if text == SKIP else text)
    except LeaveError as exc:
        await _ask_again(update, exc, *_place_question(draft.kind))
        return PLACE
    await update.effective_message.reply_text(REASON_QUESTION)
    return REASON


async def form_reason(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    try:
        request = request_of(context.user_data[FORM], reason=update.effective_message.text or "")
    except LeaveError as exc:
        await _ask_again(update, exc, REASON_QUESTION)
        return REASON
    context.user_data.pop(FORM)
    await _show_plan(update, context, request)
    return ConversationHandler.END


async def form_cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    context.user_data.pop(FORM, None)
    await update.effective_message.reply_text("已放弃填写,未保存任何内容。")
    return ConversationHandler.END


async def confirm(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """确认提交: store the draft (once) and send it on its way."""
    query = update.callback_query
    action, draft = query.data.split(":")[1:]
    drafts = context.user_data.get(DRAFTS, {})
    if query.message is None or query.message.chat.id != query.from_user.id or draft not in drafts:
        await refuse(update, "该申请已失效,请重新发送 /leave")
        return
    request = drafts.pop(draft)
    if action == "drop":
        await query.answer("已放弃")
        await query.edit_message_text("已放弃,未提交。")
        return
    member = await require_member(update, context)  # removed from the directory since the draft?
    if member is None:
        return
    services = services_of(context)
    try:
        with services.db.transaction() as session:
            leave = file_leave(session=session, request=request, now=services.now(), confirmed_long=True)
            warning = presiding_warning(session=session, leave=leave)
    except LeaveError as exc:
        await query.answer("未能提交", show_alert=False)
        await query.edit_message_text(escape(str(exc)))
        return
    await query.answer("已提交")
    if leave.recorded_only:
        await query.edit_message_text(leave_card(leave, "已登记备案"), reply_markup=owner_buttons(leave))
        await report_to_office(context.bot, services, leave, "请假报备(区长)", warning)
        if leave.acting is not None:
            await tell(context.bot, leave.acting.telegram_id, leave_card(leave, "区长外出,请您主持区政府工作(第七条)"))
        return
    await query.edit_message_text(leave_card(leave, "已提交,等待审批"), reply_markup=owner_buttons(leave))
    unreachable = await request_decisions(context.bot, services, leave, warning)
    if unreachable:
        await tell(
            context.bot,
            member.telegram_id,
            f"未能私信通知 {escape('、'.join(unreachable))}:请其先私聊机器人发送 /start,再发送 /leaves 查看待审批事项。",
        )


def register(application: Application) -> None:
    private_text = filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE
    application.add_handler(
        ConversationHandler(
            entry_points=[CommandHandler("leave", leave_command)],
            states={
                KIND: [CallbackQueryHandler(form_kind, pattern=KIND_PATTERN)],
                START: [MessageHandler(private_text, form_start), CallbackQueryHandler(form_start, pattern=r"^lv:d:")],
                END: [MessageHandler(private_text, form_end), CallbackQueryHandler(form_end, pattern=r"^lv:d:")],
                HALF: [MessageHandler(private_text, form_half), CallbackQueryHandler(form_half, pattern=r"^lv:d:")],
                PLACE: [MessageHandler(private_text, form_place), CallbackQueryHandler(form_place, pattern=r"^lv:d:")],
                REASON: [MessageHandler(private_text, form_reason)],
            },
            fallbacks=[CommandHandler("cancel", form_cancel), CommandHandler("leave", leave_command)],
            name="leave_form",
        )
    )
    application.add_handler(CallbackQueryHandler(confirm, pattern=r"^lv:(go|drop):[0-9a-f]+$"))
