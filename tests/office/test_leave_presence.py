"""第七条: the 常务副区长 presides while the 区长 is away; a leave that leaves neither in the district warns
(it does not block: the rules do not forbid it, the office must arrange cover)."""

from __future__ import annotations

import pytest
from leave_seed import EXEC_VICE, MAYOR, NOW, VICE, day, leave_request, seed_directory

from office.actors import Actor
from office.dates import format_day
from office.leave import decide_leave, file_leave, plan_leave


@pytest.fixture
def directory(db):
    seed_directory(db)
    return db


def _file(db, filer, **fields):
    with db.transaction() as session:
        return file_leave(session=session, request=leave_request(session, filer, **fields), now=NOW)


def _plan(db, filer, **fields):
    with db.transaction() as session:
        return plan_leave(session=session, request=leave_request(session, filer, **fields), now=NOW)


def _approve(db, leave):
    with db.transaction() as session:
        return decide_leave(session=session, approval_id=leave.approvals[0].id, actor=Actor.telegram(MAYOR),
                            approve=True, note=None, now=NOW)


def test_executive_vice_mayors_leave_during_the_mayors_trip_warns_naming_the_days(directory):
    _file(directory, MAYOR, start=19, end=20)  # recorded at once; 李常务 to preside
    vacation = {"kind": "休假", "start": 20, "end": 22, "destination": ""}
    plan = _plan(directory, EXEC_VICE, **vacation)
    assert "无人主持" in plan.warning and format_day(day(20)) in plan.warning
    assert format_day(day(19)) not in plan.warning and format_day(day(21)) not in plan.warning
    decision = _approve(directory, _file(directory, EXEC_VICE, **vacation))
    assert decision.leave.state.value == "已批准"  # a warning, not a refusal
    assert format_day(day(20)) in decision.warning


def test_mayors_trip_during_the_executive_vice_mayors_approved_leave_warns(directory):
    _approve(directory, _file(directory, EXEC_VICE, start=19, end=20))
    plan = _plan(directory, MAYOR, start=20, end=21)
    assert format_day(day(20)) in plan.warning and format_day(day(21)) not in plan.warning


def test_half_days_apart_leave_someone_in_charge(directory):
    _file(directory, MAYOR, start=19, end=19, start_period="上午", end_period="上午")
    plan = _plan(directory, EXEC_VICE, start=19, end=19, start_period="下午", end_period="下午")
    assert plan.warning == ""


@pytest.mark.parametrize(("filer", "kind"), [(EXEC_VICE, "会议请假"), (VICE, "出差")])
def test_meeting_absences_and_other_vice_mayors_do_not_count(directory, filer, kind):
    _file(directory, MAYOR, start=19, end=20)
    plan = _plan(directory, filer, kind=kind, start=19, end=19, destination="常务会议")
    assert plan.warning == ""


def test_a_pending_report_of_the_other_leader_does_not_warn_yet(directory):
    _file(directory, EXEC_VICE, start=19, end=20)  # not approved: may still be refused
    assert _plan(directory, MAYOR, start=19, end=20).warning == ""
