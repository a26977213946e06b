"""Unconfirmed cards, stored: what a card with 确认提交 / 放弃 would file, kept under a random token
for the person who was shown it in that chat (channel, chat, person), until one of its buttons is
pressed. Stored rather than kept in a process's memory, so the card can be confirmed after a
restart or on another replica; `take` removes the row, so a card is confirmed at most once even
when two replicas race on the same press.

Usage::

    key = CardKey("telegram", "1001", "1001")
    with db.transaction() as session:
        token = keep(session, key, flow="leave", data={"kind": "出差"}, now=now)
    with db.transaction() as session:
        take(session, key, flow="leave", token=token)   # {"kind": "出差"}; None the second time
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, Text, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.base import Base, UTCDateTime

# A card nobody pressed for this long is dropped (its press then says the card has expired).
KEEP_CARDS = timedelta(days=7)
TOKEN_BYTES = 6


class PendingCard(Base):
    __tablename__ = "pending_cards"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    account: Mapped[str] = mapped_column(String(64))  # the person's id on that channel
    flow: Mapped[str] = mapped_column(String(32))
    data: Mapped[str] = mapped_column(Text)  # JSON: what confirming files
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


@dataclass(frozen=True)
class CardKey:
    channel: str
    chat_id: str
    account: str


def keep(session: Session, key: CardKey, *, flow: str, data: dict[str, Any], now: datetime) -> str:
    """Store a card's draft; returns its token (for the buttons' data). Cards older than
    `KEEP_CARDS` are dropped on the way."""
    session.execute(delete(PendingCard).where(PendingCard.created_at < now - KEEP_CARDS))
    token = secrets.token_hex(TOKEN_BYTES)
    session.add(PendingCard(token=token, channel=key.channel, chat_id=key.chat_id, account=key.account, flow=flow,
                            data=json.dumps(data, ensure_ascii=False), created_at=now))
    session.flush()
    return token


def take(session: Session, key: CardKey, *, flow: str, token: str) -> dict[str, Any] | None:
    """The draft behind `token`, removed; None when it is not this person's card in this chat, or
    was taken already (by this press on another replica, too: only one delete finds the row)."""
    where = (PendingCard.token == token, PendingCard.flow == flow, PendingCard.channel == key.channel,
             PendingCard.chat_id == key.chat_id, PendingCard.account == key.account)
    data = session.scalars(select(PendingCard.data).where(*where)).one_or_none()
    if data is None or session.execute(delete(PendingCard).where(*where)).rowcount != 1:
        return None
    return json.loads(data)
