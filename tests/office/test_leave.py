"""Filing checks, decisions, withdrawal, cancellation and 销假 — each refusal stores nothing."""

from __future__ import annotations

import threading
from datetime import datetime, time, timedelta

import pytest
from leave_seed import (
    EXEC_VICE, HEAD, MAYOR, NOW, OFFICE, OFFICE_2, STRANGER, TZ, VICE, count_reports, day, leave_audit, leave_request,
    return_deadlines, seed_directory,
)

from office.directory import ANONYMOUS_ADMIN_ID
from office.leave import (
    LeaveError, LeaveState, cancel_leave, decide_leave, file_leave, plan_leave, return_from_leave,
    withdraw_leave,
)
from office.leave_notices import cancellation_notices, withdrawal_notices
from storage.agenda import Meeting
from storage.people import Person


@pytest.fixture
def directory(db):
    seed_directory(db)
    return db


def _file(db, request, **options):
    with db.transaction() as session:
        return file_leave(session=session, request=request, now=NOW, **options)


def _decide(db, approval_id, actor, approve=True, note=None, now=NOW):
    with db.transaction() as session:
        return decide_leave(session=session, approval_id=approval_id, actor_telegram_id=actor, approve=approve,
                            note=note, now=now)


def _refused(db, request, match, **options):
    with pytest.raises(LeaveError, match=match):
        _file(db, request, **options)
    assert count_reports(db) == 0


# --- bad input --------------------------------------------------------------------------------


def test_end_before_start_is_refused(directory):
    _refused(directory, leave_request(VICE, start=5, end=3), "早于开始")


def test_afternoon_to_morning_of_the_same_day_is_refused(directory):
    _refused(directory, leave_request(VICE, start=5, end=5, start_period="下午", end_period="上午"), "早于开始")


def test_past_start_is_refused(directory):
    _refused(directory, leave_request(VICE, start=-1, end=2), "已过去")


def test_trip_may_start_today(directory):
    assert _file(directory, leave_request(VICE, start=0, end=2)).start == NOW.date()


def test_meeting_absence_may_be_filed_on_the_day(directory):
    leave = _file(directory, leave_request(HEAD, kind="会议请假", start=0, end=0, destination="区政府常务会议"))
    assert leave.start == NOW.date()


def test_meeting_absence_for_yesterday_is_refused(directory):
    _refused(directory, leave_request(HEAD, kind="会议请假", start=-1, end=-1, destination="常务会议"), "已过去")


def test_unknown_kind_lists_the_kinds(directory):
    _refused(directory, leave_request(VICE, kind="病假"), "未知的请假类型「病假」.*离京出访")


@pytest.mark.parametrize("kind", ["出差", "离京出访"])
def test_trips_need_a_destination(directory, kind):
    _refused(directory, leave_request(VICE, kind=kind, destination="  "), "须填写目的地")


def test_meeting_absence_needs_the_meeting(directory):
    _refused(directory, leave_request(VICE, kind="会议请假", start=1, end=1, destination=""), "会议名称")


def test_vacation_needs_no_place_but_a_reason(directory):
    _file(directory, leave_request(VICE, kind="休假", destination=""))
    with pytest.raises(LeaveError, match="事由"):
        _file(directory, leave_request(VICE, kind="休假", start=20, end=21, destination="", reason=" "))


def test_unknown_person_is_told_to_register(directory):
    _refused(directory, leave_request(STRANGER), "请联系区政府办公室登记")


def test_anonymous_group_admin_is_not_a_person(directory):
    _refused(directory, leave_request(ANONYMOUS_ADMIN_ID), "请联系区政府办公室登记")


def test_overlapping_reports_of_one_person_are_refused(directory):
    first = _file(directory, leave_request(VICE, start=5, end=7))
    with pytest.raises(LeaveError, match=f"编号 {first.id}.*重叠"):
        _file(directory, leave_request(VICE, kind="休假", start=7, end=9))
    assert count_reports(directory) == 1


def test_meeting_absence_during_a_trip_is_accepted(directory):
    """Missing a meeting because one is away on business is the usual case (第五十三条)."""
    trip = _approved(directory, start=25, end=27, destination="广州")
    meeting = _file(directory, leave_request(VICE, kind="会议请假", start=26, end=26, destination="常务会议",
                                             reason="在广州出差"))
    assert meeting.state is LeaveState.PENDING and trip.id != meeting.id


def test_trip_over_an_approved_meeting_absence_is_accepted(directory):
    _approved(directory, kind="会议请假", start=26, end=26, destination="常务会议", reason="外出调研")
    trip = _file(directory, leave_request(VICE, start=25, end=27, destination="广州"))
    assert trip.state is LeaveState.PENDING


