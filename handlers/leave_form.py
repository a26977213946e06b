"""The guided /leave (sent without arguments, private chat): kind (buttons), start, end (or 半天:
上午 or 下午?), place, reason, each answer checked at its step (office/leave_form.py) and that
step asked again when it is refused; it ends with the confirmation card (handlers/leave_card.py).

The form is a stored dialog (handlers/forms.py): it survives a restart and may be answered on any
replica; /cancel leaves at any step. Quick answers are buttons ("lv:f:k:<kind>" for the kind,
"lv:f:d:<label>" for 明天, 同一天, 半天, 上午, 跳过 …) or may be typed. A 会议请假 is for a
registered meeting: its place step offers the period's meetings ("lv:f:m:<meeting id>",
office/leave_meetings.py), and a period without one is said at once. Try it: send /leave.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from handlers.forms import Form, Next, Turn
from handlers.leave_card import show_plan
from handlers.messages import APPEND, REPLACE, Button, Reply, Response, Rich
from office.dates import AFTERNOON, MORNING, WHOLE_DAY, DayPart
from office.directory import StaffMember
from office.leave import LeaveError
from office.leave_form import (
    LeaveDraft,
    meetings_of,
    read_day,
    request_of,
    start_draft,
    with_end,
    with_half_day,
    with_meeting,
    with_place,
    with_start,
)
from office.leave_line import HALF_DAY
from office.leave_routing import LeaveKind

KIND, START, END, HALF, PLACE, REASON = "kind", "start", "end", "half", "place", "reason"
KIND_BUTTON, ANSWER_BUTTON, MEETING_BUTTON = "lv:f:k:", "lv:f:d:", "lv:f:m:"
KIND_QUESTION = "请选择请假类型(随时发送 /cancel 放弃):"
START_QUESTION = "开始日期?可点按钮,或输入 12月1日、2026-12-01、下周一,可加上午/下午。"
END_QUESTION = "结束日期?只请一天点「同一天」,半天点「半天」,或输入日期。"
HALF_QUESTION = "上午还是下午?"
REASON_QUESTION = "事由?"
SAME_DAY, SKIP = "同一天", "跳过"
Rows = tuple[tuple[Button, ...], ...]


def _buttons(*labels: str) -> Rows:
    return (tuple(Button(label, ANSWER_BUTTON + label) for label in labels),)


def _kind_buttons() -> Rows:
    kinds = [Button(kind.value, KIND_BUTTON + kind.value) for kind in LeaveKind]
    return (tuple(kinds[:3]), tuple(kinds[3:]))


def _start_buttons(kind: LeaveKind) -> Rows:
    return _buttons(*(("今天", "明天", "后天") if kind is LeaveKind.MEETING else ("明天", "后天", "下周一")))


END_BUTTONS, HALF_BUTTONS = _buttons(SAME_DAY, HALF_DAY), _buttons(MORNING, AFTERNOON)
MEETING_QUESTION = "请假不参加哪个会议?请点选:"


def _place_question(kind: LeaveKind) -> tuple[str, Rows]:
    if kind in (LeaveKind.BUSINESS_TRIP, LeaveKind.TRIP_ABROAD):
        return "目的地?", ()
    return "地点?(可点「跳过」)", _buttons(SKIP)


def start(turn: Turn, member: StaffMember) -> Response:
    assert turn.forms is not None
    turn.forms.start(turn.session, turn.incoming, FORM, step=KIND, data={"person_id": member.person_id})
    return Response([Reply.say(KIND_QUESTION, buttons=_kind_buttons())])


# ------------------------------------------------------------------ the draft in the dialog's JSON


def _day(value: list[str] | None) -> DayPart | None:
    return DayPart(date.fromisoformat(value[0]), value[1]) if value else None


def _draft(data: dict[str, Any]) -> LeaveDraft:
    return LeaveDraft(person_id=data["person_id"], kind=LeaveKind(data["kind"]), start=_day(data.get("start")),
                      end=_day(data.get("end")), place=data.get("place", ""), meeting_id=data.get("meeting_id"))


def _data(draft: LeaveDraft) -> dict[str, Any]:
    def day(part: DayPart | None) -> list[str] | None:
        return [part.day.isoformat(), part.period] if part else None

    return {"person_id": draft.person_id, "kind": draft.kind.value, "start": day(draft.start),
            "end": day(draft.end), "place": draft.place, "meeting_id": draft.meeting_id}


# ------------------------------------------------------------------ steps


def _answer(turn: Turn) -> tuple[str | None, list[Reply]]:
    """The typed text or the pressed quick answer's label (its buttons taken away); None for
    another button (an old one): the step stays as it is."""
    incoming = turn.incoming
    if incoming.button is None:
        return incoming.text.strip(), []
    if incoming.button.startswith(ANSWER_BUTTON):
        return incoming.button.removeprefix(ANSWER_BUTTON), [Reply(Rich(), edit=APPEND)]
    return None, []


def _ask(replies: list[Reply], text: str, buttons: Rows = ()) -> Response:
    return Response([*replies, Reply.say(text, buttons=buttons)])


def _again(replies: list[Reply], error: LeaveError, question: str, buttons: Rows = ()) -> Response:
    """A refused answer: what to fix, then the same question (the earlier answers are kept)."""
    return _ask(replies, f"{error}\n{question}", buttons)


def on_kind(turn: Turn, data: dict[str, Any]) -> Next:
    chosen = (turn.incoming.button or "").removeprefix(KIND_BUTTON)
    if chosen not in {kind.value for kind in LeaveKind}:
        return Next(_ask([], "请点按钮选择请假类型:", _kind_buttons()), KIND, data)
    kind = LeaveKind(chosen)
    shown = [Reply(Rich.of(f"类型:{kind.value}"), edit=REPLACE)]
    try:
        draft = start_draft(session=turn.session, person_id=data["person_id"], kind=kind)
    except LeaveError as exc:  # nobody could approve it: said now, not after the whole form
        return Next(_ask(shown, str(exc)), None)
    return Next(_ask(shown, START_QUESTION, _start_buttons(kind)), START, _data(draft))


def on_start(turn: Turn, data: dict[str, Any]) -> Next:
    text, replies = _answer(turn)
    if text is None:
        return Next(Response(toast=""), START, data)
    draft, today = _draft(data), turn.now.date()
    try:
        draft = with_start(session=turn.session, draft=draft, start=read_day(text, today=today), today=today)
    except LeaveError as exc:
        return Next(_again(replies, exc, START_QUESTION, _start_buttons(draft.kind)), START, data)
    return Next(_ask(replies, END_QUESTION, END_BUTTONS), END, _data(draft))


def _ask_place(turn: Turn, replies: list[Reply], draft: LeaveDraft) -> Next:
    """The place question; for a 会议请假, the registered meetings of its period as buttons (a
    period without one: said, and the start date asked again)."""
    if draft.kind is not LeaveKind.MEETING:
        return Next(_ask(replies, *_place_question(draft.kind)), PLACE, _data(draft))
    try:
        buttons = _meeting_buttons(turn, draft)
    except LeaveError as exc:
        return Next(_again(replies, exc, START_QUESTION, _start_buttons(draft.kind)), START, _data(draft))
    return Next(_ask(replies, MEETING_QUESTION, buttons), PLACE, _data(draft))


def _meeting_buttons(turn: Turn, draft: LeaveDraft) -> Rows:
    choices = meetings_of(session=turn.session, draft=draft, tz=turn.services.settings.tz)
    return tuple((Button(choice.label, f"{MEETING_BUTTON}{choice.id}"),) for choice in choices)


def _on_meeting(turn: Turn, data: dict[str, Any]) -> Next:
    """会议请假's place step: one of the offered meetings is pressed (typing one is not enough)."""
    draft, pressed = _draft(data), turn.incoming.button or ""
    meeting = pressed.removeprefix(MEETING_BUTTON)
    if not pressed.startswith(MEETING_BUTTON) or not meeting.isdecimal() or len(meeting) > 12:
        return _ask_place(turn, [], draft)
    try:
        draft = with_meeting(session=turn.session, draft=draft, meeting_id=int(meeting), tz=turn.services.settings.tz)
    except LeaveError as exc:  # cancelled or moved meanwhile: the meetings as they are now
        return _ask_place(turn, [Reply.say(str(exc))], draft)
    shown = Reply(Rich.of(f"会议:{draft.place}"), edit=REPLACE)
    return Next(_ask([shown], REASON_QUESTION), REASON, _data(draft))


