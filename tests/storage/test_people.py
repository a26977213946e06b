"""People and oversight rows, and the unit lookups routing needs."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from storage.people import DINGTALK, Oversight, Person, Role, people_in_unit, person_by_account, person_by_telegram_id


def test_people_in_unit_by_role_and_active(db):
    with db.transaction() as session:
        session.add_all([
            Person(telegram_id=1, name="甲", unit="区财政局", role=Role.UNIT_HEAD.value),
            Person(telegram_id=2, name="乙", unit="区财政局", role=Role.STAFF.value),
            Person(telegram_id=3, name="丙", unit="区财政局", role=Role.UNIT_HEAD.value, active=False),
            Person(telegram_id=4, name="丁", unit="区教委", role=Role.UNIT_HEAD.value),
        ])
    with db.transaction() as session:
        assert [p.name for p in people_in_unit(session, "区财政局", Role.UNIT_HEAD)] == ["甲"]


def test_telegram_id_is_unique(db):
    with pytest.raises(IntegrityError):
        with db.transaction() as session:
            session.add_all([Person(telegram_id=1, name="甲", unit="a", role="区长"),
                             Person(telegram_id=1, name="乙", unit="b", role="区长")])


def test_large_telegram_ids_fit(db):
    with db.transaction() as session:
        session.add(Person(telegram_id=7_000_000_000, name="甲", unit="a", role=Role.STAFF.value))
    with db.transaction() as session:
        assert person_by_telegram_id(session, 7_000_000_000).name == "甲"


def test_one_unit_overseen_once_per_person(db):
    with pytest.raises(IntegrityError):
        with db.transaction() as session:
            person = Person(telegram_id=1, name="甲", unit="区政府", role=Role.VICE_MAYOR.value)
            person.oversight = [Oversight(unit="区财政局"), Oversight(unit="区财政局")]
            session.add(person)


def test_one_person_holds_a_telegram_and_a_dingtalk_account(db):
    with db.transaction() as session:
        session.add(Person(telegram_id=1001, dingtalk_id="manager4521", name="甲", unit="a", role=Role.STAFF.value))
    with db.transaction() as session:
        by_dingtalk = person_by_account(session, DINGTALK, "manager4521")
        assert by_dingtalk is person_by_telegram_id(session, 1001)
        by_dingtalk.set_account(DINGTALK, "manager0001")  # a changed DingTalk id replaces the old one
    with db.transaction() as session:
        assert person_by_account(session, DINGTALK, "manager4521") is None
        assert person_by_account(session, DINGTALK, "manager0001").telegram_id == 1001


def test_a_dingtalk_account_belongs_to_one_person(db):
    with pytest.raises(IntegrityError):
        with db.transaction() as session:
            session.add_all([Person(dingtalk_id="u1", name="甲", unit="a", role="区长"),
                             Person(dingtalk_id="u1", name="乙", unit="b", role="区长")])
