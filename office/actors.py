"""Who runs an office operation, and how a record names them.

A chat knows the sender by their account on that messenger (a Telegram id, a DingTalk user id); the
web console knows the signed-in person. Office operations take either as an `Actor` and look the
person up in the directory themselves, so a person registered only on DingTalk files, approves and
administers exactly like one on Telegram. Records (audit rows, who decided, who created) name the
person; only an ADMIN_TELEGRAM_IDS administrator outside the directory is named by Telegram id.

    Actor.on(DINGTALK, "manager4521")     # a chat message
    Actor.of(person_id=7)                 # the web console
    Actor.telegram(1001)                  # the command line, tests
    acting_person(session, actor)         # Person, or None when not an active member
    record_audit(session, actor, action="approved", entity="leave", entity_id=5)
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from storage import audit
from storage.audit import AuditEntry
from storage.people import TELEGRAM, Person, person_by_account

# Telegram shows anonymous group admins as this user; it is never a person.
ANONYMOUS_ADMIN_ID = 1087968824


@dataclass(frozen=True)
class Actor:
    """A directory person by id, or a messenger account (which may belong to nobody in the directory)."""

    person_id: int | None = None
    channel: str | None = None
    account: str | None = None

    def __post_init__(self) -> None:
        if (self.person_id is None) == (self.account is None or self.channel is None):
            raise ValueError("an Actor is a person_id or a (channel, account), exactly one of them")

    @classmethod
    def of(cls, *, person_id: int) -> Actor:
        return cls(person_id=person_id)

    @classmethod
    def on(cls, channel: str, account: str) -> Actor:
        return cls(channel=channel, account=account)

    @classmethod
    def telegram(cls, telegram_id: int) -> Actor:
        return cls(channel=TELEGRAM, account=str(telegram_id))

    @property
    def telegram_id(self) -> int | None:
        """The Telegram account acted from, if that is how the actor is known."""
        return int(self.account) if self.channel == TELEGRAM and self.account is not None else None

    @property
    def anonymous(self) -> bool:
        """Telegram's anonymous group admin: nobody can tell who that is."""
        return self.telegram_id == ANONYMOUS_ADMIN_ID


def acting_person(session: Session, actor: Actor | None, *, active_only: bool = True) -> Person | None:
    """The directory person behind `actor` (active ones only, unless told otherwise)."""
    if actor is None or actor.anonymous:
        return None
    if actor.person_id is not None:
        person = session.get(Person, actor.person_id)
        return person if person is not None and (person.active or not active_only) else None
    assert actor.channel is not None and actor.account is not None
    return person_by_account(session, actor.channel, actor.account, active_only=active_only)


@dataclass(frozen=True)
class RecordedActor:
    """How a record stores who acted: the person, or (outside the directory) the Telegram id."""

    person_id: int | None
    telegram_id: int | None


def recorded_actor(session: Session, actor: Actor | None) -> RecordedActor:
    """None for both when nobody acted (the command line's operator, the scheduler)."""
    person = acting_person(session, actor, active_only=False)
    if person is not None:
        return RecordedActor(person.id, None)
    return RecordedActor(None, actor.telegram_id if actor is not None else None)


def record_audit(
    session: Session, actor: Actor | None, *, action: str, entity: str, entity_id: int, detail: dict | None = None
) -> AuditEntry:
    """One audit row, in the caller's transaction, naming the actor as `recorded_actor` does."""
    who = recorded_actor(session, actor)
    return audit.record(session, actor_person_id=who.person_id, actor_telegram_id=who.telegram_id,
                        action=action, entity=entity, entity_id=entity_id, detail=detail)