def test_second_absence_from_the_same_meeting_is_refused(directory):
    first = _file(directory, leave_request(VICE, kind="会议请假", start=26, end=26, destination="常务会议"))
    with pytest.raises(LeaveError, match=f"编号 {first.id}.*重叠"):
        _file(directory, leave_request(VICE, kind="会议请假", start=26, end=26, destination=" 常务会议 "))
    assert count_reports(directory) == 1


def test_absences_from_two_meetings_of_one_day_are_accepted(directory):
    _file(directory, leave_request(VICE, kind="会议请假", start=26, end=26, destination="常务会议"))
    _file(directory, leave_request(VICE, kind="会议请假", start=26, end=26, destination="区长专题会议"))
    assert count_reports(directory) == 2


def test_morning_and_afternoon_of_one_day_do_not_overlap(directory):
    _file(directory, leave_request(VICE, kind="休假", start=5, end=5, start_period="上午", end_period="上午"))
    second = _file(directory, leave_request(VICE, kind="休假", start=5, end=5, start_period="下午", end_period="下午"))
    assert second.days == 0.5


def test_other_peoples_reports_do_not_overlap_mine(directory):
    _file(directory, leave_request(VICE))
    _file(directory, leave_request(HEAD))
    assert count_reports(directory) == 2


def test_closed_reports_free_their_dates(directory):
    first = _file(directory, leave_request(VICE))
    with directory.transaction() as session:
        withdraw_leave(session=session, report_id=first.id, actor_telegram_id=VICE, now=NOW)
    _file(directory, leave_request(VICE))
    assert count_reports(directory) == 2


def test_more_than_30_days_needs_confirmation(directory):
    request = leave_request(VICE, kind="脱产学习", start=5, end=40, destination="市委党校")
    with directory.transaction() as session:
        plan = plan_leave(session=session, request=request, now=NOW)
    assert plan.too_long and plan.days == 36
    _refused(directory, request, "超过 30 天")
    assert _file(directory, request, confirmed_long=True).days == 36


def test_exactly_30_days_needs_no_confirmation(directory):
    assert _file(directory, leave_request(VICE, kind="休假", start=5, end=34, destination="")).days == 30


# --- decisions --------------------------------------------------------------------------------


def test_unit_head_is_approved_only_when_both_agree(directory):
    leave = _file(directory, leave_request(HEAD))
    mayor_approval, vice_approval = (a.id for a in leave.approvals)
    first = _decide(directory, mayor_approval, MAYOR, note="注意安全")
    assert first.leave.state is LeaveState.PENDING and not first.completed
    assert return_deadlines(directory, leave.id) == []
    second = _decide(directory, vice_approval, VICE)
    assert second.completed and second.leave.state is LeaveState.APPROVED
    assert [a.decision for a in second.leave.approvals] == ["同意", "同意"]
    assert second.leave.approvals[0].note == "注意安全"
    due = datetime.combine(day(7), time(18, 0), tzinfo=TZ)
    assert return_deadlines(directory, leave.id) == [("open", due)]
    assert leave_audit(directory, leave.id) == ["filed", "approved", "approved"]


def test_one_rejection_sends_the_report_back(directory):
    leave = _file(directory, leave_request(HEAD))
    mayor_approval, vice_approval = (a.id for a in leave.approvals)
    outcome = _decide(directory, vice_approval, VICE, approve=False, note="时间冲突")
    assert outcome.completed and outcome.leave.state is LeaveState.REJECTED
    with pytest.raises(LeaveError, match="已退回"):
        _decide(directory, mayor_approval, MAYOR)
    assert leave_audit(directory, leave.id) == ["filed", "rejected"]


@pytest.mark.parametrize("intruder", [VICE, HEAD, STRANGER, ANONYMOUS_ADMIN_ID, OFFICE])
def test_only_the_named_approver_decides(directory, intruder):
    leave = _file(directory, leave_request(HEAD))
    with pytest.raises(LeaveError, match="不是该申请的审批人"):
        _decide(directory, leave.approvals[0].id, intruder)  # the 区长's approval
    assert leave_audit(directory, leave.id) == ["filed"]


def test_a_decision_cannot_be_made_twice(directory):
    leave = _file(directory, leave_request(HEAD))
    _decide(directory, leave.approvals[0].id, MAYOR)
    with pytest.raises(LeaveError, match="不能重复审批"):
        _decide(directory, leave.approvals[0].id, MAYOR, approve=False)
    assert leave_audit(directory, leave.id) == ["filed", "approved"]


def test_unknown_approval_is_refused(directory):
    with pytest.raises(LeaveError, match="不存在"):
        _decide(directory, 12345, MAYOR)


