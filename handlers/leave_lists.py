"""/leaves and /back, written once for every messenger: my reports, what waits for my decision, who
is away (办公室), the export, 销假.

Try it: `/leaves` (mine and pending for me), `/leaves 明天` (办公室: who is away that day),
`/leaves 导出` (办公室: the CSV file), `/back` (销假 of the report I am on).
"""

from __future__ import annotations

from handlers.forms import Turn
from handlers.leave import PRIVATE_ONLY
from handlers.leave_notify import leave_messages
from handlers.leave_text import decision_buttons, leave_card, owner_buttons
from handlers.messages import File, Reply, Response, Rich, bold
from handlers.senders import sender_actor, sender_is_admin, sender_member
from office.dates import DateError, format_day, parse_date
from office.leave import LeaveError, return_from_leave
from office.leave_notices import return_notices
from office.leave_views import away_on, export_csv, my_leaves, pending_for

COMMANDS = [("leaves", "我的请假、待我审批;办公室可查某日外出人员"), ("back", "销假(外出返回)")]
HELP_LINES = [("/leaves 明天", "当天外出人员(办公室;日期也可写 2026-12-01、下周一)")]
BUTTON_PREFIX = "lv:lists:"  # no buttons: nothing starts with it
FORMS: list = []

EXPORT_WORDS = ("导出", "export", "csv")
NOT_ADMIN = "此功能仅限区政府办公室管理员使用。"


def handle(turn: Turn) -> Response:
    return _back(turn) if turn.incoming.command == "back" else _leaves(turn)


def _leaves(turn: Turn) -> Response:
    incoming = turn.incoming
    if not incoming.private:
        return Response([Reply.say(PRIVATE_ONLY)])
    argument = incoming.arguments.strip()
    if argument:
        return _office_view(turn, argument)
    member = sender_member(turn.session, incoming)
    if isinstance(member, Reply):
        return Response([member])
    mine = my_leaves(session=turn.session, member=member)
    pending = pending_for(session=turn.session, member=member)
    if mine:
        lines: list[str | Rich] = [Rich.of(bold("我的请假"), "(最近 10 条)")]
        lines += [f"{leave.id}. {leave.kind.value} {leave.dates_text} {leave.destination} — {leave.state.value}"
                  for leave in mine]
        rows = tuple(row for leave in mine for row in owner_buttons(leave))
        replies = [Reply(Rich.lines(lines), buttons=rows)]
    else:
        replies = [Reply.say("您还没有请假记录。发送 /leave 提交请假。")]
    if not pending:
        replies.append(Reply.say("没有待您审批的请假。"))
    replies += [Reply(leave_card(item.leave, f"待您审批({item.label})", item.warning),
                      buttons=decision_buttons(item.approval_id)) for item in pending]
    return Response(replies)


def _office_view(turn: Turn, argument: str) -> Response:
    """办公室 only: who is away on a day, or the CSV export."""
    if not sender_is_admin(turn.session, turn.incoming, settings_admin_ids=turn.services.settings.admin_telegram_ids):
        return Response([Reply.say(NOT_ADMIN)])
    if argument.lower() in EXPORT_WORDS:
        content = export_csv(session=turn.session, timezone=turn.services.settings.timezone)
        return Response([Reply(Rich.of("请假记录导出(CSV,Excel 可直接打开)"),
                               file=File("leaves.csv", content.encode("utf-8")))])
    try:
        day = parse_date(argument, today=turn.now.date())
    except DateError as exc:
        return Response([Reply.say(f"{exc}\n用法:/leaves 日期 或 /leaves 导出")])
    away = away_on(session=turn.session, day=day)
    if not away:
        return Response([Reply.say(f"{format_day(day)} 没有人请假外出。")])
    lines: list[str | Rich] = [Rich.of(bold(f"{format_day(day)} 外出/请假人员"), f"(共 {len(away)} 人次)")]
    lines += [f"{leave.filer.label}:{leave.kind.value} {leave.dates_text} {leave.destination}" for leave in away]
    return Response([Reply(Rich.lines(lines))])  # the adapter splits it below its messenger's limit


def _back(turn: Turn) -> Response:
    actor = sender_actor(turn.incoming)
    if isinstance(actor, Reply):
        return Response([actor])
    try:
        with turn.session.begin_nested():
            leave = return_from_leave(session=turn.session, actor=actor, now=turn.now)
    except LeaveError as exc:
        return Response([Reply.say(str(exc))])
    notices, _ = leave_messages(turn, leave, return_notices(leave))
    return Response([Reply.say(f"已销假:{leave.kind.value}(编号 {leave.id}),欢迎回来。")], notices=notices)
