"""/agenda: file an agenda item (议题) through a guided form, or look at agendas.

Filing happens in a private chat, by a 部门正职 or 办公室 staff::

    /agenda 2026-12-09 常务会议 关于XX的请示    meeting and title in one line, the form asks the rest
    /agenda 2026-12-09 15:00 区长专题会议 关于XX的请示   the start time (or #number) picks one of two
    /agenda 2026-12-09 常务会议 代 区财政局 关于XX的请示   办公室 staff filing for 区财政局
    /agenda                                      the form first offers the coming meetings

The form asks, with buttons where it can: 主要内容; other units involved, whether their opinions
were sought and agreed, else the remaining disagreement (第四十九条); 重大事项 / 规范性文件 and then
the 合法性审查意见 as a file or marked handed in (第五十一条); the six questions of 第五十条 (a 是
ends the form and names the clause); 特殊紧急情况 with a reason when past the 3-day deadline
(第四十八条). Questions a meeting type is not bound by are skipped. It ends with a 草拟 card that
shows the due time, with 提交审核 / 删除草稿 (callback "ag:sub:<id>" / "ag:del:<id>").

Flow: MEETING → TITLE → SUMMARY → UNITS → [SOUGHT → AGREED → [DISAGREEMENT]] → MAJOR → [LEGALITY]
→ ARTICLE_50 (×6) → [URGENT → URGENT_REASON] → draft card. /cancel leaves at any step.
Views (`/agenda 2026-12-09`, `mine`, `todo`, `export`) are in handlers/agenda_views.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
from handlers.access import require_member
from handlers.agenda_notify import draft_buttons, send_and_report
from handlers.agenda_views import office_tz, send_export, show_day, show_mine, show_todo
from handlers.html import escape
from office.agenda import (
    AgendaError,
    FilingPlan,
    delete_draft,
    file_item,
    meeting_for_filing,
    plan_filing,
    split_on_behalf,
    submit_item,
)
from office.agenda_checks import (
    ARTICLE_50,
    ARTICLE_50_TYPES,
    LEGALITY_ATTACHED,
    LEGALITY_HANDED_IN,
    MAX_SUMMARY,
    MATERIALS_RULE_TYPES,
    AgendaRuleError,
    ItemFacts,
    check_article_49,
    check_article_50,
    is_late,
)
from office.agenda_export import FORMATS
from office.dates import DateError, parse_date
from office.meetings import meeting_label, parse_meeting_pick, upcoming_meetings

COMMANDS = [("agenda", "议题:提交议题、查看议程和待办")]

# Conversation states.
MEETING, TITLE, SUMMARY, UNITS = "meeting", "title", "summary", "units"
SOUGHT, AGREED, DISAGREEMENT = "sought", "agreed", "disagreement"
MAJOR, LEGALITY, ARTICLE_50_STEP, URGENT, URGENT_REASON = "major", "legality", "article50", "urgent", "urgent_reason"

FORM = "agenda_form"
MINE, TODO, EXPORT = ("mine", "我的"), ("todo", "待办", "待我审核"), "export"
USAGE = (
    "用法:\n"
    "/agenda 2026-12-09 常务会议 关于XX的请示 — 提交议题(随后逐项填写;同日同类会议有多个时,"
    "在类型前写开始时间如 15:00,或写会议编号如 #4)\n"
    "/agenda 2026-12-09 常务会议 代 区财政局 关于XX的请示 — 办公室代其他单位提交(由该单位分管副区长审核)\n"
    "/agenda — 从近期会议中选择后提交议题\n"
    "/agenda 2026-12-09 — 查看当天会议议程\n"
    "/agenda mine — 本单位议题;/agenda todo — 待我办理\n"
    f"/agenda export 2026-12-09 [15:00|#4] docx — 导出议程(办公室;格式:{'、'.join(FORMATS)})"
)
PRIVATE_ONLY = "请私聊机器人提交议题。"
YES, NO = ("是", "yes"), ("否", "no")


@dataclass
class Form:
    telegram_id: int
    meeting_id: int | None = None
    on_behalf_of: str | None = None  # the unit 办公室 staff file for (「代 区财政局」)
    plan: FilingPlan | None = None
    facts: ItemFacts = field(default_factory=ItemFacts)
    clause: int = 0  # index of the next 第五十条 question


def _keyboard(*choices: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=f"ag:f:{value}") for label, value in choices]])


async def _answer(update: Update) -> str:
    """The pressed button's value (its keyboard removed), or the typed text."""
    query = update.callback_query
    if query is None:
        return (update.effective_message.text or "").strip()
    await query.answer()
    await query.edit_message_reply_markup(None)
    return query.data.removeprefix("ag:f:")


