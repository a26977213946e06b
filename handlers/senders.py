"""Who sent an `Incoming`: the directory entry behind the sender's account, checked on every message
and every button press (the flows never trust a button for who may press it).

Today a person's account is their Telegram id (`people.telegram_id`); other channels' accounts
are not in the directory yet, so their senders are not registered.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from handlers.messages import Incoming, Reply, Rich
from office.directory import StaffMember, find_member, is_admin

NOT_REGISTERED = "您尚未登记在区政府人员名录中,请联系区政府办公室登记。"
ANONYMOUS_REFUSED = "匿名管理员身份无法确认是谁,请用个人账号私聊机器人办理。"


def refusal(incoming: Incoming, text: str) -> Reply:
    """Why nothing happened: a pop-up for a button press, a reply for a message."""
    return Reply(Rich.of(text), alert=incoming.button is not None)


def _telegram_id(incoming: Incoming) -> int | None:
    if incoming.channel != "telegram" or incoming.account is None or not incoming.account.isdecimal():
        return None
    return int(incoming.account)


def sender_member(session: Session, incoming: Incoming) -> StaffMember | Reply:
    """The sender's directory entry, or the refusal to send them."""
    if incoming.account is None:
        return refusal(incoming, ANONYMOUS_REFUSED)
    telegram_id = _telegram_id(incoming)
    member = find_member(session=session, telegram_id=telegram_id) if telegram_id is not None else None
    return member if member is not None else refusal(incoming, NOT_REGISTERED)


def sender_is_admin(session: Session, incoming: Incoming, *, settings_admin_ids: list[int]) -> bool:
    telegram_id = _telegram_id(incoming)
    return telegram_id is not None and is_admin(session=session, telegram_id=telegram_id,
                                                settings_admin_ids=settings_admin_ids)
