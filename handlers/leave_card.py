"""The confirmation card of a leave report: shown with 确认提交 / 放弃 before anything is filed,
its draft stored (storage/cards.py) for the person in that chat, so it can be confirmed after a
restart or on another replica, and only once. 确认提交 files the report (checked again: the
directory or other reports may have changed meanwhile) and sends it on its way: each approver a
card with 同意 / 退回, or for the 区长's own report the 报备 and the 第七条 notice
(office/leave_notices.py). Try it: /leave 休假 明天 后天 年休假 in a private chat, then 确认提交.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from handlers.forms import Turn
from handlers.leave_notify import UNREACHABLE, leave_messages
from handlers.leave_text import CONFIRM, DROP, confirm_buttons, leave_card, owner_buttons, plan_card
from handlers.messages import REPLACE, Reply, Response, Rich
from handlers.senders import refusal, sender_member
from office.leave import LeaveError, LeaveRequest, file_leave, plan_leave, presiding_warning
from office.leave_notices import filing_notices
from storage import cards
from storage.cards import CardKey

FLOW = "leave"
EXPIRED_CARD = "该申请已失效,请重新发送 /leave"


def _key(turn: Turn) -> CardKey:
    incoming = turn.incoming
    assert incoming.account is not None  # only people in the directory are shown a card
    return CardKey(incoming.channel, incoming.chat_id, incoming.account)


def _data(request: LeaveRequest) -> dict[str, Any]:
    return {"person_id": request.person_id, "kind": request.kind, "start": request.start.isoformat(),
            "start_period": request.start_period, "end": request.end.isoformat(), "end_period": request.end_period,
            "destination": request.destination, "reason": request.reason, "meeting_id": request.meeting_id}


def _request(data: dict[str, Any]) -> LeaveRequest:
    return LeaveRequest(**{**data, "start": date.fromisoformat(data["start"]), "end": date.fromisoformat(data["end"])})


def show_plan(turn: Turn, request: LeaveRequest) -> Reply:
    """The confirmation card of a checked request (its draft stored), or what to fix; nothing is filed."""
    try:
        plan = plan_leave(session=turn.session, request=request, now=turn.now)
    except LeaveError as exc:
        return Reply.say(str(exc))
    token = cards.keep(turn.session, _key(turn), flow=FLOW, data=_data(request), now=turn.now)
    return Reply(plan_card(plan), buttons=confirm_buttons(token))


def press(turn: Turn) -> Response:
    """确认提交 or 放弃 on a card: only the person it was shown to, in that chat, and only once."""
    incoming = turn.incoming
    data = incoming.button or ""
    prefix = next((prefix for prefix in (CONFIRM, DROP) if data.startswith(prefix)), None)
    stored = None
    if prefix is not None and incoming.private and incoming.account is not None:
        stored = cards.take(turn.session, _key(turn), flow=FLOW, token=data.removeprefix(prefix))
    if stored is None:
        return Response([refusal(incoming, EXPIRED_CARD)])
    if prefix == DROP:
        return Response([Reply(Rich.of("已放弃,未提交。"), edit=REPLACE)], toast="已放弃")
    member = sender_member(turn.session, incoming)  # removed from the directory since the card?
    if isinstance(member, Reply):
        return Response([member])
    if member.person_id != stored["person_id"]:  # the account now belongs to someone else: not theirs to file
        return Response([refusal(incoming, EXPIRED_CARD)])
    try:
        with turn.session.begin_nested():
            leave = file_leave(session=turn.session, request=_request(stored), now=turn.now, confirmed_long=True,
                               policy=turn.services.alert_policy)
            warning = presiding_warning(session=turn.session, leave=leave)
    except LeaveError as exc:
        return Response([Reply(Rich.of(str(exc)), edit=REPLACE)], toast="未能提交")
    notices, nowhere = leave_messages(turn, leave, filing_notices(session=turn.session, leave=leave, warning=warning))
    headline = "已登记备案" if leave.recorded_only else "已提交,等待审批"
    replies = [Reply(leave_card(leave, headline), buttons=owner_buttons(leave), edit=REPLACE)]
    if nowhere:
        replies.append(Reply.say(UNREACHABLE.replace("{names}", "、".join(nowhere))))
    return Response(replies, toast="已提交", notices=notices, undelivered="" if leave.recorded_only else UNREACHABLE)