async def _stop(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> int:
    context.user_data.pop(FORM, None)
    await update.effective_message.reply_text(escape(text) + "\n未保存任何内容。")
    return ConversationHandler.END


# --- entry ----------------------------------------------------------------------------------


async def agenda_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    words = (update.effective_message.text or "").split()[1:]
    if words and words[0] in MINE:
        await show_mine(update, context)
        return ConversationHandler.END
    if words and words[0] in TODO:
        await show_todo(update, context)
        return ConversationHandler.END
    if words and words[0] == EXPORT and (len(words) < 3 or words[-1] not in FORMATS):
        await update.effective_message.reply_text(USAGE)
        return ConversationHandler.END
    try:
        day = parse_date(words[1 if words[0] == EXPORT else 0], today=services_of(context).now().date()) if words else None
    except DateError as exc:
        await update.effective_message.reply_text(f"{escape(str(exc))}\n\n{USAGE}")
        return ConversationHandler.END
    if words and words[0] == EXPORT:
        pick, unread = parse_meeting_pick(words[2:-1])
        if unread:
            await update.effective_message.reply_text(USAGE)
        else:
            await send_export(update, context, day, pick, words[-1])
        return ConversationHandler.END
    if day is not None and len(words) == 1:
        if await require_member(update, context) is not None:
            await show_day(update, context, day)
        return ConversationHandler.END
    if update.effective_chat.type != ChatType.PRIVATE:
        await update.effective_message.reply_text(PRIVATE_ONLY)
        return ConversationHandler.END
    member = await require_member(update, context)
    if member is None:
        return ConversationHandler.END
    form = context.user_data[FORM] = Form(telegram_id=member.telegram_id)
    if day is None:
        return await _offer_meetings(update, context)
    pick, title_words = parse_meeting_pick(words[1:])
    try:
        with services_of(context).db.transaction() as session:
            form.meeting_id = meeting_for_filing(session=session, day=day, pick=pick, tz=office_tz(context))
    except AgendaError as exc:
        return await _stop(update, context, str(exc))
    return await _begin(update, context, title_words)


async def _offer_meetings(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    tz = office_tz(context)
    with services_of(context).db.transaction() as session:
        choices = [(m.id, meeting_label(m, tz)) for m in upcoming_meetings(session=session, now=services_of(context).now())]
    if not choices:
        return await _stop(update, context, "近期没有已登记的会议,请联系区政府办公室。")
    rows = [[InlineKeyboardButton(label, callback_data=f"ag:m:{meeting_id}")] for meeting_id, label in choices[:10]]
    await update.effective_message.reply_text(
        "请选择会议(随时发送 /cancel 放弃):", reply_markup=InlineKeyboardMarkup(rows)
    )
    return MEETING


async def form_meeting(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    query = update.callback_query
    await query.answer()
    await query.edit_message_reply_markup(None)
    context.user_data[FORM].meeting_id = int(query.data.removeprefix("ag:m:"))
    await query.message.reply_text("议题名称?(例如:关于XX的请示;办公室代其他单位提交:代 区财政局 关于XX的请示)")
    return TITLE


async def form_title(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    return await _begin(update, context, (await _answer(update)).split())


async def _begin(update: Update, context: ContextTypes.DEFAULT_TYPE, words: list[str]) -> str | int:
    """Check filer, unit, meeting and title, show who reviews and when materials are due, ask the summary."""
    form: Form = context.user_data[FORM]
    form.on_behalf_of, title_words = split_on_behalf(words)
    try:
        with services_of(context).db.transaction() as session:
            form.plan = plan_filing(session=session, telegram_id=form.telegram_id, meeting_id=form.meeting_id,
                                    title=" ".join(title_words), now=services_of(context).now(), tz=office_tz(context),
                                    on_behalf_of=form.on_behalf_of)
    except AgendaError as exc:
        return await _stop(update, context, str(exc))
    plan = form.plan
    lines = [
        f"<b>提交议题:{escape(plan.title)}</b>",
        f"会议:{escape(plan.meeting_text)}",
        f"提出单位:{escape(plan.unit)}{'(区政府办公室代为提交)' if plan.on_behalf else ''};分管副区长:{escape(plan.overseer_name)};汇报人:{escape(plan.reporter_name)}(第五十二条)",
    ]
    if plan.due_text:
        late = "——已过截止时间,仅限特殊紧急情况" if plan.late else ""
        lines.append(f"材料截止:{plan.due_text}(第四十八条,会议召开前3天){late}")
    lines.append("\n请用一两句话写明议题主要内容(随时发送 /cancel 放弃):")
    await update.effective_message.reply_text("\n".join(lines))
    return SUMMARY


# --- content --------------------------------------------------------------------------------


async def form_summary(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    form: Form = context.user_data[FORM]
    form.facts.summary = await _answer(update)
    if len(form.facts.summary) > MAX_SUMMARY:
        await update.effective_message.reply_text(f"主要内容过长(最多 {MAX_SUMMARY} 字),请精简后重新发送:")
        return SUMMARY
    if form.plan.meeting_kind not in MATERIALS_RULE_TYPES:
        return await _next_article_50(update, context)
    await update.effective_message.reply_text(
        "是否涉及其他部门或单位?涉及的请输入单位名称(用、分隔);不涉及请点按钮。",
        reply_markup=_keyboard(("不涉及", "none")),
    )
    return UNITS


async def form_units(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    form: Form = context.user_data[FORM]
    answer = await _answer(update)
    if answer == "none":
        return await _ask_major(update)
    form.facts.other_units = tuple(u.strip() for u in answer.replace(",", "、").replace(",", "、").split("、") if u.strip())
    await update.effective_message.reply_text(
        "会前是否已充分征求上述部门和街道乡镇主要负责人的意见?(第四十九条)", reply_markup=_keyboard(YES, NO)
    )
    return SOUGHT


async def form_sought(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    form: Form = context.user_data[FORM]
    form.facts.opinions_sought = await _answer(update) == "yes"
    try:
        check_article_49(ItemFacts(other_units=form.facts.other_units, opinions_sought=form.facts.opinions_sought,
                                   opinions_agreed=True))
    except AgendaRuleError as exc:
        return await _stop(update, context, str(exc))
    await update.effective_message.reply_text("各方是否已达成一致?", reply_markup=_keyboard(YES, NO))
    return AGREED


async def form_agreed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    form: Form = context.user_data[FORM]
    form.facts.opinions_agreed = await _answer(update) == "yes"
    if form.facts.opinions_agreed:
        return await _ask_major(update)
    await update.effective_message.reply_text(
        "请说明经协调后仍存在的分歧(第四十九条:由议题提出部门在会议上如实报告说明):"
    )
    return DISAGREEMENT


async def form_disagreement(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    context.user_data[FORM].facts.disagreement = await _answer(update)
    return await _ask_major(update)


async def _ask_major(update: Update) -> str:
    await update.effective_message.reply_text(
        "该议题是否为重大事项,或拟以区政府、区政府办公室名义制发的规范性文件?(第五十一条)",
        reply_markup=_keyboard(("重大事项", "major"), ("规范性文件", "normative"), ("两者都是", "both"), ("都不是", "neither")),
    )
    return MAJOR


async def form_major(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    form: Form = context.user_data[FORM]
    answer = await _answer(update)
    form.facts.major_matter = answer in ("major", "both")
    form.facts.normative_document = answer in ("normative", "both")
    if not (form.facts.major_matter or form.facts.normative_document):
        return await _next_article_50(update, context)
    await update.effective_message.reply_text(
        "第五十一条:应当附具区政府法制部门出具的合法性审查意见。请上传该意见文件,或点按钮确认已送交区政府办公室。",
        reply_markup=_keyboard(("已送交办公室", "handed")),
    )
    return LEGALITY


async def form_legality(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    facts: ItemFacts = context.user_data[FORM].facts
    document = update.effective_message.document if update.callback_query is None else None
    if document is not None:
        facts.legality_review, facts.legality_file_id = LEGALITY_ATTACHED, document.file_id
        facts.legality_file_name = document.file_name
    elif await _answer(update) == "handed":
        facts.legality_review = LEGALITY_HANDED_IN
    else:
        await update.effective_message.reply_text("请上传合法性审查意见文件,或点「已送交办公室」。")
        return LEGALITY
    return await _next_article_50(update, context)


# --- 第五十条 and the deadline --------------------------------------------------------------


async def _next_article_50(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    form: Form = context.user_data[FORM]
    if form.plan.meeting_kind not in ARTICLE_50_TYPES or form.clause == len(ARTICLE_50):
        return await _ask_urgent_or_save(update, context)
    clause = ARTICLE_50[form.clause]
    await update.effective_message.reply_text(
        f"第五十条检查({form.clause + 1}/{len(ARTICLE_50)}):{clause.question}", reply_markup=_keyboard(YES, NO)
    )
    return ARTICLE_50_STEP


async def form_article_50(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    form: Form = context.user_data[FORM]
    form.facts.article50[ARTICLE_50[form.clause].number] = await _answer(update) == "yes"
    form.clause += 1
    try:
        # Checks the answers so far: the first 是 ends the form with its clause.
        check_article_50(form.facts.article50 | {c.number: False for c in ARTICLE_50[form.clause:]})
    except AgendaRuleError as exc:
        return await _stop(update, context, str(exc))
    return await _next_article_50(update, context)


async def _ask_urgent_or_save(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    form: Form = context.user_data[FORM]
    if not is_late(due_at=form.plan.due_at, submitted_at=services_of(context).now()):
        return await _save(update, context)
    await update.effective_message.reply_text(
        f"第四十八条:材料应于{form.plan.due_text}前报送,已过截止时间。除特殊紧急情况外,不临时安排议题。"
        "是否属于特殊紧急情况?",
        reply_markup=_keyboard(("特殊紧急情况", "urgent"), ("放弃", "quit")),
    )
    return URGENT


async def form_urgent(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    if await _answer(update) != "urgent":
        return await _stop(update, context, "已放弃。")
    context.user_data[FORM].facts.urgent = True
    await update.effective_message.reply_text("请说明紧急理由(将报区政府办公室和区长、常务副区长):")
    return URGENT_REASON


async def form_urgent_reason(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    context.user_data[FORM].facts.urgent_reason = await _answer(update)
    return await _save(update, context)


async def _save(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Store the 草拟 (every rule checked again by office.agenda) and show its card."""
    form: Form = context.user_data.pop(FORM)
    tz = office_tz(context)
    try:
        with services_of(context).db.transaction() as session:
            item = file_item(session=session, telegram_id=form.telegram_id, meeting_id=form.meeting_id,
                             title=form.plan.title, facts=form.facts, now=services_of(context).now(), tz=tz,
                             on_behalf_of=form.on_behalf_of)
            item_id = item.id
    except AgendaError as exc:
        await update.effective_message.reply_text(escape(str(exc)) + "\n未保存任何内容。")
        return ConversationHandler.END
    due = f"\n材料截止:{form.plan.due_text}(第四十八条);提交审核即视为报送。" if form.plan.due_text else ""
    await update.effective_message.reply_text(
        f"<b>草稿已保存(编号 {item_id}):{escape(form.plan.title)}</b>\n会议:{escape(form.plan.meeting_text)}{due}\n"
        f"确认无误请点「提交审核」,将送分管副区长{escape(form.plan.overseer_name)}审核。",
        reply_markup=draft_buttons(item_id),
    )
    return ConversationHandler.END


async def form_cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    return await _stop(update, context, "已放弃填写。")


async def form_use_buttons(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text("请点上方按钮作答,或发送 /cancel 放弃。")


# --- the draft card -------------------------------------------------------------------------


async def draft_action(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """提交审核 / 删除草稿 on a draft card; only its proposer may press them."""
    query = update.callback_query
    action, item_id = query.data.split(":")[1], int(query.data.split(":")[2])
    services, tz = services_of(context), office_tz(context)
    try:
        with services.db.transaction() as session:
            if action == "del":
                title = delete_draft(session=session, item_id=item_id, telegram_id=query.from_user.id)
                outcome = None
            else:
                outcome = submit_item(session=session, item_id=item_id, telegram_id=query.from_user.id,
                                      now=services_of(context).now(), tz=tz)
                title, overseer = outcome.item.title, outcome.item.overseer.name
    except AgendaError as exc:
        await query.answer(str(exc)[:190], show_alert=True)
        return
    if outcome is None:
        await query.answer("草稿已删除")
        await query.edit_message_text(f"草稿「{escape(title)}」已删除。")
        return
    await query.answer("已提交")
    submitted = f"议题「{escape(title)}」(编号 {item_id})已报送,待分管副区长{escape(overseer)}审核。"
    await query.edit_message_text(submitted)  # the buttons go at once
    delivery = await send_and_report(context.bot, services, outcome.notices)
    if delivery:
        await query.edit_message_text(f"{submitted}\n{escape(delivery)}")


def register(application: Application) -> None:
    private_text = filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE

    def text_or_button(callback):  # noqa: ANN001, ANN202 - PTB callbacks
        return [MessageHandler(private_text, callback), CallbackQueryHandler(callback, pattern=r"^ag:f:")]

    def button(callback):  # noqa: ANN001, ANN202
        return [CallbackQueryHandler(callback, pattern=r"^ag:f:")]

    application.add_handler(
        ConversationHandler(
            entry_points=[CommandHandler("agenda", agenda_command)],
            states={
                MEETING: [CallbackQueryHandler(form_meeting, pattern=r"^ag:m:\d{1,12}$")],
                TITLE: [MessageHandler(private_text, form_title)],
                SUMMARY: [MessageHandler(private_text, form_summary)],
                UNITS: text_or_button(form_units),
                SOUGHT: button(form_sought),
                AGREED: button(form_agreed),
                DISAGREEMENT: [MessageHandler(private_text, form_disagreement)],
                MAJOR: button(form_major),
                LEGALITY: [MessageHandler(filters.Document.ALL & filters.ChatType.PRIVATE, form_legality),
                           *text_or_button(form_legality)],
                ARTICLE_50_STEP: button(form_article_50),
                URGENT: button(form_urgent),
                URGENT_REASON: [MessageHandler(private_text, form_urgent_reason)],
            },
            fallbacks=[
                CommandHandler("cancel", form_cancel),
                CommandHandler("agenda", agenda_command),
                MessageHandler(private_text, form_use_buttons),
            ],
            name="agenda_form",
        )
    )
    application.add_handler(CallbackQueryHandler(draft_action, pattern=r"^ag:(sub|del):\d{1,12}$"))
