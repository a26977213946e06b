"""Buttons on leave reports: approvers' 同意 / 退回 (optionally with a note), the filer's 撤回 and
取消 (with a reason); written once for every messenger (handlers/conversation.py).

Every press is authorised again on the server (office/leave.py): only the named approver (or, for
the office, any other 办公室 member) may decide, only once, only while 待审批; only the filer may
withdraw or cancel. A press from a group chat, or with forged data, changes nothing and says so.
附言并同意 / 附言并退回 / 取消 ask for the text in a stored one-step form (it survives a restart);
/cancel gives up. Who hears of each change is the domain's answer (office/leave_notices.py).
Try it: press 同意 under an approval request the bot sent you in a private chat.
"""

from __future__ import annotations

import re
from typing import Any

from handlers.expired import EXPIRED
from handlers.forms import Form, Next, Turn
from handlers.leave_notify import leave_messages
from handlers.leave_text import leave_card
from handlers.messages import REPLACE, Reply, Response
from handlers.senders import refusal, sender_member
from office.actors import Actor
from office.leave import LeaveError, cancel_leave, decide_leave, withdraw_leave
from office.leave_notices import cancellation_notices, decision_notices, withdrawal_notices

COMMANDS: list[tuple[str, str]] = []
BUTTON_PREFIX = "lv:"

PATTERN = re.compile(r"^lv:(ok|no|okn|non|wd|cx):(\d{1,12})$")
PRIVATE_ONLY = "请在与机器人的私聊中操作。"
NOTE = "note"


def handle(turn: Turn) -> Response:
    incoming = turn.incoming
    match = PATTERN.match(incoming.button or "")
    if match is None:
        return Response(toast=EXPIRED)
    if not incoming.private:
        return Response([refusal(incoming, PRIVATE_ONLY)])
    member = sender_member(turn.session, incoming)
    if isinstance(member, Reply):
        return Response([member])
    action, target = match.group(1), int(match.group(2))
    actor = Actor.of(person_id=member.person_id)
    if action in ("ok", "no"):
        return _decide(turn, actor, target, approve=action == "ok", note=None)
    if action == "wd":
        return _withdraw(turn, actor, target)
    assert turn.forms is not None
    turn.forms.start(turn.session, incoming, NOTE_FORM, step=NOTE, data={"action": action, "target": target})
    prompt = "请发送取消原因" if action == "cx" else "请发送附言"
    return Response([Reply.say(prompt + "(发送 /cancel 放弃):")], toast="")


def _decide(turn: Turn, actor: Actor, approval_id: int, *, approve: bool, note: str | None) -> Response:
    """Record one decision, show the card as decided, and tell whoever needs to know. Pressed, the
    card itself changes; after a note, it comes again as decided."""
    try:
        with turn.session.begin_nested():
            decision = decide_leave(session=turn.session, approval_id=approval_id, actor=actor, approve=approve,
                                    note=note, now=turn.now, policy=turn.services.alert_policy)
    except LeaveError as exc:
        return Response([refusal(turn.incoming, str(exc))])
    leave, verb = decision.leave, decision.approval.decision
    notices, _ = leave_messages(turn, leave, decision_notices(session=turn.session, decision=decision))
    edit = REPLACE if turn.incoming.button is not None else ""
    return Response([Reply(leave_card(leave, f"您已{verb}"), edit=edit)], toast=f"已{verb}", notices=notices)


def _withdraw(turn: Turn, actor: Actor, report_id: int) -> Response:
    try:
        with turn.session.begin_nested():
            leave = withdraw_leave(session=turn.session, report_id=report_id, actor=actor, now=turn.now)
    except LeaveError as exc:
        return Response([refusal(turn.incoming, str(exc))])
    notices, _ = leave_messages(turn, leave, withdrawal_notices(session=turn.session, leave=leave))
    return Response([Reply(leave_card(leave, "已撤回"), edit=REPLACE)], toast="已撤回", notices=notices)


def _cancel(turn: Turn, actor: Actor, report_id: int, reason: str) -> Response:
    try:
        with turn.session.begin_nested():
            leave = cancel_leave(session=turn.session, report_id=report_id, actor=actor, reason=reason, now=turn.now)
    except LeaveError as exc:
        return Response([refusal(turn.incoming, str(exc))])
    notices, _ = leave_messages(turn, leave, cancellation_notices(session=turn.session, leave=leave))
    return Response([Reply(leave_card(leave, f"请假(编号 {leave.id})已取消"))], notices=notices)


def on_note(turn: Turn, data: dict[str, Any]) -> Next:
    """The note of a decision, or the reason of a cancellation; the form ends either way (a button
    of another form pressed meanwhile is not the text)."""
    if turn.incoming.button is not None:
        return Next(Response(toast=""), NOTE, data)
    member = sender_member(turn.session, turn.incoming)  # still in the directory?
    if isinstance(member, Reply):
        return Next(Response([member]), None)
    text, actor = turn.incoming.text.strip(), Actor.of(person_id=member.person_id)
    if data["action"] == "cx":
        return Next(_cancel(turn, actor, data["target"], text), None)
    return Next(_decide(turn, actor, data["target"], approve=data["action"] == "okn", note=text), None)


NOTE_FORM = Form("leave_note", steps={NOTE: on_note}, restart_hint="请重新点按钮。")
FORMS = [NOTE_FORM]
