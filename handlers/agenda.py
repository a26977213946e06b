"""/agenda: file an agenda item (议题) through a guided form, look at agendas, and the draft card.

Filing happens in a private chat, by a 部门正职 or 办公室 staff::

    /agenda 2026-12-09 常务会议 关于XX的请示    meeting and title in one line, the form asks the rest
    /agenda 2026-12-09 15:00 区长专题会议 关于XX的请示   the start time (or #number) picks one of two
    /agenda 2026-12-09 常务会议 代 区财政局 关于XX的请示   办公室 staff filing for 区财政局
    /agenda                                      the form first offers the coming meetings

The form (handlers/agenda_form.py) ends with a 草拟 card showing the due time, with 提交审核 /
删除草稿 (button data "ag:sub:<id>" / "ag:del:<id>"), which only its proposer may press: 提交审核
sends it to the 分管副区长, and the proposer hears who could not be told. Views (`/agenda
2026-12-09`, `mine`, `todo`, `export`) are in handlers/agenda_views.py, the reviewers' buttons in
handlers/agenda_review.py. Written once for every messenger (handlers/conversation.py); try it in
`officebot chat`.
"""

from __future__ import annotations

import re
from datetime import date

from handlers import agenda_form, agenda_views
from handlers.agenda_notify import with_notices
from handlers.expired import EXPIRED
from handlers.forms import Turn
from handlers.messages import REPLACE, Reply, Response, Rich
from handlers.senders import refusal, sender_actor, sender_member
from office.agenda import AgendaError, delete_draft, meeting_for_filing, submit_item
from office.agenda_formats import FORMATS
from office.dates import DateError, parse_date
from office.meetings import parse_meeting_pick

COMMANDS = [("agenda", "议题:提交议题、查看议程和待办")]
HELP_LINES = [
    ("/agenda 2026-12-09 常务会议 关于XX的请示", "提交议题"),
    ("/agenda 2026-12-09", "当天会议的议程"),
    ("/agenda mine", "本单位的议题"),
    ("/agenda todo", "待我审核、批准的议题和我的草稿"),
    ("/agenda export 2026-12-09 docx", "导出议程(办公室)"),
]
BUTTON_PREFIX = ("ag:sub:", "ag:del:", agenda_form.PREFIX)
FORMS = [agenda_form.FORM]

DRAFT_BUTTON = re.compile(r"^ag:(sub|del):(\d{1,12})$")
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


def handle(turn: Turn) -> Response:
    if turn.incoming.button is not None:
        return _draft_button(turn)
    words = turn.incoming.arguments.split()
    if words and words[0] in MINE:
        return agenda_views.show_mine(turn)
    if words and words[0] in TODO:
        return agenda_views.show_todo(turn)
    export = bool(words) and words[0] == EXPORT
    if export and (len(words) < 3 or words[-1] not in FORMATS):
        return Response([Reply.say(USAGE)])
    try:
        day = parse_date(words[1 if export else 0], today=turn.now.date()) if words else None
    except DateError as error:
        return Response([Reply.say(f"{error}\n\n{USAGE}")])
    if export:
        pick, unread = parse_meeting_pick(words[2:-1])
        return Response([Reply.say(USAGE)]) if unread else agenda_views.export(turn, day, pick, words[-1])
    if day is not None and len(words) == 1:
        return agenda_views.show_day(turn, day)
    return _file(turn, day, words)


def _file(turn: Turn, day: date | None, words: list[str]) -> Response:
    """Start the guided form: at the list of meetings, or (a day given) at the item's summary."""
    if not turn.incoming.private or turn.forms is None:
        return Response([Reply.say(PRIVATE_ONLY)])
    member = sender_member(turn.session, turn.incoming)
    if isinstance(member, Reply):
        return Response([member])
    if day is None:
        return agenda_form.offer_meetings(turn)
    pick, title_words = parse_meeting_pick(words[1:])
    try:
        meeting_id = meeting_for_filing(session=turn.session, day=day, pick=pick, tz=turn.services.settings.tz)
    except AgendaError as error:
        return Response([Reply.say(f"{error}\n{agenda_form.NOT_SAVED}")])
    return agenda_form.start_at_summary(turn, meeting_id, title_words)


def _draft_button(turn: Turn) -> Response:
    """提交审核 / 删除草稿 on a draft card; only its proposer may press them (office.agenda checks)."""
    incoming = turn.incoming
    match = DRAFT_BUTTON.match(incoming.button or "")
    if match is None:
        return Response(toast=EXPIRED)  # a form button with no form open (it expired or was finished)
    action, item_id = match.group(1), int(match.group(2))
    actor = sender_actor(incoming)
    if isinstance(actor, Reply):
        return Response([actor])
    tz = turn.services.settings.tz
    try:
        with turn.session.begin_nested():
            if action == "del":
                title = delete_draft(session=turn.session, item_id=item_id, actor=actor)
                return Response([Reply(Rich.of(f"草稿「{title}」已删除。"), edit=REPLACE)], toast="草稿已删除")
            outcome = submit_item(session=turn.session, item_id=item_id, actor=actor, now=turn.now, tz=tz)
    except AgendaError as error:
        return Response([refusal(incoming, str(error))])
    item = outcome.item
    submitted = Reply(Rich.of(f"议题「{item.title}」(编号 {item_id})已报送,待分管副区长{item.overseer.name}审核。"),
                      edit=REPLACE)  # the buttons go
    return with_notices(Response([submitted], toast="已提交"), turn.session, outcome.notices, turn.services.settings)
