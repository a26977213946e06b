"""The guided form that files an agenda item (议题), in a private chat, as a stored dialog.

    MEETING (a button per coming meeting) → TITLE → SUMMARY → UNITS → [SOUGHT → AGREED →
    [DISAGREEMENT]] → MAJOR → [LEGALITY] → ARTICLE_50 (×6) → [URGENT → URGENT_REASON] → 草拟 card

`/agenda DATE [TYPE] TITLE` starts at SUMMARY, `/agenda` at MEETING (handlers/agenda.py). It asks
the 主要内容; other units involved, whether their opinions were sought and agreed, else the
remaining disagreement (第四十九条); 重大事项 / 规范性文件 and then the 合法性审查意见 as an uploaded
file or marked handed in (第五十一条); the six questions of 第五十条 (a 是 ends the form naming the
clause); 特殊紧急情况 with a reason when past the 3-day deadline (第四十八条). Questions a meeting
type is not bound by are skipped. Nothing is stored before the last answer, which saves a 草拟
(every rule checked again by office.agenda) and shows its card with 提交审核 / 删除草稿.

The form's buttons are "ag:f:<value>" (a meeting: "ag:f:m:<id>"); a pressed question loses its
buttons. /cancel leaves at any step. Being a stored dialog (handlers/forms.py), it survives a
restart and may be answered on any replica. Try it in `officebot chat`: send /agenda.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from handlers.agenda_notify import draft_buttons, stored_file
from handlers.forms import Form, Next, Turn
from handlers.messages import APPEND, Button, Reply, Response, Rich, bold
from handlers.senders import sender_actor
from office.agenda import AgendaError, file_item, plan_filing, split_on_behalf
from office.agenda_checks import (
    ARTICLE_50,
    ARTICLE_50_TYPES,
    LEGALITY_ATTACHED,
    LEGALITY_HANDED_IN,
    MATERIALS_RULE_TYPES,
    MAX_SUMMARY,
    AgendaRuleError,
    ItemFacts,
    check_article_49,
    check_article_50,
    is_late,
)
from office.meetings import meeting_label, upcoming_meetings
from storage.agenda import MeetingType

MEETING, TITLE, SUMMARY, UNITS = "meeting", "title", "summary", "units"
SOUGHT, AGREED, DISAGREEMENT = "sought", "agreed", "disagreement"
MAJOR, LEGALITY, ARTICLE_50_STEP, URGENT, URGENT_REASON = "major", "legality", "article50", "urgent", "urgent_reason"

PREFIX = "ag:f:"
MEETING_PREFIX = f"{PREFIX}m:"
CANCEL_HINT = "(随时发送 /cancel 放弃)"
NOT_SAVED = "未保存任何内容。"
USE_BUTTONS = "请点上方按钮作答,或发送 /cancel 放弃。"
TITLE_QUESTION = "议题名称?(例如:关于XX的请示;办公室代其他单位提交:代 区财政局 关于XX的请示)"
YES, NO = ("是", "yes"), ("否", "no")
MAJOR_CHOICES = (("重大事项", "major"), ("规范性文件", "normative"), ("两者都是", "both"), ("都不是", "neither"))
UNITS_QUESTION = "是否涉及其他部门或单位?涉及的请输入单位名称(用、分隔);不涉及请点按钮。"
SOUGHT_QUESTION = "会前是否已充分征求上述部门和街道乡镇主要负责人的意见?(第四十九条)"
AGREED_QUESTION = "各方是否已达成一致?"
DISAGREEMENT_QUESTION = "请说明经协调后仍存在的分歧(第四十九条:由议题提出部门在会议上如实报告说明):"
MAJOR_QUESTION = "该议题是否为重大事项,或拟以区政府、区政府办公室名义制发的规范性文件?(第五十一条)"
LEGALITY_QUESTION = "第五十一条:应当附具区政府法制部门出具的合法性审查意见。请上传该意见文件,或点按钮确认已送交区政府办公室。"
LEGALITY_AGAIN = "请上传合法性审查意见文件,或点「已送交办公室」。"
URGENT_REASON_QUESTION = "请说明紧急理由(将报区政府办公室和区长、常务副区长):"


def _buttons(*choices: tuple[str, str]) -> tuple[tuple[Button, ...], ...]:
    return (tuple(Button(label, f"{PREFIX}{value}") for label, value in choices),)


def _ask(step: str, data: dict[str, Any], text: str | Rich, *choices: tuple[str, str], pressed: bool = False) -> Next:
    """Ask `text` (with `choices` as buttons) as `step`; a pressed question first loses its buttons."""
    replies = [Reply(Rich(), edit=APPEND)] if pressed else []
    replies.append(Reply(Rich.of(text), buttons=_buttons(*choices) if choices else ()))
    return Next(Response(replies), step, data)


def _stop(text: str, *, pressed: bool = False) -> Next:
    replies = [Reply(Rich(), edit=APPEND)] if pressed else []
    return Next(Response([*replies, Reply.say(f"{text}\n{NOT_SAVED}")]), None)


def _choice(turn: Turn, values: tuple[str, ...]) -> str | None:
    """The value of a pressed button among `values`; None for typed text or another button."""
    button = turn.incoming.button
    value = button.removeprefix(PREFIX) if button is not None else None
    return value if value in values else None


def _retry(step: str, data: dict[str, Any], turn: Turn) -> Next:
    """An answer the step cannot take: a button of an earlier question is ignored, text is told to press."""
    if turn.incoming.button is not None:
        return Next(Response(toast="请回答最新的问题"), step, data)
    return Next(Response([Reply.say(USE_BUTTONS)]), step, data)


def _facts(data: dict[str, Any]) -> ItemFacts:
    facts = dict(data["facts"])
    facts["other_units"] = tuple(facts["other_units"])
    return ItemFacts(**facts)


def _kind(data: dict[str, Any]) -> MeetingType:
    return MeetingType(data["plan"]["meeting_kind"])


# --- the start ------------------------------------------------------------------------------


def offer_meetings(turn: Turn) -> Response:
    """`/agenda` alone: a button per coming meeting, then the form asks the title."""
    tz = turn.services.settings.tz
    meetings = upcoming_meetings(session=turn.session, now=turn.now)[:10]
    if not meetings:
        return Response([Reply.say(f"近期没有已登记的会议,请联系区政府办公室。\n{NOT_SAVED}")])
    assert turn.forms is not None
    turn.forms.start(turn.session, turn.incoming, FORM, step=MEETING, data={})
    rows = tuple((Button(meeting_label(m, tz), f"{MEETING_PREFIX}{m.id}"),) for m in meetings)
    return Response([Reply.say(f"请选择会议{CANCEL_HINT}:", buttons=rows)])


def begin(turn: Turn, meeting_id: int, words: list[str]) -> tuple[Response, dict[str, Any] | None]:
    """Check filer, unit, meeting and title; show who reviews and when materials are due, and ask
    the summary. Returns the reply and the form's data (None when refused: nothing to go on with)."""
    actor = sender_actor(turn.incoming)
    if isinstance(actor, Reply):
        return Response([actor]), None
    on_behalf_of, title_words = split_on_behalf(words)
    tz = turn.services.settings.tz
    try:
        plan = plan_filing(session=turn.session, actor=actor, meeting_id=meeting_id, title=" ".join(title_words),
                           now=turn.now, tz=tz, on_behalf_of=on_behalf_of)
    except AgendaError as error:
        return Response([Reply.say(f"{error}\n{NOT_SAVED}")]), None
    behalf = "(区政府办公室代为提交)" if plan.on_behalf else ""
    lines: list[str | Rich] = [
        bold(f"提交议题:{plan.title}"),
        f"会议:{plan.meeting_text}",
        f"提出单位:{plan.unit}{behalf};分管副区长:{plan.overseer_name};汇报人:{plan.reporter_name}(第五十二条)",
    ]
    if plan.due_text:
        late = "——已过截止时间,仅限特殊紧急情况" if plan.late else ""
        lines.append(f"材料截止:{plan.due_text}(第四十八条,会议召开前3天){late}")
    lines.append(f"\n请用一两句话写明议题主要内容{CANCEL_HINT}:")
    data = {
        "meeting_id": meeting_id, "on_behalf_of": on_behalf_of, "clause": 0, "facts": asdict(ItemFacts()),
        "plan": {"title": plan.title, "meeting_kind": plan.meeting_kind.value, "meeting_text": plan.meeting_text,
                 "overseer_name": plan.overseer_name, "due_text": plan.due_text},
    }
    return Response([Reply(Rich.lines(lines))]), data


