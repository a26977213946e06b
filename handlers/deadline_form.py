"""The guided form for /deadline, /document, /foreign and /incident sent without arguments (private chat).

    WHEN (date and optional time; /incident may press 刚刚) → TITLE → TARGET (a name or unit, or 本人)
    → recorded exactly as the one-line form records it (`handlers.deadline_record.record_line`).

Each answer is read with the one-line form's own grammar (`office.deadline_commands`); a wrong
answer (a date that cannot make the deadline, a name not in the directory) is explained and asked
again, and /cancel leaves at any step; nothing is stored before the last answer. The form is a
stored dialog (handlers/forms.py): it survives a restart and may be answered on any replica. In a
group the bare command shows the one-line usage, since a form there would swallow the sender's
ordinary messages. Try it in `officebot chat`: send /deadline and answer.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

from handlers.deadline_record import plan_line, record_line, sender_with_rights
from handlers.forms import Form, Next, Turn
from handlers.messages import Button, Reply, Response
from office.deadline_commands import Line, LineError, parse_when
from office.deadlines import MAX_TITLE_CHARS, DeadlineError

WHEN, TITLE, TARGET = "when", "title", "target"
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
SELF = ((Button("本人", SELF_BUTTON),),)


def start(turn: Turn, command: str) -> Response:
    """Open the form for `command` (only for people in the directory)."""
    sender = sender_with_rights(turn)
    if isinstance(sender, Reply):
        return Response([sender])
    assert turn.forms is not None
    turn.forms.start(turn.session, turn.incoming, FORM, step=WHEN, data={"command": command})
    buttons = ((Button("刚刚", NOW_BUTTON),),) if command == "incident" else ()
    return Response([Reply.say(f"{WHEN_QUESTIONS[command]}\n{CANCEL_HINT}", buttons=buttons)])


def _line(data: dict[str, Any], *, title: str = "待填", target: str | None = None) -> Line:
    day = date.fromisoformat(data["day"]) if data.get("day") else None
    at = time.fromisoformat(data["at"]) if data.get("at") else None
    return Line(day=day, at=at, title=title, target=target)


def on_when(turn: Turn, data: dict[str, Any]) -> Next:
    command = data["command"]
    if turn.incoming.button is not None:
        if turn.incoming.button != NOW_BUTTON or command != "incident":
            return Next(Response(toast=""), WHEN, data)
        data.update(day=None, at=None)  # 刚刚: the one-line /incident's own default, now
    else:
        try:
            day, at = parse_when(turn.incoming.text, today=turn.now.date())
            data.update(day=day.isoformat(), at=at.isoformat() if at else None)
            # A date that cannot make a deadline (already past, after the event …) is refused now,
            # not after the person has typed the rest.
            plan_line(turn, command, _line(data))
        except (LineError, DeadlineError) as error:
            return Next(Response([Reply.say(f"{error}\n{WHEN_QUESTIONS[command]}")]), WHEN, data)
    return Next(Response([Reply.say(TITLE_QUESTIONS[command])]), TITLE, data)


def on_title(turn: Turn, data: dict[str, Any]) -> Next:
    command = data["command"]
    title = " ".join(turn.incoming.text.split())
    if turn.incoming.button is not None or not title:
        return Next(Response([Reply.say(TITLE_QUESTIONS[command])]), TITLE, data)
    if len(title) > MAX_TITLE_CHARS:
        return Next(Response([Reply.say(f"内容过长(最多 {MAX_TITLE_CHARS} 字),请精简后重新发送:")]), TITLE, data)
    data["title"] = title
    return Next(Response([Reply.say(TARGET_QUESTION, buttons=SELF)]), TARGET, data)


def on_target(turn: Turn, data: dict[str, Any]) -> Next:
    incoming = turn.incoming
    if incoming.button is not None and incoming.button != SELF_BUTTON:
        return Next(Response(toast=""), TARGET, data)
    target = None if incoming.button is not None else incoming.text.strip().lstrip("@") or None
    reply, recorded = record_line(turn, data["command"], _line(data, title=data["title"], target=target), usage=False)
    if not recorded:
        # The date was checked at its step, so what failed is the name: ask for it again.
        again = Reply.say(f"{TARGET_QUESTION}\n{CANCEL_HINT}", buttons=SELF)
        return Next(Response([reply, again]), TARGET, data)
    return Next(Response([reply]), None)


FORM = Form(
    "deadline_form",
    steps={WHEN: on_when, TITLE: on_title, TARGET: on_target},
    restart_hint="请重新发送 /deadline(或 /document、/foreign、/incident)开始。",
    button_prefix="dl:f:",
)
