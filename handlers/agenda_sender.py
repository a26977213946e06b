"""Who acts in an agenda or meeting command or button press, as the office operations name them.

office/agenda.py and office/meetings.py still identify their actor by Telegram id (and check on
every call who that is and what they may do); a flow on the core knows the sender by their
account on whichever messenger the message came from. `acting_telegram_id` bridges the two: the
Telegram account itself (an ADMIN_TELEGRAM_IDS admin need not be in the directory), or the
Telegram id the directory holds for a person writing from another messenger.
"""

from __future__ import annotations

from handlers.forms import Turn
from handlers.messages import Reply
from handlers.senders import ANONYMOUS_REFUSED, NOT_REGISTERED, refusal
from office.directory import find_member
from storage.people import TELEGRAM

NO_TELEGRAM = "议题和会议暂时只能用登记在名录中的 Telegram 账号办理,请用 Telegram 私聊机器人。"


def acting_telegram_id(turn: Turn) -> int | Reply:
    """The sender's Telegram id for the office operation, or the refusal to send them."""
    incoming = turn.incoming
    if incoming.account is None:
        return refusal(incoming, ANONYMOUS_REFUSED)
    if incoming.channel == TELEGRAM:
        return int(incoming.account)
    member = find_member(session=turn.session, channel=incoming.channel, account=incoming.account)
    if member is None:
        return refusal(incoming, NOT_REGISTERED)
    return member.telegram_id if member.telegram_id is not None else refusal(incoming, NO_TELEGRAM)
