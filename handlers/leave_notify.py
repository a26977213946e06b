"""The domain's leave notices (office/leave_notices.py) as messages: each person's on every
messenger they are registered on (handlers/recipients.py), the office group's in each office group
configured (OFFICE_CHAT_ID, DINGTALK_OFFICE_CONVERSATION_ID), each headlining the report's card, an approval request with 同意 / 退回.

An approver the bot cannot reach (never opened a private chat with it, or on no messenger at all)
is named to the filer, with what to ask them to do, instead of the failure passing silently.
"""

from __future__ import annotations

from dataclasses import replace

from handlers.forms import Turn
from handlers.leave_text import decision_buttons, leave_card
from handlers.messages import Notice, Reply, Rich
from handlers.recipients import to_office_group, to_person
from office.leave import FiledLeave
from office.leave_notices import LeaveNotice

UNREACHABLE = "未能私信通知 {names}:请其先私聊机器人发送 /start,再发送 /leaves 查看待审批事项。"


def _reply(leave: FiledLeave, notice: LeaveNotice) -> Reply:
    text = leave_card(leave, notice.headline, notice.warning) if notice.card else Rich.of(notice.headline)
    buttons = decision_buttons(notice.approval_id) if notice.approval_id is not None else ()
    return Reply(text, buttons=buttons)


def leave_messages(turn: Turn, leave: FiledLeave, notices: list[LeaveNotice]) -> tuple[list[Notice], list[str]]:
    """The messages of `notices`, and the recipients registered on no messenger (nothing can reach them)."""
    messages: list[Notice] = []
    nowhere: list[str] = []
    for notice in notices:
        reply = _reply(leave, notice)
        if notice.person_id is None:
            messages += to_office_group(turn.services.settings, reply=reply)
            continue
        addressed = to_person(turn.session, person_id=notice.person_id, reply=reply)
        if not addressed and notice.recipient:
            nowhere.append(notice.recipient)
        messages += [replace(message, recipient=notice.recipient) for message in addressed]
    return messages, nowhere