def test_any_other_office_member_decides_a_meeting_absence(directory):
    leave = _file(directory, leave_request(OFFICE, kind="会议请假", start=1, end=1, destination="区长专题会议"))
    with pytest.raises(LeaveError, match="不是该申请的审批人"):
        _decide(directory, leave.approvals[0].id, OFFICE)  # not their own
    outcome = _decide(directory, leave.approvals[0].id, OFFICE_2)
    assert outcome.leave.state is LeaveState.APPROVED


# --- withdraw, cancel, return -----------------------------------------------------------------


def _approved(db, telegram_id=VICE, **fields):
    leave = _file(db, leave_request(telegram_id, **fields))
    return _decide(db, leave.approvals[0].id, MAYOR).leave


def test_filer_withdraws_before_the_decision(directory):
    leave = _file(directory, leave_request(VICE))
    with pytest.raises(LeaveError, match="没有找到您的请假"):
        with directory.transaction() as session:
            withdraw_leave(session=session, report_id=leave.id, actor_telegram_id=MAYOR, now=NOW)
    with directory.transaction() as session:
        withdrawn = withdraw_leave(session=session, report_id=leave.id, actor_telegram_id=VICE, now=NOW)
    assert withdrawn.state is LeaveState.WITHDRAWN
    with pytest.raises(LeaveError, match="已撤回"):
        _decide(directory, leave.approvals[0].id, MAYOR)
    assert leave_audit(directory, leave.id) == ["filed", "withdrawn"]


def test_approved_report_cannot_be_withdrawn_but_cancelled_with_reason(directory):
    leave = _approved(directory)
    with pytest.raises(LeaveError, match="只有待审批"):
        with directory.transaction() as session:
            withdraw_leave(session=session, report_id=leave.id, actor_telegram_id=VICE, now=NOW)
    with pytest.raises(LeaveError, match="原因"):
        with directory.transaction() as session:
            cancel_leave(session=session, report_id=leave.id, actor_telegram_id=VICE, reason=" ", now=NOW)
    with directory.transaction() as session:
        cancelled = cancel_leave(session=session, report_id=leave.id, actor_telegram_id=VICE, reason="会议改期", now=NOW)
    assert cancelled.state is LeaveState.CANCELLED and cancelled.cancel_reason == "会议改期"
    assert [state for state, _ in return_deadlines(directory, leave.id)] == ["cancelled"]
    assert leave_audit(directory, leave.id) == ["filed", "approved", "cancelled"]


def _cancel(db, leave, actor):
    """The cancellation's notices, each as (the recipient's Telegram id or None for the office group, headline)."""
    with db.transaction() as session:
        cancelled = cancel_leave(session=session, report_id=leave.id, actor_telegram_id=actor, reason="会议改期",
                                 now=NOW)
        return _addressed(session, cancellation_notices(session=session, leave=cancelled))


def _addressed(session, notices) -> list[tuple[int | None, str]]:
    return [(None if n.person_id is None else session.get(Person, n.person_id).telegram_id, n.headline)
            for n in notices]


def _recipients(notices) -> set[int | None]:
    return {telegram_id for telegram_id, _ in notices}


def test_cancelling_an_approved_report_tells_its_approvers_and_the_office_group(directory):
    leave = _file(directory, leave_request(HEAD))
    for approval, approver in zip(leave.approvals, (MAYOR, VICE), strict=True):
        _decide(directory, approval.id, approver)
    change = _cancel(directory, leave, HEAD)
    assert _recipients(change) == {MAYOR, VICE, None}  # None: the office group
    assert all("取消" in headline for _, headline in change)


def test_cancelling_the_mayors_leave_tells_the_presiding_executive_vice_mayor(directory):
    leave = _file(directory, leave_request(MAYOR))
    change = _cancel(directory, leave, MAYOR)
    assert _recipients(change) == {EXEC_VICE, None}
    assert "主持" in next(headline for telegram_id, headline in change if telegram_id == EXEC_VICE)


def test_cancelling_a_meeting_absence_tells_the_deciding_office_member_and_the_mayor(directory):
    leave = _file(directory, leave_request(HEAD, kind="会议请假", start=1, end=1, destination="区长专题会议"))
    _decide(directory, leave.approvals[0].id, OFFICE_2)
    change = _cancel(directory, leave, HEAD)
    assert _recipients(change) == {OFFICE_2, MAYOR, None}  # 第五十三条: the mayor was told of the absence


def test_withdrawing_tells_every_approver_asked_or_decided(directory):
    leave = _file(directory, leave_request(HEAD))
    _decide(directory, leave.approvals[0].id, MAYOR)
    with directory.transaction() as session:
        withdrawn = withdraw_leave(session=session, report_id=leave.id, actor_telegram_id=HEAD, now=NOW)
        change = _addressed(session, withdrawal_notices(session=session, leave=withdrawn))
    assert _recipients(change) == {MAYOR, VICE}


