"""Handing a departed approver's open leave approvals and agenda reviews to a successor."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from agenda_seed import CLERK, EXEC_VICE, HEAD, MAYOR, NOW, OTHER_VICE, TZ, VICE, approve, file, seed_meeting, submit
from office.directory import DirectoryError, remove_member
from office.leave import LeaveRequest, file_leave
from office.reassign import reassign_open_decisions
from storage.agenda import AgendaItem
from storage.audit import AuditEntry
from storage.leaves import LeaveApproval


@pytest.fixture
def office_db(db):
    return seed_meeting(db)


def _file_leave(db, who=HEAD):
    start = NOW.date() + timedelta(days=3)
    request = LeaveRequest(telegram_id=who, kind="出差", start=start, end=start + timedelta(days=1),
                           destination="上海", reason="参加长三角协作会")
    with db.transaction() as session:
        return file_leave(session=session, request=request, now=NOW)


def _reassign(db, old, new):
    with db.transaction() as session:
        return reassign_open_decisions(session=session, actor_telegram_id=None, from_telegram_id=old,
                                       to_telegram_id=new, tz=TZ)


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
