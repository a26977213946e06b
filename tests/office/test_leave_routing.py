"""Each row of the routing table (SPEC §3; 第七条, 第五十三条, 第八十二条)."""

from __future__ import annotations

import pytest

from office.leave import LeaveError, LeaveState, file_leave, plan_leave
from leave_seed import (
    CLERK, EXEC_VICE, HEAD, LONELY_HEAD, MAYOR, NOW, OFFICE, OFFICE_2, PEOPLE, VICE, count_reports, leave_audit, leave_request,
    return_deadlines, seed_directory,
)


@pytest.fixture
def directory(db):
    seed_directory(db)
    return db


def _file(db, filer, **fields):
    with db.transaction() as session:
        return file_leave(session=session, request=leave_request(session, filer, **fields), now=NOW)


def _approvers(leave) -> list[tuple[str, str | None]]:
    return [(a.label, a.approver.name if a.approver else a.approver_role.value) for a in leave.approvals]


def test_mayor_is_recorded_with_the_executive_vice_mayor_presiding(directory):
    leave = _file(directory, MAYOR)
    assert leave.state is LeaveState.APPROVED and leave.recorded_only
    assert leave.approvals == ()
    assert leave.acting is not None and leave.acting.name == "李常务"
    assert leave_audit(directory, leave.id) == ["recorded"]
    assert [state for state, _ in return_deadlines(directory, leave.id)] == ["open"]


def test_mayor_plan_says_it_was_asked_of_city_and_district_committee(directory):
    with directory.transaction() as session:
        plan = plan_leave(session=session, request=leave_request(session, MAYOR), now=NOW)
    assert "市政府、区委" in plan.route.describe() and "李常务" in plan.route.describe()


@pytest.mark.parametrize("filer", [EXEC_VICE, VICE])
def test_vice_mayors_ask_the_mayor(directory, filer):
    leave = _file(directory, filer)
    assert leave.state is LeaveState.PENDING
    assert _approvers(leave) == [("区长", "王区长")]


def test_unit_head_needs_mayor_and_overseeing_vice_mayor(directory):
    leave = _file(directory, HEAD)
    assert _approvers(leave) == [("区长", "王区长"), ("分管副区长", "赵副区长")]
    assert leave_audit(directory, leave.id) == ["filed"]
    assert return_deadlines(directory, leave.id) == []  # only once approved


def test_staff_ask_the_head_of_their_unit(directory):
    leave = _file(directory, CLERK, kind="休假", destination="")
    assert _approvers(leave) == [("单位正职", "孙局长")]


@pytest.mark.parametrize("filer", [EXEC_VICE, VICE])
def test_meeting_absence_of_district_leaders_goes_to_the_mayor(directory, filer):
    leave = _file(directory, filer, kind="会议请假", start=1, end=1, destination="区政府常务会议")
    assert _approvers(leave) == [("区长", "王区长")]


@pytest.mark.parametrize("filer", [HEAD, CLERK, OFFICE])
def test_meeting_absence_of_heads_and_others_goes_through_the_office(directory, filer):
    leave = _file(directory, filer, kind="会议请假", start=1, end=1, destination="区长专题会议")
    assert _approvers(leave) == [("区政府办公室", "办公室")]
    with directory.transaction() as session:
        request = leave_request(session, filer, kind="会议请假", start=2, end=2, destination="区长专题会议")
        plan = plan_leave(session=session, request=request, now=NOW)
    assert "向区长报告" in plan.route.describe()


def test_mayor_meeting_absence_is_recorded_without_presiding_deputy(directory):
    leave = _file(directory, MAYOR, kind="会议请假", start=1, end=1, destination="区政府全体会议")
    assert leave.recorded_only and leave.acting is None


def test_unit_without_overseer_is_refused_naming_the_gap(directory):
    with pytest.raises(LeaveError, match="区档案馆的分管副区长"):
        _file(directory, LONELY_HEAD)
    assert count_reports(directory) == 0


def test_route_without_a_registered_mayor_is_refused(db):
    seed_directory(db, people=[person for person in PEOPLE if person[0] != MAYOR])
    with pytest.raises(LeaveError, match="没有登记区长"):
        _file(db, VICE)
    assert count_reports(db) == 0


def test_meeting_absence_of_the_only_office_member_is_refused(db):
    """Nobody but the filer could collect it (第五十三条), so it would wait for nobody."""
    seed_directory(db, people=[person for person in PEOPLE if person[0] != OFFICE_2])
    with pytest.raises(LeaveError, match="除您本人外没有登记区政府办公室人员"):
        _file(db, OFFICE, kind="会议请假", start=1, end=1, destination="区长专题会议")
    assert count_reports(db) == 0


def test_meeting_absence_of_a_head_reaches_the_only_office_member(db):
    seed_directory(db, people=[person for person in PEOPLE if person[0] != OFFICE_2])
    leave = _file(db, HEAD, kind="会议请假", start=1, end=1, destination="区长专题会议")
    assert _approvers(leave) == [("区政府办公室", "办公室")]


def test_meeting_absence_without_any_office_member_is_refused(db):
    seed_directory(db, people=[person for person in PEOPLE if person[1] not in ("钱主任", "冯干事")])
    with pytest.raises(LeaveError, match="名录中没有登记区政府办公室人员"):
        _file(db, HEAD, kind="会议请假", start=1, end=1, destination="区长专题会议")
