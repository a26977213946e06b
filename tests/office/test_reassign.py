"""Handing a departed approver's open leave approvals and agenda reviews to a successor."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from agenda_seed import (
    CLERK, EXEC_VICE, HEAD, MAYOR, NOW, OFFICE, OTHER_HEAD, OTHER_VICE, STARTS, TZ, VICE, approve, file, seed_meeting, submit,
)
from office.directory import DirectoryError, remove_member, update_member
from office.leave import LeaveRequest, file_leave
from office.reassign import reassign_open_decisions, transfer_unit
from storage.agenda import AgendaItem
from storage.audit import AuditEntry
from storage.leaves import LeaveApproval
from storage.people import Role


@pytest.fixture
def office_db(db):
    return seed_meeting(db)


def _file_leave(db, who=HEAD):
    start = NOW.date() + timedelta(days=3)
    request = LeaveRequest(telegram_id=who, kind="出差", start=start, end=start + timedelta(days=1),
                           destination="上海", reason="参加长三角协作会")
    with db.transaction() as session:
        return file_leave(session=session, request=request, now=NOW)


def _reassign(db, old, new, now=NOW):
    with db.transaction() as session:
        return reassign_open_decisions(session=session, actor_telegram_id=None, from_telegram_id=old,
                                       to_telegram_id=new, now=now, tz=TZ)


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
        remove_member(session=session, actor_telegram_id=None, telegram_id=VICE)

    moved = _reassign(office_db, VICE, OTHER_VICE)

    assert moved.count == 2 and moved.successor.telegram_id == OTHER_VICE
    [(approval_id, report)] = moved.leave_approvals
    assert report.id == leave.id
    assert [a.approver.telegram_id for a in report.approvals if a.id == approval_id] == [OTHER_VICE]
    assert _approvers(office_db, leave.id) == [("区长", MAYOR), ("分管副区长", OTHER_VICE)]
    [notice] = moved.agenda_reviews
    assert (notice.telegram_id, notice.review_item_id) == (OTHER_VICE, item_id) and "转交" in notice.text
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
        remove_member(session=session, actor_telegram_id=None, telegram_id=HEAD)
        update_member(session=session, actor_telegram_id=None, telegram_id=CLERK, role=Role.UNIT_HEAD)
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
        return transfer_unit(session=session, actor_telegram_id=OFFICE, unit=unit, to_telegram_id=new, now=NOW, tz=TZ)


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
