"""Sends the `Notice`s an office operation returned, from the web process, on each person's channel.

The domain's notices are addressed as the bot addresses them (handlers/agenda_notify.py: a person on
every messenger they are registered on, the office group in OFFICE_CHAT_ID) and sent through the
senders the composition root registered in `Services.outgoing` (bot/outbound.py): Telegram, DingTalk
or both. The page is told, per recipient, who was and who was not reached, so nothing fails silently.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from starlette.concurrency import run_in_threadpool

from bootstrap.services import Services
from handlers.agenda_notify import notices_of
from handlers.messages import Notice as Message
from office.notices import Notice
from storage.people import CHANNEL_NAMES, TELEGRAM

logger = logging.getLogger(__name__)

@dataclass
class Delivery:
    told: list[str] = field(default_factory=list)
    not_told: list[str] = field(default_factory=list)


def _who(message: Message) -> str:
    return message.recipient or "区政府办公室群"


def _addressed(services: Services, notices: list[Notice]) -> tuple[list[Message], list[str]]:
    """The messages of `notices`, and why a notice that has none cannot go anywhere."""
    messages: list[Message] = []
    nowhere: list[str] = []
    with services.db.transaction() as session:
        for notice in notices:
            addressed = notices_of(session, [notice], services.settings)
            if addressed:
                messages += addressed
            elif notice.person_id is None:
                nowhere.append("区政府办公室群(未配置 OFFICE_CHAT_ID)")
            else:
                nowhere.append(f"{notice.recipient or '收件人'}(未登记任何通讯账号)")
    return messages, nowhere


async def deliver(services: Services, notices: list[Notice]) -> Delivery:
    delivery = Delivery()
    if not notices:
        return delivery
    messages, nowhere = await run_in_threadpool(_addressed, services, notices)
    delivery.not_told += nowhere
    reached: dict[str, bool] = {}
    why: dict[str, str] = {}
    for message in messages:
        send = services.outgoing.get(message.channel or TELEGRAM)
        if send is None:
            arrived = False
            why.setdefault(_who(message), f"未配置{CHANNEL_NAMES.get(message.channel, message.channel)}")
        else:
            arrived = await send(message)
            if not arrived:
                why.setdefault(_who(message), f"{CHANNEL_NAMES.get(message.channel, message.channel)} 未能送达")
        reached[_who(message)] = reached.get(_who(message), False) or arrived
    for who, arrived in reached.items():
        if arrived:
            delivery.told.append(who)
        else:
            delivery.not_told.append(f"{who}({why[who]})")
    return delivery
