"""Who sent an `Incoming`: the directory entry behind the sender's account, checked on every message
and every button press (the flows never trust a button for who may press it).

A person's accounts (a Telegram id, a DingTalk user id) are in the directory (storage/people.py),
so the same person is recognised on every channel they are registered on.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from handlers.messages import Incoming, Reply, Rich
from office.actors import Actor
from office.directory import NOT_REGISTERED, StaffMember, acting_member, is_admin

ANONYMOUS_REFUSED = "匿名管理员身份无法确认是谁,请用个人账号私聊机器人办理。"


def refusal(incoming: Incoming, text: str) -> Reply:
    """Why nothing happened: a pop-up for a button press, a reply for a message."""
    return Reply(Rich.of(text), alert=incoming.button is not None)


def sender_actor(incoming: Incoming) -> Actor | Reply:
    """The sender as office operations take them (they look the person up themselves), or the refusal
    for Telegram's anonymous group admin."""
    if incoming.account is None:
        return refusal(incoming, ANONYMOUS_REFUSED)
    return Actor.on(incoming.channel, incoming.account)


def sender_member(session: Session, incoming: Incoming) -> StaffMember | Reply:
    """The sender's directory entry, or the refusal to send them."""
    actor = sender_actor(incoming)
    if isinstance(actor, Reply):
        return actor
    member = acting_member(session=session, actor=actor)
    return member if member is not None else refusal(incoming, NOT_REGISTERED)


def sender_is_admin(session: Session, incoming: Incoming, *, settings_admin_ids: list[int]) -> bool:
    actor = sender_actor(incoming)
    return isinstance(actor, Actor) and is_admin(session=session, actor=actor, settings_admin_ids=settings_admin_ids)