def start_at_summary(turn: Turn, meeting_id: int, words: list[str]) -> Response:
    """The one-line `/agenda DATE [TYPE] TITLE`: the form opens at the summary if the filing can go on."""
    response, data = begin(turn, meeting_id, words)
    if data is not None:
        assert turn.forms is not None
        turn.forms.start(turn.session, turn.incoming, FORM, step=SUMMARY, data=data)
    return response


# --- the steps ------------------------------------------------------------------------------


def on_meeting(turn: Turn, data: dict[str, Any]) -> Next:
    button = turn.incoming.button or ""
    number = button.removeprefix(MEETING_PREFIX)
    if not button.startswith(MEETING_PREFIX) or not number.isdecimal() or len(number) > 12:
        return _retry(MEETING, data, turn)
    return _ask(TITLE, {"meeting_id": int(number)}, TITLE_QUESTION, pressed=True)


def on_title(turn: Turn, data: dict[str, Any]) -> Next:
    if turn.incoming.button is not None or not turn.incoming.text.strip():
        return _ask(TITLE, data, TITLE_QUESTION)
    response, started = begin(turn, data["meeting_id"], turn.incoming.text.split())
    return Next(response, SUMMARY if started else None, started or {})


def on_summary(turn: Turn, data: dict[str, Any]) -> Next:
    summary = turn.incoming.text.strip()
    if turn.incoming.button is not None or not summary:
        return _retry(SUMMARY, data, turn) if turn.incoming.button else _ask(SUMMARY, data, "请写明议题主要内容:")
    if len(summary) > MAX_SUMMARY:
        return _ask(SUMMARY, data, f"主要内容过长(最多 {MAX_SUMMARY} 字),请精简后重新发送:")
    data["facts"]["summary"] = summary
    if _kind(data) not in MATERIALS_RULE_TYPES:
        return _next_article_50(turn, data)
    return _ask(UNITS, data, UNITS_QUESTION, ("不涉及", "none"))


