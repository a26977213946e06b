"""A leave decision's notices as the web console sends them (web/notices_out.py: plain text, on each
person's messengers): the same notices the bot's 同意/退回 buttons send
(office/leave_notices.py `decision_notices`), each card as its headline and a one-line summary.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from office import leave_notices
from office.leave import Decision, FiledLeave
from office.notices import Notice


def leave_summary(leave: FiledLeave) -> str:
    place = f",{leave.destination}" if leave.destination else ""
    return f"{leave.filer.name}({leave.filer.unit}){leave.kind.value} {leave.dates_text}{place}(编号 {leave.id})"


def _text(notice: leave_notices.LeaveNotice, leave: FiledLeave) -> str:
    if not notice.card:
        return notice.headline
    return "\n".join([f"{notice.headline}:{leave_summary(leave)}", *([notice.warning] if notice.warning else [])])


def decision_notices(*, session: Session, decision: Decision) -> list[Notice]:
    """One per notice, to the same person (or the office group)."""
    return [Notice(_text(notice, decision.leave), person_id=notice.person_id, recipient=notice.recipient)
            for notice in leave_notices.decision_notices(session=session, decision=decision)]
