"""Messages a leave report causes: approval requests, news for the filer, 报备 to the office group.

A person who never opened a private chat with the bot cannot be messaged; the sender is told
whom to ask to /start the bot instead of the failure passing silently.
"""

from __future__ import annotations

import logging

from telegram import Bot, InlineKeyboardMarkup
from telegram.error import TelegramError

from bot.services import Services
from handlers.leave_text import decision_buttons, leave_card
from office.directory import StaffMember, members_with_role
from office.leave import FiledLeave
from office.notices import Notice

logger = logging.getLogger(__name__)


async def tell(bot: Bot, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None) -> bool:
    """Send a message; False (logged) when Telegram refuses, e.g. the person never started the bot."""
    try:
        await bot.send_message(chat_id, text, reply_markup=markup)
    except TelegramError as exc:
        logger.warning("could not message chat %s: %s", chat_id, exc)
        return False
    return True


def decision_makers(services: Services, leave: FiledLeave) -> list[tuple[int, StaffMember]]:
    """(approval id, person) for every undecided approval; a role approval goes to each member but the filer."""
    pairs: list[tuple[int, StaffMember]] = []
    with services.db.transaction() as session:
        for approval in leave.approvals:
            if approval.decision is not None:
                continue
            if approval.approver is not None:
                pairs.append((approval.id, approval.approver))
            elif approval.approver_role is not None:
                members = members_with_role(session=session, role=approval.approver_role)
                pairs.extend((approval.id, m) for m in members if m.person_id != leave.filer.person_id)
    return pairs


async def request_decisions(bot: Bot, services: Services, leave: FiledLeave, warning: str = "") -> list[str]:
    """Send each approver the card with 同意 / 退回 (and the 第七条 warning, if any); returns the
    names that could not be reached."""
    unreachable = []
    for approval_id, member in decision_makers(services, leave):
        if not await ask_to_decide(bot, member, approval_id, leave, warning=warning):
            unreachable.append(member.name)
    return unreachable


async def ask_to_decide(
    bot: Bot, member: StaffMember, approval_id: int, leave: FiledLeave, *, handed_over: bool = False,
    warning: str = "",
) -> bool:
    """One approver's card with 同意 / 退回 for one approval; False when Telegram refused it."""
    what = "一件转交来的请假申请" if handed_over else "一件请假申请"
    card = leave_card(leave, f"请审批:{member.name},您有{what}待审批", warning)
    return await tell(bot, member.telegram_id, card, decision_buttons(approval_id))


async def report_to_office(bot: Bot, services: Services, leave: FiledLeave, title: str, warning: str = "") -> None:
    """报备 in the office group (OFFICE_CHAT_ID), when one is configured."""
    chat_id = services.settings.office_chat_id
    if chat_id is not None:
        await tell(bot, chat_id, leave_card(leave, title, warning))


async def send_leave_notices(bot: Bot, services: Services, leave: FiledLeave, notices: tuple[Notice, ...]) -> None:
    """The notices of a change to a report, each headlining its card (None: the office group)."""
    for notice in notices:
        if notice.telegram_id is None:
            await report_to_office(bot, services, leave, notice.text)
        else:
            await tell(bot, notice.telegram_id, leave_card(leave, notice.text))