def on_units(turn: Turn, data: dict[str, Any]) -> Next:
    if _choice(turn, ("none",)):
        return _ask_major(data, pressed=True)
    if turn.incoming.button is not None:
        return _retry(UNITS, data, turn)
    text = turn.incoming.text.replace(",", "、").replace(",", "、")
    units = [unit.strip() for unit in text.split("、") if unit.strip()]
    if not units:
        return _ask(UNITS, data, UNITS_QUESTION, ("不涉及", "none"))
    data["facts"]["other_units"] = units
    return _ask(SOUGHT, data, SOUGHT_QUESTION, YES, NO)


def on_sought(turn: Turn, data: dict[str, Any]) -> Next:
    answer = _choice(turn, ("yes", "no"))
    if answer is None:
        return _retry(SOUGHT, data, turn)
    data["facts"]["opinions_sought"] = answer == "yes"
    try:
        check_article_49(ItemFacts(other_units=tuple(data["facts"]["other_units"]), opinions_sought=answer == "yes",
                                   opinions_agreed=True))
    except AgendaRuleError as error:
        return _stop(str(error), pressed=True)
    return _ask(AGREED, data, AGREED_QUESTION, YES, NO, pressed=True)


def on_agreed(turn: Turn, data: dict[str, Any]) -> Next:
    answer = _choice(turn, ("yes", "no"))
    if answer is None:
        return _retry(AGREED, data, turn)
    data["facts"]["opinions_agreed"] = answer == "yes"
    if answer == "yes":
        return _ask_major(data, pressed=True)
    return _ask(DISAGREEMENT, data, DISAGREEMENT_QUESTION, pressed=True)


def on_disagreement(turn: Turn, data: dict[str, Any]) -> Next:
    text = turn.incoming.text.strip()
    if turn.incoming.button is not None or not text:
        return _retry(DISAGREEMENT, data, turn) if turn.incoming.button else _ask(DISAGREEMENT, data, DISAGREEMENT_QUESTION)
    data["facts"]["disagreement"] = text
    return _ask_major(data)


def _ask_major(data: dict[str, Any], *, pressed: bool = False) -> Next:
    return _ask(MAJOR, data, MAJOR_QUESTION, *MAJOR_CHOICES, pressed=pressed)


def on_major(turn: Turn, data: dict[str, Any]) -> Next:
    answer = _choice(turn, tuple(value for _, value in MAJOR_CHOICES))
    if answer is None:
        return _retry(MAJOR, data, turn)
    data["facts"]["major_matter"] = answer in ("major", "both")
    data["facts"]["normative_document"] = answer in ("normative", "both")
    if answer == "neither":
        return _next_article_50(turn, data, pressed=True)
    return _ask(LEGALITY, data, LEGALITY_QUESTION, ("已送交办公室", "handed"), pressed=True)


def on_legality(turn: Turn, data: dict[str, Any]) -> Next:
    incoming, facts = turn.incoming, data["facts"]
    if incoming.file_id:
        facts.update(legality_review=LEGALITY_ATTACHED, legality_file_id=stored_file(incoming.channel, incoming.file_id),
                     legality_file_name=incoming.file_name or None)
        return _next_article_50(turn, data)
    if _choice(turn, ("handed",)):
        facts.update(legality_review=LEGALITY_HANDED_IN)
        return _next_article_50(turn, data, pressed=True)
    if incoming.button is not None:
        return _retry(LEGALITY, data, turn)
    return _ask(LEGALITY, data, LEGALITY_AGAIN)


