"""Registering, finding and cancelling meetings, with their 第四十八条 materials deadline."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from agenda_seed import CLERK, MAYOR, NOW, OFFICE, TZ, add_dingtalk_member, seed_directory
from office.actors import Actor
from office.meetings import (
    MeetingError, MeetingPick, cancel_meeting, find_meeting, parse_meeting_pick, parse_meeting_type, register_meetings,
)
from storage.agenda import Meeting, MeetingType
from storage.audit import AuditEntry
from storage.deadlines import Deadline
from storage.people import DINGTALK, Role

WED_9 = datetime(2026, 12, 9, 9, 0, tzinfo=TZ)


@pytest.fixture
def office_db(db):
    seed_directory(db)
    return db


def register(db, kind=MeetingType.EXECUTIVE, starts_at=WED_9, weeks=1, actor=OFFICE, chair=None, admin_ids=()):
    with db.transaction() as session:
        meetings = register_meetings(
            session=session, kind=kind, starts_at=starts_at, place="区政府第一会议室", chair_name=chair, weeks=weeks,
            actor=None if actor is None else Actor.telegram(actor), admin_ids=admin_ids, now=NOW,
        )
        return [(m.id, m.starts_at, m.chair.name, m.series_id) for m in meetings]


def deadlines(db):
    with db.transaction() as session:
        return list(session.scalars(select(Deadline).order_by(Deadline.id)))


def test_executive_meeting_gets_mayor_as_chair_and_a_deadline_three_days_before(office_db):
    [(meeting_id, starts_at, chair, _)] = register(office_db)
    assert chair == "王区长" and starts_at == WED_9
    [deadline] = deadlines(office_db)
    assert (deadline.kind, deadline.rule_article, deadline.source_type, deadline.source_id) == ("agenda", 48, "meeting", meeting_id)
    assert deadline.due_at == datetime(2026, 12, 6, 9, 0, tzinfo=TZ)
    assert deadline.responsible_unit == "区政府办公室"


def test_weekly_series_in_one_step(office_db):
    created = register(office_db, weeks=4)
    assert [starts.astimezone(TZ) for _, starts, _, _ in created] == [WED_9 + timedelta(weeks=n) for n in range(4)]
    assert {series for *_, series in created} == {created[0][0]}
    assert [d.due_at for d in deadlines(office_db)] == [WED_9 + timedelta(weeks=n, days=-3) for n in range(4)]


def test_vice_mayor_meeting_needs_a_vice_mayor_chair_and_has_no_three_day_deadline(office_db):
    with pytest.raises(MeetingError, match="主持人"):
        register(office_db, kind=MeetingType.VICE_MAYOR_TOPIC)
    with pytest.raises(MeetingError, match="主持人应为常务副区长、副区长"):
        register(office_db, kind=MeetingType.VICE_MAYOR_TOPIC, chair="王区长")
    [(_, _, chair, _)] = register(office_db, kind=MeetingType.VICE_MAYOR_TOPIC, chair="赵副区长")
    assert chair == "赵副区长" and deadlines(office_db) == []


def test_executive_meeting_may_be_chaired_by_the_executive_vice_mayor(office_db):
    [(_, _, chair, _)] = register(office_db, chair="李常务")
    assert chair == "李常务"


def test_past_meeting_is_refused(office_db):
    with pytest.raises(MeetingError, match="已过"):
        register(office_db, starts_at=NOW - timedelta(minutes=1))


def test_series_clashing_with_an_existing_meeting_writes_nothing(office_db):
    register(office_db, starts_at=WED_9 + timedelta(weeks=2))
    with pytest.raises(MeetingError, match="已登记过"):
        register(office_db, weeks=4)
    with office_db.transaction() as session:
        assert len(session.scalars(select(Meeting)).all()) == 1
        assert len(session.scalars(select(AuditEntry).where(AuditEntry.entity == "meeting")).all()) == 1
    assert len(deadlines(office_db)) == 1


def test_only_the_office_registers_meetings(office_db):
    with pytest.raises(MeetingError, match="只有区政府办公室"):
        register(office_db, actor=CLERK)
    assert register(office_db, actor=CLERK, admin_ids=[CLERK])
    assert register(office_db, actor=None, starts_at=WED_9 + timedelta(days=1))  # the command line


def test_meeting_types_people_type():
    assert parse_meeting_type("常务会议") is MeetingType.EXECUTIVE
    assert parse_meeting_type("区政府全体会议") is MeetingType.PLENARY
    with pytest.raises(MeetingError, match="未知会议类型"):
        parse_meeting_type("党组会")


def test_find_meeting_by_day_and_type(office_db):
    register(office_db)
    register(office_db, kind=MeetingType.MAYOR_TOPIC, starts_at=WED_9 + timedelta(hours=5))
    with office_db.transaction() as session:
        with pytest.raises(MeetingError, match="有 2 个会议"):
            find_meeting(session=session, day=date(2026, 12, 9), tz=TZ)
        assert find_meeting(session=session, day=date(2026, 12, 9), pick=MeetingPick(kind=MeetingType.MAYOR_TOPIC), tz=TZ).kind == "区长专题会议"
        with pytest.raises(MeetingError, match="没有已登记的会议"):
            find_meeting(session=session, day=date(2026, 12, 10), tz=TZ)


def test_two_meetings_of_one_type_on_one_day_are_picked_by_time_or_number(office_db):
    [(morning, *_)] = register(office_db, kind=MeetingType.MAYOR_TOPIC)
    [(afternoon, *_)] = register(office_db, kind=MeetingType.MAYOR_TOPIC, starts_at=WED_9 + timedelta(hours=6))
    day, topic = date(2026, 12, 9), MeetingType.MAYOR_TOPIC
    with office_db.transaction() as session:
        with pytest.raises(MeetingError) as ambiguous:
            find_meeting(session=session, day=day, pick=MeetingPick(kind=topic), tz=TZ, example="加 --time {time} 或 --id {id}")
        assert find_meeting(session=session, day=day, pick=MeetingPick(kind=topic, at=time(15, 0)), tz=TZ).id == afternoon
        assert find_meeting(session=session, day=day, pick=MeetingPick(meeting_id=morning), tz=TZ).id == morning
        with pytest.raises(MeetingError, match="没有11:00 的区长专题会议,当天的会议"):
            find_meeting(session=session, day=day, pick=MeetingPick(kind=topic, at=time(11, 0)), tz=TZ)
    message = str(ambiguous.value)
    assert "有 2 个区长专题会议" in message and "请写明会议类型" not in message
    assert f"#{morning} 09:00 区长专题会议,区政府第一会议室,主持:王区长" in message
    assert f"#{afternoon} 15:00 区长专题会议" in message
    assert f"加 --time 09:00 或 --id {morning}" in message


def test_the_words_that_pick_a_meeting_come_before_the_title():
    pick, rest = parse_meeting_pick(["15:00", "区长专题会议", "关于XX的请示"])
    assert pick == MeetingPick(kind=MeetingType.MAYOR_TOPIC, at=time(15, 0)) and rest == ["关于XX的请示"]
    assert parse_meeting_pick(["#12", "关于XX的请示"]) == (MeetingPick(meeting_id=12), ["关于XX的请示"])
    assert parse_meeting_pick(["常务会议"]) == (MeetingPick(kind=MeetingType.EXECUTIVE), [])
    assert parse_meeting_pick(["关于15:00会议的请示"]) == (MeetingPick(), ["关于15:00会议的请示"])


def test_cancelling_closes_the_deadline(office_db):
    [(meeting_id, *_)] = register(office_db)
    with office_db.transaction() as session:
        with pytest.raises(MeetingError, match="只有区政府办公室"):
            cancel_meeting(session=session, meeting_id=meeting_id, reason="x", actor=Actor.telegram(MAYOR + 100), admin_ids=(), tz=TZ, now=NOW)
    with office_db.transaction() as session:
        cancel_meeting(session=session, meeting_id=meeting_id, reason="改期", actor=Actor.telegram(OFFICE), admin_ids=(), tz=TZ, now=NOW)
    [deadline] = deadlines(office_db)
    assert deadline.state == "cancelled"
    with office_db.transaction() as session:
        with pytest.raises(MeetingError, match="已取消.*取消原因:改期"):
            find_meeting(session=session, day=date(2026, 12, 9), tz=TZ)
    # The slot is free again for a new meeting.
    [(new_id, *_)] = register(office_db)
    with office_db.transaction() as session:
        assert find_meeting(session=session, day=date(2026, 12, 9), tz=TZ).id == new_id


def test_an_office_member_on_dingtalk_only_registers_and_cancels_a_meeting(office_db):
    office = add_dingtalk_member(office_db, "office-ding", "冯干事", "区政府办公室", Role.OFFICE)
    on_dingtalk = Actor.on(DINGTALK, "office-ding")
    with office_db.transaction() as session:
        [meeting] = register_meetings(session=session, kind=MeetingType.EXECUTIVE, starts_at=WED_9, place="第一会议室",
                                      chair_name=None, weeks=1, actor=on_dingtalk, admin_ids=(), now=NOW)
        meeting_id = meeting.id
        assert (meeting.created_by_person_id, meeting.created_by_telegram_id) == (office, None)
        cancel_meeting(session=session, meeting_id=meeting_id, reason="改期", actor=on_dingtalk, admin_ids=(), tz=TZ,
                       now=NOW)
    with office_db.transaction() as session:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.entity == "meeting").order_by(AuditEntry.id))
        assert [(r.action, r.actor_person_id, r.actor_telegram_id) for r in rows] == [
            ("created", office, None), ("cancelled", office, None)]


@pytest.mark.parametrize("account", ["stranger", str(OFFICE)], ids=["unknown", "a Telegram id typed as DingTalk"])
def test_a_dingtalk_account_outside_the_office_registers_no_meeting(office_db, account):
    with pytest.raises(MeetingError, match="只有区政府办公室"):
        with office_db.transaction() as session:
            register_meetings(session=session, kind=MeetingType.EXECUTIVE, starts_at=WED_9, place="", chair_name=None,
                              weeks=1, actor=Actor.on(DINGTALK, account), admin_ids=[OFFICE], now=NOW)


def test_a_meeting_registered_by_an_administrator_outside_the_directory_names_their_telegram_id(office_db):
    with office_db.transaction() as session:
        [meeting] = register_meetings(session=session, kind=MeetingType.EXECUTIVE, starts_at=WED_9, place="",
                                      chair_name=None, weeks=1, actor=Actor.telegram(9001), admin_ids=[9001], now=NOW)
        assert (meeting.created_by_person_id, meeting.created_by_telegram_id) == (None, 9001)