def on_end(turn: Turn, data: dict[str, Any]) -> Next:
    text, replies = _answer(turn)
    if text is None:
        return Next(Response(toast=""), END, data)
    draft = _draft(data)
    assert draft.start is not None
    if text == HALF_DAY and draft.start.period == WHOLE_DAY:
        return Next(_ask(replies, HALF_QUESTION, HALF_BUTTONS), HALF, data)
    try:
        end = draft.start if text in (SAME_DAY, HALF_DAY) else read_day(text, today=turn.now.date())
        draft = with_end(session=turn.session, draft=draft, end=end)
    except LeaveError as exc:
        return Next(_again(replies, exc, END_QUESTION, END_BUTTONS), END, data)
    return _ask_place(turn, replies, draft)


def on_half(turn: Turn, data: dict[str, Any]) -> Next:
    text, replies = _answer(turn)
    if text not in (MORNING, AFTERNOON):
        return Next(_ask(replies, HALF_QUESTION, HALF_BUTTONS), HALF, data)
    try:
        draft = with_half_day(session=turn.session, draft=_draft(data), period=text)
    except LeaveError as exc:  # the half day is taken by another report: choose the end again
        return Next(_again(replies, exc, END_QUESTION, END_BUTTONS), END, data)
    return _ask_place(turn, replies, draft)


def on_place(turn: Turn, data: dict[str, Any]) -> Next:
    if data["kind"] == LeaveKind.MEETING.value:
        return _on_meeting(turn, data)
    text, replies = _answer(turn)
    draft = _draft(data)
    if text is None:
        return Next(Response(toast=""), PLACE, data)
    try:
        draft = with_place(session=turn.session, draft=draft, place="" if text == SKIP else text)
    except LeaveError as exc:
        return Next(_again(replies, exc, *_place_question(draft.kind)), PLACE, data)
    return Next(_ask(replies, REASON_QUESTION), REASON, _data(draft))


def on_reason(turn: Turn, data: dict[str, Any]) -> Next:
    if turn.incoming.button is not None:
        return Next(Response(toast=""), REASON, data)
    try:
        request = request_of(_draft(data), reason=turn.incoming.text)
    except LeaveError as exc:
        return Next(_again([], exc, REASON_QUESTION), REASON, data)
    return Next(Response([show_plan(turn, request)]), None)


FORM = Form(
    "leave_form",
    steps={KIND: on_kind, START: on_start, END: on_end, HALF: on_half, PLACE: on_place, REASON: on_reason},
    restart_hint="请重新发送 /leave 开始。",
    button_prefix="lv:f:",
)
