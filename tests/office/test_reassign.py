"""Handing a departed approver's open leave approvals and agenda reviews to a successor."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from agenda_seed import (
    CLERK, EXEC_VICE, HEAD, MAYOR, NOW, OFFICE, OTHER_HEAD, OTHER_VICE, STARTS, TZ, VICE,
    add_dingtalk_member, addressees, approve, as_actor, file, seed_meeting, submit,
)
from office.actors import Actor
from office.directory import DirectoryError, add_member, remove_member, update_member
from office.leave import LeaveRequest, file_leave
from office.reassign import reassign_open_decisions, transfer_unit
from storage.agenda import AgendaItem, ItemState
from storage.audit import AuditEntry
from storage.leaves import LeaveApproval
from storage.people import DINGTALK, Role


@pytest.fixture
def office_db(db):
    return seed_meeting(db)


def _file_leave(db, who=HEAD):
    start = NOW.date() + timedelta(days=3)
    request = LeaveRequest(person_id=db.person_ids[who], kind="出差", start=start, end=start + timedelta(days=1),
                           destination="上海", reason="参加长三角协作会")
    with db.transaction() as session:
        return file_leave(session=session, request=request, now=NOW)


def _reassign(db, old, new, now=NOW):
    with db.transaction() as session:
        return reassign_open_decisions(session=session, actor=None, predecessor=as_actor(old), successor=as_actor(new),
                                       now=now, tz=TZ)


def _approvers(db, report_id):
    with db.transaction() as session:
        rows = session.scalars(select(LeaveApproval).where(LeaveApproval.report_id == report_id)
                               .order_by(LeaveApproval.position))
        return [(a.label, a.approver.telegram_id if a.approver else None) for a in rows]


def test_leave_approvals_and_agenda_reviews_move_to_the_successor(office_db):
    leave = _file_leave(office_db)
    item_id = file(office_db)
    submit(office_db, item_id)
    with office_db.transaction() as session:
        remove_member(session=session, actor=None, telegram_id=VICE)

    moved = _reassign(office_db, VICE, OTHER_VICE)

    assert moved.count == 2 and moved.successor.telegram_id == OTHER_VICE
    [(approval_id, report)] = moved.leave_approvals
    assert report.id == leave.id
    assert [a.approver.telegram_id for a in report.approvals if a.id == approval_id] == [OTHER_VICE]
    assert _approvers(office_db, leave.id) == [("区长", MAYOR), ("分管副区长", OTHER_VICE)]
    [notice] = moved.agenda_reviews
    assert (addressees(office_db, [notice]), notice.review_item_id) == ([OTHER_VICE], item_id) and "转交" in notice.text
    approve(office_db, item_id, OTHER_VICE)  # the successor can now take the step
    with office_db.transaction() as session:
        actions = session.scalars(select(AuditEntry.entity).where(AuditEntry.action == "reassigned")).all()
    assert sorted(actions) == ["agenda_item", "leave_approval"]


def test_a_successor_without_the_role_moves_nothing(office_db):
    leave = _file_leave(office_db)
    item_id = file(office_db)
    submit(office_db, item_id)
    with pytest.raises(DirectoryError, match="不能接替"):
        _reassign(office_db, VICE, CLERK)
    with pytest.raises(DirectoryError, match="不能接替"):
        _reassign(office_db, MAYOR, EXEC_VICE)  # a 区长 approval needs the 区长
    assert _approvers(office_db, leave.id) == [("区长", MAYOR), ("分管副区长", VICE)]
    with office_db.transaction() as session:
        assert session.get(AgendaItem, item_id).overseer.telegram_id == VICE


@pytest.mark.parametrize(("old", "new", "message"), [(404, OTHER_VICE, "未找到"), (VICE, 404, "不在名录"), (VICE, VICE, "同一人")])
def test_unknown_or_identical_people_are_refused(office_db, old, new, message):
    with pytest.raises(DirectoryError, match=message):
        _reassign(office_db, old, new)


def test_a_promoted_filer_is_not_handed_their_own_report(office_db):
    leave = _file_leave(office_db, who=CLERK)  # a clerk's trip waits for the head of the unit
    with office_db.transaction() as session:
        remove_member(session=session, actor=None, telegram_id=HEAD)
        update_member(session=session, actor=None, telegram_id=CLERK, role=Role.UNIT_HEAD)
    with pytest.raises(DirectoryError, match="本人"):
        _reassign(office_db, HEAD, CLERK)
    assert _approvers(office_db, leave.id) == [("单位正职", HEAD)]


def test_reviews_for_a_meeting_that_has_started_stay_where_they_are(office_db):
    item_id = file(office_db)
    submit(office_db, item_id)
    moved = _reassign(office_db, VICE, OTHER_VICE, now=STARTS + timedelta(minutes=1))
    assert moved.count == 0
    with office_db.transaction() as session:
        assert session.get(AgendaItem, item_id).overseer.telegram_id == VICE


def _transfer(db, unit, new):
    with db.transaction() as session:
        return transfer_unit(session=session, actor=Actor.telegram(OFFICE), unit=unit, successor=as_actor(new),
                             now=NOW, tz=TZ)


def test_a_transferred_unit_takes_only_its_own_open_decisions_to_the_new_vice_mayor(office_db):
    taken = _transfer(office_db, "区发改委", VICE)  # 赵副区长 now oversees 区财政局 and 区发改委
    assert taken.moved.count == 0 and "由郑副区长改为赵副区长" in taken.describe()
    leave = _file_leave(office_db)  # 区财政局's head: waits for 赵副区长
    finance_item = file(office_db)
    submit(office_db, finance_item)
    planning_item = file(office_db, who=OTHER_HEAD, title="关于区发改委项目的请示")
    submit(office_db, planning_item, who=OTHER_HEAD)

    handed_back = _transfer(office_db, "区发改委", OTHER_VICE)

    assert [n.review_item_id for n in handed_back.moved.agenda_reviews] == [planning_item]
    assert handed_back.moved.leave_approvals == ()
    assert "已一并转交郑副区长(请假审批 0 项,议题审核 1 项)" in handed_back.describe()
    with office_db.transaction() as session:
        assert session.get(AgendaItem, planning_item).overseer.telegram_id == OTHER_VICE
        assert session.get(AgendaItem, finance_item).overseer.telegram_id == VICE
    assert _approvers(office_db, leave.id) == [("区长", MAYOR), ("分管副区长", VICE)]
    approve(office_db, planning_item, OTHER_VICE)  # the new 分管 can now take the step


def _dingtalk_overseen_unit(db):
    """区文旅局: its 正职 on Telegram (id 50), its 分管副区长 钱副区长 on DingTalk only; the 正职's
    item waits for 钱副区长's review. Returns (钱副区长's person id, the item id)."""
    vice = add_dingtalk_member(db, "qian-fu", "钱副区长", "区政府", Role.VICE_MAYOR, ("区文旅局",))
    with db.transaction() as session:
        add_member(session=session, actor=None, telegram_id=50, name="冯局长", unit="区文旅局", role=Role.UNIT_HEAD)
    item_id = file(db, who=50, title="关于文旅节的请示")
    submit(db, item_id, who=50)
    return vice, item_id


def test_what_waits_for_a_removed_vice_mayor_on_dingtalk_only_is_handed_over(office_db):
    vice, item_id = _dingtalk_overseen_unit(office_db)
    with office_db.transaction() as session:
        remove_member(session=session, actor=None, dingtalk_id="qian-fu")

    moved = _reassign(office_db, Actor.on(DINGTALK, "qian-fu"), OTHER_VICE)

    [notice] = moved.agenda_reviews
    assert (addressees(office_db, [notice]), notice.review_item_id) == ([OTHER_VICE], item_id)
    assert "由钱副区长转交" in notice.text
    with office_db.transaction() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "reassigned")).one()
        assert entry.detail == {"from": vice, "to": office_db.person_ids[OTHER_VICE]}
    approve(office_db, item_id, OTHER_VICE)


def test_a_hand_over_to_a_vice_mayor_on_dingtalk_only_lets_them_review(office_db):
    item_id = file(office_db)
    submit(office_db, item_id)
    successor = Actor.on(DINGTALK, "qian-fu")
    new_vice = add_dingtalk_member(office_db, "qian-fu", "钱副区长", "区政府", Role.VICE_MAYOR)
    moved = _reassign(office_db, VICE, successor)
    assert [(n.person_id, n.review_item_id) for n in moved.agenda_reviews] == [(new_vice, item_id)]
    state, _ = approve(office_db, item_id, successor)
    assert state == ItemState.LEADER_APPROVAL


@pytest.mark.parametrize(("old", "new", "message"), [
    (Actor.on(DINGTALK, "nobody"), OTHER_VICE, "未找到 钉钉:nobody 的人员"),
    (VICE, Actor.on(DINGTALK, "nobody"), "接替人 钉钉:nobody 不在名录中"),
    (VICE, Actor.on(DINGTALK, str(OTHER_VICE)), f"接替人 钉钉:{OTHER_VICE} 不在名录中"),
])
def test_dingtalk_accounts_the_directory_does_not_know_are_refused_as_typed(office_db, old, new, message):
    item_id = file(office_db)
    submit(office_db, item_id)
    with pytest.raises(DirectoryError, match=message):
        _reassign(office_db, old, new)
    with office_db.transaction() as session:
        assert session.get(AgendaItem, item_id).overseer.telegram_id == VICE


def test_a_unit_taken_from_a_vice_mayor_on_dingtalk_only_takes_its_open_reviews_along(office_db):
    _, item_id = _dingtalk_overseen_unit(office_db)
    taken = _transfer(office_db, "区文旅局", OTHER_VICE)
    assert [m.name for m in taken.former] == ["钱副区长"]
    assert [n.review_item_id for n in taken.moved.agenda_reviews] == [item_id]
    approve(office_db, item_id, OTHER_VICE)
