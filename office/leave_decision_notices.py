"""A leave decision's notices as the web console sends them (web/notices_out.py: plain text over
Telegram, by Telegram id): the same notices the bot's 同意/退回 buttons send
(office/leave_notices.py `decision_notices`), each card as its headline and a one-line summary.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from office import leave_notices
from office.leave import Decision, FiledLeave
from office.notices import Notice
from storage.people import Person


def leave_summary(leave: FiledLeave) -> str:
    place = f",{leave.destination}" if leave.destination else ""
    return f"{leave.filer.name}({leave.filer.unit}){leave.kind.value} {leave.dates_text}{place}(编号 {leave.id})"


def _text(notice: leave_notices.LeaveNotice, leave: FiledLeave) -> str:
    if not notice.card:
        return notice.headline
    return "\n".join([f"{notice.headline}:{leave_summary(leave)}", *([notice.warning] if notice.warning else [])])


def decision_notices(*, session: Session, decision: Decision) -> list[Notice]:
    """One per notice; a person with no Telegram account is left out (the web sends over Telegram only)."""
    notices = []
    for notice in leave_notices.decision_notices(session=session, decision=decision):
        telegram_id = None
        if notice.person_id is not None:
            person = session.get(Person, notice.person_id)
            telegram_id = person.telegram_id if person is not None else None
            if telegram_id is None:
                continue
        notices.append(Notice(_text(notice, decision.leave), telegram_id, recipient=notice.recipient))
    return notices