def _next_article_50(turn: Turn, data: dict[str, Any], *, pressed: bool = False) -> Next:
    clause = data["clause"]
    if _kind(data) not in ARTICLE_50_TYPES or clause == len(ARTICLE_50):
        return _urgent_or_save(turn, data, pressed=pressed)
    question = f"第五十条检查({clause + 1}/{len(ARTICLE_50)}):{ARTICLE_50[clause].question}"
    return _ask(ARTICLE_50_STEP, data, question, YES, NO, pressed=pressed)


def on_article_50(turn: Turn, data: dict[str, Any]) -> Next:
    answer = _choice(turn, ("yes", "no"))
    if answer is None:
        return _retry(ARTICLE_50_STEP, data, turn)
    answers = data["facts"]["article50"]
    answers[ARTICLE_50[data["clause"]].number] = answer == "yes"
    data["clause"] += 1
    try:
        # Checks the answers so far: the first 是 ends the form with its clause.
        check_article_50(answers | {c.number: False for c in ARTICLE_50[data["clause"]:]})
    except AgendaRuleError as error:
        return _stop(str(error), pressed=True)
    return _next_article_50(turn, data, pressed=True)


def _urgent_or_save(turn: Turn, data: dict[str, Any], *, pressed: bool) -> Next:
    """Judge the 3-day rule now, on the meeting as it is now (the office may have moved it since)."""
    actor = sender_actor(turn.incoming)
    if isinstance(actor, Reply):
        return Next(Response([actor]), None)
    try:
        plan = plan_filing(session=turn.session, actor=actor, meeting_id=data["meeting_id"],
                           title=data["plan"]["title"], now=turn.now, tz=turn.services.settings.tz,
                           on_behalf_of=data["on_behalf_of"])
    except AgendaError as error:
        return _stop(str(error), pressed=pressed)
    data["plan"].update(due_text=plan.due_text, meeting_text=plan.meeting_text)
    if not is_late(due_at=plan.due_at, submitted_at=turn.now):
        return _save(turn, data, pressed=pressed)
    question = (f"第四十八条:材料应于{plan.due_text}前报送,已过截止时间。除特殊紧急情况外,不临时安排议题。"
                "是否属于特殊紧急情况?")
    return _ask(URGENT, data, question, ("特殊紧急情况", "urgent"), ("放弃", "quit"), pressed=pressed)


def on_urgent(turn: Turn, data: dict[str, Any]) -> Next:
    answer = _choice(turn, ("urgent", "quit"))
    if answer is None:
        return _retry(URGENT, data, turn)
    if answer == "quit":
        return _stop("已放弃。", pressed=True)
    data["facts"]["urgent"] = True
    return _ask(URGENT_REASON, data, URGENT_REASON_QUESTION, pressed=True)


def on_urgent_reason(turn: Turn, data: dict[str, Any]) -> Next:
    reason = turn.incoming.text.strip()
    if turn.incoming.button is not None or not reason:
        return _retry(URGENT_REASON, data, turn) if turn.incoming.button else _ask(URGENT_REASON, data, URGENT_REASON_QUESTION)
    data["facts"]["urgent_reason"] = reason
    return _save(turn, data, pressed=False)


def _save(turn: Turn, data: dict[str, Any], *, pressed: bool) -> Next:
    """Store the 草拟 (every rule checked again by office.agenda) and show its card."""
    actor = sender_actor(turn.incoming)
    if isinstance(actor, Reply):
        return Next(Response([actor]), None)
    plan = data["plan"]
    try:
        with turn.session.begin_nested():
            item = file_item(session=turn.session, actor=actor, meeting_id=data["meeting_id"], title=plan["title"],
                             facts=_facts(data), now=turn.now, tz=turn.services.settings.tz,
                             on_behalf_of=data["on_behalf_of"])
    except AgendaError as error:
        return _stop(str(error), pressed=pressed)
    due = f"\n材料截止:{plan['due_text']}(第四十八条);提交审核即视为报送。" if plan["due_text"] else ""
    card = Rich.of(bold(f"草稿已保存(编号 {item.id}):{plan['title']}"), f"\n会议:{plan['meeting_text']}{due}\n"
                   f"确认无误请点「提交审核」,将送分管副区长{plan['overseer_name']}审核。")
    replies = [Reply(Rich(), edit=APPEND)] if pressed else []
    return Next(Response([*replies, Reply(card, buttons=draft_buttons(item.id))]), None)


FORM = Form(
    "agenda_form",
    steps={MEETING: on_meeting, TITLE: on_title, SUMMARY: on_summary, UNITS: on_units, SOUGHT: on_sought,
           AGREED: on_agreed, DISAGREEMENT: on_disagreement, MAJOR: on_major, LEGALITY: on_legality,
           ARTICLE_50_STEP: on_article_50, URGENT: on_urgent, URGENT_REASON: on_urgent_reason},
    restart_hint="请重新发送 /agenda 开始。",
    button_prefix=PREFIX,
)
