"""/leave: file a leave report, in one line or through a guided form, then confirm and send it;
written once for every messenger (handlers/conversation.py).

One line: `/leave 出差 2026-12-01 2026-12-03 上海 参加长三角协作会`. Without arguments the bot asks
for kind, start, end, place and reason (handlers/leave_form.py). Both end with a confirmation
card that names the approvers (SPEC §3); 确认提交 stores the report and sends each approver a
card with 同意 / 退回 (the 区长's reports are recorded and reported to the office group)
(handlers/leave_card.py). Filing happens in a private chat only.
Try it: send /leave to the bot in a private chat (or in `officebot chat`).
"""

from __future__ import annotations

from dataclasses import replace

from handlers import leave_card, leave_form
from handlers.forms import Turn
from handlers.messages import Reply, Response
from handlers.senders import sender_member
from office.leave import LeaveError
from office.leave_line import parse_leave_line
from office.leave_meetings import registered_meeting_named
from office.leave_routing import LeaveKind

COMMANDS = [("leave", "请假报备(出差、休假、会议请假等)")]
HELP_LINES = [("/leave 出差 2026-12-01 2026-12-03 上海 事由", "一句话提交;不带参数发送 /leave 则逐步填写")]
BUTTON_PREFIX = "lv:card:"  # before handlers/leave_decisions.py's "lv:" in the feature list
FORMS = [leave_form.FORM]

PRIVATE_ONLY = "请私聊机器人办理请假,以免在群里公开个人行程。"


def handle(turn: Turn) -> Response:
    incoming = turn.incoming
    if incoming.button is not None:
        return leave_card.press(turn)
    if not incoming.private:
        return Response([Reply.say(PRIVATE_ONLY)])
    member = sender_member(turn.session, incoming)
    if isinstance(member, Reply):
        return Response([member])
    if not incoming.arguments.strip():
        return leave_form.start(turn, member)
    try:
        request = parse_leave_line(incoming.arguments, person_id=member.person_id, today=turn.now.date())
    except LeaveError as exc:
        return Response([Reply.say(str(exc))])
    if request.kind == LeaveKind.MEETING.value:
        meeting = registered_meeting_named(session=turn.session, name=request.destination, start=request.start,
                                           end=request.end, tz=turn.services.settings.tz)
        if meeting is not None:
            request = replace(request, destination=meeting.label, meeting_id=meeting.id)
    return Response([leave_card.show_plan(turn, request)])
