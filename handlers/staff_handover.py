"""What the successor of a `/staff reassign` or `/staff transfer` is sent: one card per decision
now waiting for them, with its buttons (同意 / 退回 for a leave approval, 通过 / 退回 for an agenda
review), as channel-neutral notices (handlers/messages.py).

The leave card here repeats handlers/leave_text.py's facts in `Rich`, because that module still
renders Telegram HTML until the leave flow moves onto the core (its port renders these notices
itself, and this copy goes then). Try it: see handlers/staff.py.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.orm import Session

from handlers.messages import Button, Notice, Reply, Rich, bold
from handlers.recipients import to_person
from office import notices as office
from office.leave import FiledLeave
from office.leave_routing import LeaveKind
from office.reassign import Reassignment

LEGALITY_CAPTION = "合法性审查意见(第五十一条)"


def leave_card(leave: FiledLeave, title: str) -> Rich:
    lines: list[str | Rich] = [
        bold(title),
        Rich.of(bold(leave.kind.value), f"(编号 {leave.id},{leave.state.value})"),
        f"申请人:{leave.filer.label}",
        f"时间:{leave.dates_text},共 {leave.days:g} 天",
    ]
    if leave.destination:
        lines.append(f"{'会议' if leave.kind is LeaveKind.MEETING else '目的地'}:{leave.destination}")
    lines.append(f"事由:{leave.reason}")
    if leave.recorded_only:
        lines.append("已向市政府、区委请示")
    if leave.acting is not None:
        lines.append(f"主持区政府工作:常务副区长 {leave.acting.name}(第七条)")
    for approval in leave.approvals:
        note = f"({approval.note})" if approval.note else ""
        lines.append(f"{approval.display}:{approval.decision or '待决定'}{note}")
    return Rich.lines(lines)


def decision_buttons(approval_id: int) -> tuple[tuple[Button, ...], ...]:
    return ((Button("同意", f"lv:ok:{approval_id}"), Button("退回", f"lv:no:{approval_id}")),
            (Button("附言并同意", f"lv:okn:{approval_id}"), Button("附言并退回", f"lv:non:{approval_id}")))


def _review(notice: office.Notice) -> tuple[Reply, str]:
    """An agenda review request: its reply with 通过 / 退回, and the legality file to send after it."""
    item = notice.review_item_id
    buttons = ((Button("通过", f"ag:ok:{item}"), Button("退回", f"ag:ret:{item}")),) if item is not None else ()
    return Reply(Rich.of(notice.text), buttons=buttons), notice.attachment_file_id or ""


def successor_notices(session: Session, moved: Reassignment) -> list[Notice]:
    """The successor's cards, on every messenger they are registered on (handlers/recipients.py)."""
    name = moved.successor.name
    cards = [(Reply(leave_card(leave, f"请审批:{name},您有一件转交来的请假申请待审批"),
                    buttons=decision_buttons(approval_id)), "")
             for approval_id, leave in moved.leave_approvals]
    cards += [_review(notice) for notice in moved.agenda_reviews]
    return [replace(notice, recipient=name, attachment=attachment,
                    attachment_caption=LEGALITY_CAPTION if attachment else "")
            for reply, attachment in cards
            for notice in to_person(session, person_id=moved.successor.person_id, reply=reply)]
