"""The staff directory as the domain sees it: lookups, admins, and changes nobody may make to themselves."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from office.actors import ANONYMOUS_ADMIN_ID, Actor
from office.directory import (
    DirectoryError, add_member, find_member, is_admin, members_with_role, move_oversight, overseer_of_unit, remove_member,
    update_member,
)
from storage.audit import AuditEntry
from storage.people import DINGTALK, Oversight, Person, Role


def _add(db, telegram_id, role, unit="区政府", oversees=(), actor=None, name=None):
    with db.transaction() as session:
        return add_member(session=session, actor=Actor.telegram(actor) if actor is not None else None,
                          telegram_id=telegram_id, name=name or f"人{telegram_id}", unit=unit, role=role, oversees=oversees)


def test_find_member_returns_plain_data(db):
    _add(db, 1001, Role.VICE_MAYOR, oversees=("区财政局", "区审计局"))
    with db.transaction() as session:
        member = find_member(session=session, telegram_id=1001)
    assert member.role is Role.VICE_MAYOR and member.oversees == ("区审计局", "区财政局")
    assert not member.is_office


def test_the_anonymous_admin_is_never_a_member(db):
    with pytest.raises(DirectoryError, match="无效"):
        _add(db, ANONYMOUS_ADMIN_ID, Role.OFFICE)
    with db.transaction() as session:
        assert find_member(session=session, telegram_id=ANONYMOUS_ADMIN_ID) is None
        assert not is_admin(session=session, actor=Actor.telegram(ANONYMOUS_ADMIN_ID), settings_admin_ids=[ANONYMOUS_ADMIN_ID])


def test_overseer_of_unit(db):
    _add(db, 1, Role.VICE_MAYOR, oversees=("区财政局",))
    _add(db, 2, Role.EXECUTIVE_VICE_MAYOR, oversees=("区政府办公室",))
    with db.transaction() as session:
        assert overseer_of_unit(session=session, unit="区财政局").telegram_id == 1
        assert overseer_of_unit(session=session, unit="区政府办公室").telegram_id == 2
        assert overseer_of_unit(session=session, unit="区教委") is None


def test_only_vice_mayors_oversee_units(db):
    with pytest.raises(DirectoryError, match="只有副区长"):
        _add(db, 1, Role.UNIT_HEAD, oversees=("区财政局",))


def test_admins_are_office_staff_and_configured_ids(db):
    _add(db, 1, Role.OFFICE, unit="区政府办公室")
    _add(db, 2, Role.UNIT_HEAD)
    with db.transaction() as session:
        assert is_admin(session=session, actor=Actor.telegram(1), settings_admin_ids=[])
        assert not is_admin(session=session, actor=Actor.telegram(2), settings_admin_ids=[])
        assert is_admin(session=session, actor=Actor.telegram(3), settings_admin_ids=[3])


def test_nobody_changes_their_own_role(db):
    _add(db, 1, Role.OFFICE, unit="区政府办公室")
    with pytest.raises(DirectoryError, match="不能修改自己"):
        with db.transaction() as session:
            update_member(session=session, actor=Actor.telegram(1), telegram_id=1, role=Role.MAYOR)
    with pytest.raises(DirectoryError, match="不能修改自己"):
        _add(db, 5, Role.MAYOR, actor=5)  # an admin from ADMIN_TELEGRAM_IDS registering themselves
    with db.transaction() as session:
        assert find_member(session=session, telegram_id=1).role is Role.OFFICE
        assert find_member(session=session, telegram_id=5) is None


def test_role_change_is_audited_as_such(db):
    _add(db, 1, Role.VICE_MAYOR, oversees=("区财政局",))
    with db.transaction() as session:
        member = update_member(session=session, actor=Actor.telegram(9), telegram_id=1, role=Role.UNIT_HEAD, unit="区财政局")
    assert member.role is Role.UNIT_HEAD and member.oversees == ()  # a head oversees nothing
    with db.transaction() as session:
        actions = list(session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "person")))
    assert actions == ["created", "role_changed"]


def test_duplicate_registration_is_refused(db):
    _add(db, 1, Role.STAFF)
    with pytest.raises(DirectoryError, match="已登记"):
        _add(db, 1, Role.MAYOR)


def test_removed_people_are_kept_but_not_found(db):
    _add(db, 1, Role.VICE_MAYOR)
    with db.transaction() as session:
        remove_member(session=session, actor=None, telegram_id=1)
    with db.transaction() as session:
        assert find_member(session=session, telegram_id=1) is None
        assert members_with_role(session=session, role=Role.VICE_MAYOR) == []
        assert session.scalars(select(Person)).one().active is False
    readded = _add(db, 1, Role.STAFF, unit="区教委")  # re-registration re-activates the same row
    assert readded.role is Role.STAFF


def test_unknown_role_lists_the_roles():
    from office.directory import parse_role

    with pytest.raises(DirectoryError, match="区长、常务副区长"):
        parse_role("局长")


@pytest.mark.parametrize("role", [Role.MAYOR, Role.EXECUTIVE_VICE_MAYOR])
def test_only_one_person_holds_the_post_that_approvals_go_to(db, role):
    _add(db, 1, role, name="王区长")
    with pytest.raises(DirectoryError, match="只能登记一位"):
        _add(db, 2, role)
    _add(db, 2, Role.VICE_MAYOR)
    with pytest.raises(DirectoryError, match="王区长"):
        with db.transaction() as session:
            update_member(session=session, actor=None, telegram_id=2, role=role)
    with db.transaction() as session:
        assert [m.telegram_id for m in members_with_role(session=session, role=role)] == [1]
        update_member(session=session, actor=None, telegram_id=1, name="王区长")  # the holder may be edited
        remove_member(session=session, actor=None, telegram_id=1)
    _add(db, 3, role)  # once the post is free, a successor is registered


def test_a_unit_has_one_vice_mayor_and_a_second_is_told_how_to_hand_it_over(db):
    _add(db, 1, Role.VICE_MAYOR, oversees=("区财政局",), name="赵副区长")
    with pytest.raises(DirectoryError, match=r"区财政局已由副区长赵副区长\(ID 1\)分管.*/staff transfer 区财政局 2"):
        _add(db, 2, Role.VICE_MAYOR, oversees=("区教委", "区财政局"))
    _add(db, 2, Role.VICE_MAYOR, oversees=("区教委",))
    with pytest.raises(DirectoryError, match="区财政局已由副区长赵副区长"):
        with db.transaction() as session:
            update_member(session=session, actor=None, telegram_id=2, oversees=("区教委", "区财政局"))
    with pytest.raises(DirectoryError, match="区财政局已由副区长赵副区长"):
        with db.transaction() as session:  # the 常务副区长 is a 分管 too
            update_member(session=session, actor=None, telegram_id=2, role=Role.EXECUTIVE_VICE_MAYOR,
                          oversees=("区财政局",))
    with db.transaction() as session:
        update_member(session=session, actor=None, telegram_id=1, oversees=("区财政局", "区审计局"))
        assert overseer_of_unit(session=session, unit="区财政局").telegram_id == 1
        assert find_member(session=session, telegram_id=2).oversees == ("区教委",)


def test_moving_a_unit_takes_it_from_its_vice_mayor_and_is_audited(db):
    _add(db, 1, Role.VICE_MAYOR, oversees=("区财政局", "区审计局"))
    _add(db, 2, Role.VICE_MAYOR, oversees=("区教委",))
    _add(db, 3, Role.UNIT_HEAD, unit="区财政局")
    with pytest.raises(DirectoryError, match="只有副区长、常务副区长可以分管"):
        with db.transaction() as session:
            move_oversight(session=session, actor=Actor.telegram(9), unit="区财政局", successor=Actor.telegram(3))
    with db.transaction() as session:
        successor, former = move_oversight(session=session, actor=Actor.telegram(9), unit="区财政局", successor=Actor.telegram(2))
    assert successor.oversees == ("区教委", "区财政局") and [m.telegram_id for m in former] == [1]
    with db.transaction() as session:
        assert overseer_of_unit(session=session, unit="区财政局").telegram_id == 2
        assert find_member(session=session, telegram_id=1).oversees == ("区审计局",)
        [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == "oversight_transferred"))
        assert entry.actor_telegram_id == 9 and entry.detail == {"unit": "区财政局", "from": [1], "to": 2}
    with pytest.raises(DirectoryError, match="已由人2分管,无需移交"):
        with db.transaction() as session:
            move_oversight(session=session, actor=Actor.telegram(9), unit="区财政局", successor=Actor.telegram(2))


def test_two_vice_mayors_registered_for_one_unit_earlier_are_not_picked_from(db):
    _add(db, 1, Role.VICE_MAYOR, oversees=("区财政局",), name="赵副区长")
    _add(db, 2, Role.VICE_MAYOR, name="钱副区长")
    with db.transaction() as session:  # an entry made before the directory refused a second 分管
        session.add(Oversight(person_id=find_member(session=session, telegram_id=2).person_id, unit="区财政局"))
    with pytest.raises(DirectoryError, match=r"区财政局登记了2位分管副区长:赵副区长\(ID 1\)、钱副区长\(ID 2\).*/staff transfer"):
        with db.transaction() as session:
            overseer_of_unit(session=session, unit="区财政局")
    with db.transaction() as session:
        move_oversight(session=session, actor=None, unit="区财政局", successor=Actor.telegram(2))
    with db.transaction() as session:
        assert overseer_of_unit(session=session, unit="区财政局").telegram_id == 2


def test_oversight_can_be_re_set_with_a_unit_it_already_has(db):
    _add(db, 1, Role.VICE_MAYOR, oversees=("区财政局",))
    with db.transaction() as session:
        update_member(session=session, actor=None, telegram_id=1, oversees=("区财政局", "区审计局"))
        remove_member(session=session, actor=None, telegram_id=1)
    readded = _add(db, 1, Role.VICE_MAYOR, oversees=("区审计局",))  # re-registration keeps the row it still needs
    assert readded.oversees == ("区审计局",)


def test_an_office_member_on_dingtalk_only_administers_the_directory_audited_by_person(db):
    with db.transaction() as session:
        office = add_member(session=session, actor=None, dingtalk_id="office01", name="钱主任", unit="区政府办公室",
                            role=Role.OFFICE)
    actor = Actor.on(DINGTALK, "office01")
    with db.transaction() as session:
        assert is_admin(session=session, actor=actor, settings_admin_ids=[])
        assert not is_admin(session=session, actor=Actor.on(DINGTALK, "nobody01"), settings_admin_ids=[])
        added = add_member(session=session, actor=actor, dingtalk_id="wang02", name="王科员", unit="区教委", role=Role.STAFF)
        update_member(session=session, actor=actor, dingtalk_id="wang02", telegram_id=2002, unit="区卫健委")
        remove_member(session=session, actor=actor, telegram_id=2002)
    with db.transaction() as session:
        assert find_member(session=session, channel=DINGTALK, account="wang02") is None
        rows = session.scalars(select(AuditEntry).where(AuditEntry.entity == "person", AuditEntry.entity_id == added.person_id))
        assert [(r.action, r.actor_person_id, r.actor_telegram_id) for r in rows] == [
            ("created", office.person_id, None), ("updated", office.person_id, None), ("removed", office.person_id, None)]


@pytest.mark.parametrize("writes_from", ["telegram", "dingtalk", "web"])
def test_nobody_changes_their_own_entry_from_any_messenger_or_the_web(db, writes_from):
    with db.transaction() as session:
        me = add_member(session=session, actor=None, telegram_id=1, dingtalk_id="office01", name="钱主任",
                        unit="区政府办公室", role=Role.OFFICE)
    actor = {"telegram": Actor.telegram(1), "dingtalk": Actor.on(DINGTALK, "office01"),
             "web": Actor.of(person_id=me.person_id)}[writes_from]
    with pytest.raises(DirectoryError, match="不能修改自己"):
        with db.transaction() as session:
            update_member(session=session, actor=actor, dingtalk_id="office01", role=Role.MAYOR)
    with pytest.raises(DirectoryError, match="不能修改自己"):
        with db.transaction() as session:
            remove_member(session=session, actor=actor, telegram_id=1)
    with db.transaction() as session:
        assert find_member(session=session, telegram_id=1).role is Role.OFFICE


def test_a_unit_moves_to_a_vice_mayor_named_by_their_dingtalk_id(db):
    _add(db, 1, Role.VICE_MAYOR, oversees=("区财政局",))
    with db.transaction() as session:
        add_member(session=session, actor=None, dingtalk_id="vice02", name="钱副区长", unit="区政府", role=Role.VICE_MAYOR)
    with pytest.raises(DirectoryError, match="未找到 钉钉 ID vice99 的在册人员"):
        with db.transaction() as session:
            move_oversight(session=session, actor=None, unit="区财政局", successor=Actor.on(DINGTALK, "vice99"))
    with db.transaction() as session:
        successor, former = move_oversight(session=session, actor=None, unit="区财政局",
                                           successor=Actor.on(DINGTALK, "vice02"))
    assert successor.name == "钱副区长" and [m.telegram_id for m in former] == [1]
    with db.transaction() as session:
        assert overseer_of_unit(session=session, unit="区财政局").dingtalk_id == "vice02"
