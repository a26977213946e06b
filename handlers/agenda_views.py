"""The read-only forms of /agenda: a day's agenda, my unit's items, items waiting for me, exports.

    /agenda 2026-12-09          the agenda of that day's meetings, in order
    /agenda mine                my unit's items (我的)
    /agenda todo                items waiting for me (待办): reviews, approvals, my drafts
    /agenda export 2026-12-09 docx    the agenda as a file (办公室 only; md, docx or csv)
    /agenda export 2026-12-09 15:00 docx    the same when the day has several meetings (or #number)

Each returns a `Response` for any messenger (handlers/agenda.py dispatches to them); the adapter
splits long replies below its messenger's limit.
"""

from __future__ import annotations

from datetime import date, tzinfo

from handlers.agenda_notify import draft_buttons, review_buttons
from handlers.forms import Turn
from handlers.messages import File, Reply, Response, Rich, bold
from handlers.senders import ANONYMOUS_REFUSED, refusal, sender_actor, sender_is_admin, sender_member
from office.agenda import AgendaError, item_card, item_label, items_waiting_for, meeting_agenda, my_unit_items
from office.agenda_export import ExportError, export_agenda
from office.dates import format_day
from office.meetings import MeetingError, MeetingPick, find_meeting, format_moment, materials_due, meeting_label, meetings_on_day
from storage.agenda import AgendaItem, ItemState

NOT_ADMIN = "此功能仅限区政府办公室管理员使用。"
EXPORT_PICK_EXAMPLE = "例如 /agenda export {day} {time} {fmt} 或 /agenda export {day} #{id} {fmt}"


def show_day(turn: Turn, day: date) -> Response:
    member = sender_member(turn.session, turn.incoming)
    if isinstance(member, Reply):
        return Response([member])
    tz = turn.services.settings.tz
    lines: list[str | Rich] = []
    meetings = meetings_on_day(session=turn.session, day=day, tz=tz)
    for meeting in meetings:
        lines.append(bold(meeting_label(meeting, tz)))
        if meeting.cancelled:
            lines.append(f"取消原因:{meeting.cancel_reason or ''}")
            continue
        due = materials_due(meeting)
        if due is not None:
            lines.append(f"材料截止:{format_moment(due, tz)}(第四十八条)")
        scheduled, pending = meeting_agenda(session=turn.session, meeting=meeting)
        for item in scheduled:
            urgent = "【特殊紧急】" if item.urgent else ""
            lines.append(f"{item.position}. {urgent}{item.title}(汇报:{item.proposing_unit} {item.reporter.name};"
                         f"分管:{item.overseer.name})")
        if not scheduled:
            lines.append("尚无已列入议程的议题。")
        if pending:
            lines.append(f"另有 {len(pending)} 项议题在审核中。")
    if not meetings:
        lines.append(f"{format_day(day)} 没有已登记的会议,请用 /meetings 查看近期会议。")
    return Response([Reply(Rich.lines(lines))])


def _item_line(item: AgendaItem, tz: tzinfo) -> str:
    line = f"{item_label(item, tz)}:{item.state}"
    if item.state_enum is ItemState.RETURNED and item.return_reason:
        line += f"(理由:{item.return_reason})"
    return line


def show_mine(turn: Turn) -> Response:
    actor = sender_actor(turn.incoming)
    if isinstance(actor, Reply):
        return Response([actor])
    tz = turn.services.settings.tz
    try:
        items = my_unit_items(session=turn.session, actor=actor)
    except AgendaError as error:
        return Response([Reply.say(str(error))])
    lines = [_item_line(item, tz) for item in items] or ["暂无。"]
    return Response([Reply(Rich.lines([bold("本单位议题"), *lines]))])


def show_todo(turn: Turn) -> Response:
    """Each waiting item as its own message, with the buttons of the step it waits for: a review or
    approval shows what the reviewer decides on, a draft its line."""
    actor = sender_actor(turn.incoming)
    if isinstance(actor, Reply):
        return Response([actor])
    tz = turn.services.settings.tz
    try:
        items = items_waiting_for(session=turn.session, actor=actor)
    except AgendaError as error:
        return Response([Reply.say(str(error))])
    if not items:
        return Response([Reply.say("暂无待您办理的议题。")])
    return Response([Reply.say(_item_line(item, tz), buttons=draft_buttons(item.id))
                     if item.state_enum is ItemState.DRAFT
                     else Reply.say(item_card(item, tz), buttons=review_buttons(item.id))
                     for item in items])


def export(turn: Turn, day: date, pick: MeetingPick, fmt: str) -> Response:
    """The agenda of one meeting as a document (办公室 only)."""
    incoming = turn.incoming
    settings = turn.services.settings
    if incoming.account is None:
        return Response([refusal(incoming, ANONYMOUS_REFUSED)])
    if not sender_is_admin(turn.session, incoming, settings_admin_ids=settings.admin_telegram_ids):
        return Response([refusal(incoming, NOT_ADMIN)])
    tz = settings.tz
    example = EXPORT_PICK_EXAMPLE.replace("{day}", day.isoformat()).replace("{fmt}", fmt)
    try:
        meeting = find_meeting(session=turn.session, day=day, pick=pick, tz=tz, example=example)
        name, content = export_agenda(session=turn.session, meeting=meeting, fmt=fmt, tz=tz)
    except (MeetingError, ExportError) as error:
        return Response([Reply.say(str(error))])
    return Response([Reply(Rich.of(name), file=File(name, content))])
