"""web_links and web_sessions: the web console's one-time sign-in links and its open sessions.

Only SHA-256 hashes of the tokens are stored, so a copy of the database opens no session.
The rules (how long a link lives, that it is good once) are in office/web_signin.py.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.base import Base, UTCDateTime, utcnow


class WebLink(Base):
    __tablename__ = "web_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WebSession(Base):
    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    csrf_token: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def link_by_hash(session: Session, token_hash: str) -> WebLink | None:
    return session.scalars(select(WebLink).where(WebLink.token_hash == token_hash).with_for_update()).first()


def session_by_hash(session: Session, token_hash: str) -> WebSession | None:
    return session.scalars(select(WebSession).where(WebSession.token_hash == token_hash)).first()