def test_back_closes_the_report_and_its_deadline(directory):
    leave = _approved(directory)
    on_trip = datetime.combine(leave.end, time(20, 0), tzinfo=TZ)
    with directory.transaction() as session:
        returned = return_from_leave(session=session, actor_telegram_id=VICE, now=on_trip)
    assert returned.id == leave.id and returned.state is LeaveState.RETURNED
    assert [state for state, _ in return_deadlines(directory, leave.id)] == ["done"]
    with pytest.raises(LeaveError, match="没有需要销假"):
        with directory.transaction() as session:
            return_from_leave(session=session, actor_telegram_id=VICE, now=on_trip)


def test_back_before_the_leave_began_says_to_cancel_instead(directory):
    leave = _approved(directory)
    with pytest.raises(LeaveError, match="尚未开始"):
        with directory.transaction() as session:
            return_from_leave(session=session, actor_telegram_id=VICE, now=NOW)
    assert leave_audit(directory, leave.id) == ["filed", "approved"]


def test_back_without_an_approved_report(directory):
    _file(directory, leave_request(VICE))  # still pending
    with pytest.raises(LeaveError, match="没有需要销假"):
        with directory.transaction() as session:
            return_from_leave(session=session, actor_telegram_id=VICE, now=NOW + timedelta(days=6))


def test_mayor_returns_from_a_recorded_report(directory):
    leave = _file(directory, leave_request(MAYOR))
    with directory.transaction() as session:
        returned = return_from_leave(session=session, actor_telegram_id=MAYOR, now=NOW + timedelta(days=6))
    assert returned.state is LeaveState.RETURNED
    assert leave_audit(directory, leave.id) == ["recorded", "returned"]



def test_concurrent_presses_of_one_button_decide_once(directory):
    """Eight simultaneous 同意 on the same approval: one decision, seven refusals, one audit row."""
    leave = _file(directory, leave_request(VICE))
    outcomes: list[str] = []

    def press() -> None:
        try:
            _decide(directory, leave.approvals[0].id, MAYOR)
            outcomes.append("decided")
        except LeaveError:
            outcomes.append("refused")

    threads = [threading.Thread(target=press) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["decided"] + ["refused"] * 7
    assert leave_audit(directory, leave.id) == ["filed", "approved"]
    assert len(return_deadlines(directory, leave.id)) == 1


def test_concurrent_overlapping_filings_store_one(directory):
    """Eight simultaneous filings of the same dates by one person: exactly one is stored."""
    outcomes: list[str] = []

    def file_one() -> None:
        try:
            _file(directory, leave_request(VICE))
            outcomes.append("filed")
        except LeaveError:
            outcomes.append("refused")

    threads = [threading.Thread(target=file_one) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["filed"] + ["refused"] * 7
    assert count_reports(directory) == 1


def test_leave_csv_cells_cannot_smuggle_spreadsheet_formulas(directory):
    import csv
    import io

    from office.leave_views import export_csv

    _file(directory, leave_request(VICE, destination="+上海", reason='=HYPERLINK("http://evil.example")'))
    with directory.transaction() as session:
        content = export_csv(session=session, timezone="Asia/Shanghai")
    row = list(csv.reader(io.StringIO(content.lstrip("\ufeff"))))[1]
    assert "'+上海" in row and "'=HYPERLINK(\"http://evil.example\")" in row


def _meeting(db, offset: int, kind: str = "区政府常务会议") -> int:
    with db.transaction() as session:
        meeting = Meeting(kind=kind, starts_at=datetime.combine(day(offset), time(9), TZ))
        session.add(meeting)
        session.flush()
        return meeting.id


def test_a_meeting_absence_names_a_registered_meeting_in_its_period_and_one_absence_per_meeting(directory):
    executive = _meeting(directory, 5)
    topic = _meeting(directory, 6, kind="副区长专题会议")  # not a meeting of 第五十三条
    absence = {"kind": "会议请假", "start": 5, "end": 5, "destination": "区政府常务会议"}
    _refused(directory, leave_request(HEAD, **(absence | {"start": 6, "end": 6}), meeting_id=executive), "不在请假日期内")
    _refused(directory, leave_request(HEAD, **(absence | {"start": 6, "end": 6}), meeting_id=topic), "不存在或已取消")
    filed = _file(directory, leave_request(HEAD, **absence, meeting_id=executive))
    # The same meeting under another name is still the same meeting.
    with pytest.raises(LeaveError, match="重叠"):
        _file(directory, leave_request(HEAD, **(absence | {"destination": "常务会"}), meeting_id=executive))
    assert filed.meeting_id == executive and count_reports(directory) == 1
