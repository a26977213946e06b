"""Password-free sign-in to the web console: one-time links and the sessions they open.

`officebot web link --telegram-id N` calls `create_link`; the person opens the URL and presses 登录,
which calls `redeem_link`: a link works once, within LINK_LIFETIME, and opens a session that lasts
SESSION_LIFETIME unless 退出 ends it first. Tokens are random; only their SHA-256 is stored.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from office.actors import Actor, record_audit
from office.directory import StaffMember, find_member, member_of
from storage.people import CHANNEL_NAMES, Person
from storage.web_access import WebLink, WebSession, link_by_hash, session_by_hash

LINK_LIFETIME = timedelta(minutes=15)
SESSION_LIFETIME = timedelta(hours=12)


class SigninError(ValueError):
    """A link or session that is refused; the message (Chinese) says what to do."""


@dataclass(frozen=True)
class OpenSession:
    """A signed-in person and the CSRF token every form of their session carries."""

    member: StaffMember
    csrf_token: str
    expires_at: datetime


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_link(
    *, session: Session, channel: str, account: str, actor: Actor | None, now: datetime
) -> tuple[str, StaffMember]:
    """A new one-time sign-in token for the person with this account on `channel` (telegram, dingtalk),
    asked for by `actor` (the person themselves with /console; None on the command line)."""
    member = find_member(session=session, channel=channel, account=account)
    if member is None:
        raise SigninError(f"名录中没有 {CHANNEL_NAMES.get(channel, channel)} ID 为 {account} 的在职人员,请先登记。")
    token = secrets.token_urlsafe(32)
    link = WebLink(token_hash=_hash(token), person_id=member.person_id, expires_at=now + LINK_LIFETIME)
    session.add(link)
    session.flush()
    record_audit(session, actor, action="link_created", entity="web_link", entity_id=link.id,
                 detail={"person": member.name})
    return token, member


def redeem_link(*, session: Session, token: str, now: datetime) -> tuple[str, OpenSession]:
    """Use a link once: (the new session's token, the session). Refused when unknown, used or expired."""
    link = link_by_hash(session, _hash(token))
    if link is None:
        raise SigninError("登录链接无效。请重新获取登录链接。")
    if link.used_at is not None:
        raise SigninError("该登录链接已使用过,每个链接只能使用一次。请重新获取登录链接。")
    if now >= link.expires_at:
        raise SigninError("该登录链接已过期(有效期 15 分钟)。请重新获取登录链接。")
    person = session.get(Person, link.person_id)
    if person is None or not person.active:
        raise SigninError("您已不在区政府人员名录中,无法登录。")
    link.used_at = now
    session_token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    row = WebSession(token_hash=_hash(session_token), person_id=person.id, csrf_token=csrf,
                     expires_at=now + SESSION_LIFETIME)
    session.add(row)
    session.flush()
    record_audit(session, Actor.of(person_id=person.id), action="signed_in", entity="web_session", entity_id=row.id)
    return session_token, OpenSession(member_of(person), csrf, row.expires_at)


def open_session(*, session: Session, token: str, now: datetime) -> OpenSession | None:
    """The live session with this token (not ended, not expired, its person still active), else None."""
    row = session_by_hash(session, _hash(token))
    if row is None or row.ended_at is not None or now >= row.expires_at:
        return None
    person = session.get(Person, row.person_id)
    if person is None or not person.active:
        return None
    return OpenSession(member_of(person), row.csrf_token, row.expires_at)


def end_session(*, session: Session, token: str, now: datetime) -> None:
    """退出: the session's cookie opens nothing from now on."""
    row = session_by_hash(session, _hash(token))
    if row is not None and row.ended_at is None:
        row.ended_at = now
        record_audit(session, Actor.of(person_id=row.person_id), action="signed_out", entity="web_session",
                     entity_id=row.id)
