"""Deadline commands and the alert buttons, written once for every messenger (handlers/conversation.py).

    /deadline 2026-12-05 17:00 提交整改报告 @区财政局   a custom deadline (time defaults to 18:00)
    /deadlines                                           open deadlines: mine and my unit's (all for 办公室)
    /done 12                                             close deadline 12, its reminders stop
    /document 2026-11-20 关于…的通知                     第十七条: filing due 30 days after publication
    /foreign 2026-12-20 赴日本友好城市交流              第六十五条: request due 7 working days before
    /incident 网传学校食堂问题                           第二十七条: information due within 24 hours

Sent without arguments in a private chat, the first four open a guided form instead
(handlers/deadline_form.py). Every alert carries 完成 (close it) and 推迟 (this chat hears again on
the next working day at 09:00), button data "dl:done:ID" / "dl:snooze:ID", checked server-side
like /done. Try it in `officebot chat` with ALERT_LEAD_TIMES=2m ALERT_POLL_SECONDS=1.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from handlers import deadline_form
from handlers.deadline_record import USAGE, format_moment, kind_line, record_line, sender_with_rights
from handlers.forms import Turn
from handlers.messages import APPEND, Button, Reply, Response, Rich, bold
from handlers.senders import refusal
from office.actors import Actor
from office.deadline_commands import LineError, parse_line
from office.deadlines import DeadlineError, complete_deadline, open_deadlines_for, snooze_alerts
from office.reminders import Claim

COMMANDS = [
    ("deadline", "设置期限提醒"),
    ("deadlines", "查看未办结的期限"),
    ("done", "办结期限 /done 编号"),
    ("document", "登记规范性文件发布(30日内备案)"),
    ("foreign", "登记外事活动(提前7个工作日请示)"),
    ("incident", "登记重大舆情(24小时内回应)"),
]
HELP_LINES = [("/deadline 2026-12-05 17:00 提交整改报告", "一句话设置;不带参数发送则逐步填写")]
BUTTON_PREFIX = "dl:"
FORMS = [deadline_form.FORM]

ALERT_BUTTON = re.compile(r"^dl:(done|snooze):(\d{1,12})$")
DONE_USAGE = "用法:/done 期限编号,例如 /done 12(编号见 /deadlines)"


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


def alert_reply(claim: Claim, *, tz: ZoneInfo, now: datetime) -> Reply:
    """The dispatcher's message for a claimed reminder: remaining (or overdue) time as of sending."""
    left = (claim.due_at - now).total_seconds()
    if left > 0:
        status: str | Rich = f"还剩 {_span(left)}"
    else:
        status = bold("已到截止时间") if left > -60 else bold(f"已逾期 {_span(left)}")
    lines: list[str | Rich] = [
        Rich.of("⏰ ", bold("期限提醒"), f" #{claim.deadline_id}({kind_line(claim.kind, claim.rule_article)})"),
        claim.title,
        Rich.of(f"截止:{format_moment(claim.due_at, tz)},", status),
    ]
    if claim.responsible:
        lines.append(f"责任:{claim.responsible}")
    buttons = ((Button("完成", f"dl:done:{claim.deadline_id}"), Button("推迟", f"dl:snooze:{claim.deadline_id}")),)
    return Reply(Rich.lines(lines), buttons=buttons)


def handle(turn: Turn) -> Response:
    incoming = turn.incoming
    if incoming.button is not None:
        return _alert_button(turn)
    command = incoming.command or ""
    if command == "deadlines":
        return _list(turn)
    if command == "done":
        return _done(turn)
    if not incoming.arguments.strip():
        if incoming.private and turn.forms is not None:
            return deadline_form.start(turn, command)
        return Response([Reply.say(USAGE[command])])
    try:
        line = parse_line(incoming.arguments, today=turn.now.date(), date_required=command != "incident")
    except LineError as error:
        return Response([Reply.say(f"{error}\n{USAGE[command]}")])
    reply, _ = record_line(turn, command, line)
    return Response([reply])


def _list(turn: Turn) -> Response:
    sender = sender_with_rights(turn)
    if isinstance(sender, Reply):
        return Response([sender])
    member, admin = sender
    tz, now = turn.services.settings.tz, turn.now
    views = open_deadlines_for(session=turn.session, actor=Actor.of(person_id=member.person_id), is_admin=admin)
    if not views:
        return Response([Reply.say("没有未办结的期限。")])
    scope = "全部未办结期限" if admin else "本人及本单位未办结期限"
    lines: list[str | Rich] = [Rich.of(bold(scope), f"({len(views)} 项):")]
    for view in views:
        late = Rich.of(",", bold("已逾期")) if view.due_at <= now else Rich()
        who = f",{view.responsible}" if view.responsible else ""
        lines.append(Rich.of(f"#{view.id} {view.title}\n    截止 {format_moment(view.due_at, tz)}", late,
                             f"({kind_line(view.kind, view.rule_article)}{who})"))
    lines.append("办结:/done 编号")
    return Response([Reply(Rich.lines(lines))])  # the adapter splits it below its messenger's limit


def _done(turn: Turn) -> Response:
    sender = sender_with_rights(turn)
    if isinstance(sender, Reply):
        return Response([sender])
    member, admin = sender
    argument = turn.incoming.arguments.strip().lstrip("#")
    if not argument.isdecimal() or len(argument) > 12 or not argument.isascii():
        return Response([Reply.say(DONE_USAGE)])
    try:
        with turn.session.begin_nested():
            deadline = complete_deadline(session=turn.session, deadline_id=int(argument),
                                         actor=Actor.of(person_id=member.person_id), is_admin=admin, now=turn.now)
    except DeadlineError as error:
        return Response([Reply.say(str(error))])
    return Response([Reply.say(f"✅ 期限 #{argument} 已办结:{deadline.title}。提醒已停止。")])


def _alert_button(turn: Turn) -> Response:
    incoming = turn.incoming
    match = ALERT_BUTTON.match(incoming.button or "")
    if match is None:
        return Response([refusal(incoming, "这个按钮已失效。")])
    action, deadline_id = match.group(1), int(match.group(2))
    sender = sender_with_rights(turn)
    if isinstance(sender, Reply):
        return Response([sender])
    member, admin = sender
    actor, tz = Actor.of(person_id=member.person_id), turn.services.settings.tz
    try:
        with turn.session.begin_nested():
            if action == "done":
                complete_deadline(session=turn.session, deadline_id=deadline_id, actor=actor, is_admin=admin,
                                  now=turn.now)
                until = None
            else:
                _, until = snooze_alerts(
                    session=turn.session, deadline_id=deadline_id, chats=[(incoming.channel, incoming.chat_id)],
                    actor=actor, is_admin=admin, calendar=turn.services.workdays, tz=tz, now=turn.now,
                )
    except DeadlineError as error:
        return Response([refusal(incoming, str(error))])
    if until is None:
        return Response([Reply(Rich.of(f"✅ 已由 {member.name} 办结"), edit=APPEND)], toast="已办结")
    when = format_moment(until, tz)
    return Response([Reply(Rich.of(f"⏸ {member.name} 已推迟,{when} 再提醒"), edit=APPEND)], toast=f"已推迟,{when} 再提醒")
