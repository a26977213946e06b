"""A small directory and clock for the meeting and agenda tests (imported by them, not a test)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from office.actors import Actor
from office.agenda import approve_item, file_item, return_item, submit_item
from office.agenda_checks import ARTICLE_50, ItemFacts
from office.directory import add_member
from office.meetings import register_meetings
from office.notices import Notice
from storage.agenda import MeetingType
from storage.people import Role

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=TZ)  # a Tuesday

MAYOR, EXEC_VICE, VICE, OFFICE, HEAD, CLERK, OTHER_HEAD, OTHER_VICE = 1, 2, 3, 4, 5, 6, 7, 8
PEOPLE = (
    (MAYOR, "王区长", "区政府", Role.MAYOR, ()),
    (EXEC_VICE, "李常务", "区政府", Role.EXECUTIVE_VICE_MAYOR, ("区政府办公室",)),
    (VICE, "赵副区长", "区政府", Role.VICE_MAYOR, ("区财政局",)),
    (OFFICE, "钱主任", "区政府办公室", Role.OFFICE, ()),
    (HEAD, "孙局长", "区财政局", Role.UNIT_HEAD, ()),
    (CLERK, "周科员", "区财政局", Role.STAFF, ()),
    (OTHER_HEAD, "吴主任", "区发改委", Role.UNIT_HEAD, ()),
    (OTHER_VICE, "郑副区长", "区政府", Role.VICE_MAYOR, ("区发改委",)),
)


def seed_directory(db) -> None:
    """PEOPLE on Telegram; `db.person_ids` maps their Telegram ids to their person ids."""
    with db.transaction() as session:
        db.person_ids = {
            telegram_id: add_member(session=session, actor=None, telegram_id=telegram_id, name=name, unit=unit,
                                    role=role, oversees=oversees).person_id
            for telegram_id, name, unit, role, oversees in PEOPLE
        }


def add_dingtalk_member(db, account: str, name: str, unit: str, role: Role, oversees=()) -> int:
    """Register someone on DingTalk only (no Telegram account); returns their person id."""
    with db.transaction() as session:
        return add_member(session=session, actor=None, dingtalk_id=account, name=name, unit=unit, role=role,
                          oversees=oversees).person_id


def as_actor(who: int | Actor) -> Actor:
    """A seed person by Telegram id (or an Actor as given, e.g. someone on DingTalk)."""
    return who if isinstance(who, Actor) else Actor.telegram(who)


def addressees(db, notices: list[Notice]) -> list[int | None]:
    """Whom each notice is for, by the seed's Telegram ids (None: the office group)."""
    telegram_of = {person_id: telegram_id for telegram_id, person_id in db.person_ids.items()}
    return [None if n.person_id is None else telegram_of[n.person_id] for n in notices]


DAY = date(2026, 12, 9)
STARTS = datetime(2026, 12, 9, 9, 0, tzinfo=TZ)
DUE = STARTS - timedelta(days=3)


def facts(**changes) -> ItemFacts:
    base = {"summary": "拟安排2026年老旧小区改造资金", "article50": {c.number: False for c in ARTICLE_50}}
    return ItemFacts(**(base | changes))


def seed_meeting(db):
    """The directory plus a 常务会议 on DAY at 09:00; `db.meeting_id` names it."""
    seed_directory(db)
    with db.transaction() as session:
        meeting = register_meetings(
            session=session, kind=MeetingType.EXECUTIVE, starts_at=STARTS, place="第一会议室", chair_name=None, weeks=1,
            actor=Actor.telegram(OFFICE), admin_ids=(), now=NOW,
        )[0]
    db.meeting_id = meeting.id
    return db


def file(db, *, who=HEAD, title="关于老旧小区改造的请示", now=NOW, **changes) -> int:
    with db.transaction() as session:
        return file_item(session=session, actor=as_actor(who), meeting_id=db.meeting_id, title=title,
                         facts=facts(**changes), now=now, tz=TZ).id


def submit(db, item_id, *, who=HEAD, now=NOW):
    with db.transaction() as session:
        outcome = submit_item(session=session, item_id=item_id, actor=as_actor(who), now=now, tz=TZ)
        return outcome.item.state, outcome.notices


def approve(db, item_id, who, *, now=NOW):
    with db.transaction() as session:
        outcome = approve_item(session=session, item_id=item_id, actor=as_actor(who), now=now, tz=TZ)
        return outcome.item.state, outcome.notices


def give_back(db, item_id, who, reason="材料不全"):
    with db.transaction() as session:
        outcome = return_item(session=session, item_id=item_id, actor=as_actor(who), reason=reason, tz=TZ)
        return outcome.item.state, outcome.notices
