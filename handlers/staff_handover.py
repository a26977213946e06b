"""What the successor of a `/staff reassign` or `/staff transfer` is sent: one card per decision
now waiting for them, with its buttons (同意 / 退回 for a leave approval, 通过 / 退回 for an agenda
review), as channel-neutral notices (handlers/messages.py).

The leave card is the leave flow's own (handlers/leave_text.py). Try it: see handlers/staff.py.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.orm import Session

from handlers.leave_text import decision_buttons, leave_card
from handlers.messages import Button, Notice, Reply, Rich
from handlers.recipients import to_person
from office import notices as office
from office.reassign import Reassignment

LEGALITY_CAPTION = "合法性审查意见(第五十一条)"


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
