"""A small directory, a fixed clock and alert policy for the deadline tests (imported by them, not a test)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from office.actors import Actor
from office.deadline_rules import DeadlineKind
from office.deadlines import add_deadline
from office.directory import add_member, find_member
from office.reminders import AlertPolicy
from storage.deadlines import Reminder
from storage.people import Role

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=TZ)  # a Thursday
POLICY = AlertPolicy.from_texts(
    "3d,1d,09:00,overdue", "leave_return=09:00,overdue", kinds=[kind.value for kind in DeadlineKind], timezone="Asia/Shanghai"
)
OFFICE_GROUP = -100500

OFFICE, HEAD, CLERK, OTHER_HEAD, VICE = 14, 16, 17, 18, 13
PEOPLE = (
    (OFFICE, "钱主任", "区政府办公室", Role.OFFICE),
    (HEAD, "孙局长", "区财政局", Role.UNIT_HEAD),
    (CLERK, "周科员", "区财政局", Role.STAFF),
    (OTHER_HEAD, "吴主任", "区档案馆", Role.UNIT_HEAD),
    (VICE, "赵副区长", "区政府", Role.VICE_MAYOR),
)


def seed_directory(db) -> None:  # type: ignore[no-untyped-def]
    with db.transaction() as session:
        for telegram_id, name, unit, role in PEOPLE:
            add_member(session=session, actor=None, telegram_id=telegram_id, name=name, unit=unit, role=role)


def member(db, telegram_id: int):  # type: ignore[no-untyped-def]
    with db.transaction() as session:
        return find_member(session=session, telegram_id=telegram_id)


def new_deadline(session, *, due_at: datetime, person_id: int | None = None, unit: str | None = None,
                 kind: str = "custom", now: datetime = NOW, policy: AlertPolicy = POLICY, source_id: int | None = None,
                 source_type: str | None = None, actor: Actor | None = Actor.telegram(OFFICE)):  # type: ignore[no-untyped-def]
    return add_deadline(
        session=session, title="提交整改报告", due_at=due_at, kind=kind, rule_article=None, source_type=source_type,
        source_id=source_id, responsible_person_id=person_id, responsible_unit=unit, actor=actor,
        policy=policy, now=now,
    )


def telegram_chat(chat_id: int) -> dict:
    """The keyword arguments that name a Telegram chat (user or group) to the subscription operations."""
    return {"channel": "telegram", "chat_id": str(chat_id)}


def reminders(session, deadline_id: int | None = None) -> list[tuple[str, int | str, datetime, str]]:  # type: ignore[no-untyped-def]
    """(lead, chat, send_at in Shanghai, state) of the outbox, in send order; a Telegram chat as the
    number the test directory gives it, another messenger's as "channel:id"."""
    query = select(Reminder).order_by(Reminder.send_at, Reminder.id)
    if deadline_id is not None:
        query = query.where(Reminder.deadline_id == deadline_id)
    return [(r.lead, int(r.chat_id) if r.channel == "telegram" else f"{r.channel}:{r.chat_id}",
             r.send_at.astimezone(TZ), r.state) for r in session.scalars(query)]


def at(days: float = 0, hours: float = 0, minutes: float = 0) -> datetime:
    return NOW + timedelta(days=days, hours=hours, minutes=minutes)
