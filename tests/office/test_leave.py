"""Filing checks, decisions, withdrawal, cancellation and 销假 — each refusal stores nothing."""

from __future__ import annotations

import threading
from datetime import datetime, time, timedelta

import pytest
from leave_seed import (
    EXEC_VICE, HEAD, MAYOR, NOW, OFFICE, OFFICE_2, STRANGER, TZ, VICE, count_reports, day, leave_audit, leave_request,
    request_by, return_deadlines, seed_directory,
)
from sqlalchemy import select

from office.actors import ANONYMOUS_ADMIN_ID, Actor
from office.directory import add_member, remove_member
from office.leave import (
    LeaveError, LeaveState, cancel_leave, decide_leave, file_leave, plan_leave, return_from_leave,
    withdraw_leave,
)
from office.leave_notices import cancellation_notices, withdrawal_notices
from storage.agenda import Meeting
from storage.audit import AuditEntry
from storage.deadlines import Deadline
from storage.leaves import LeaveApproval
from storage.people import DINGTALK, Person, Role


@pytest.fixture
def directory(db):
    seed_directory(db)
    return db


def _file(db, filer, *, confirmed_long=False, **fields):
    """File a request of the person with Telegram id `filer` (fields as leave_seed.leave_request takes them)."""
    with db.transaction() as session:
        return file_leave(session=session, request=leave_request(session, filer, **fields), now=NOW,
                          confirmed_long=confirmed_long)


def _decide(db, approval_id, telegram_id, approve=True, note=None, now=NOW):
    with db.transaction() as session:
        return decide_leave(session=session, approval_id=approval_id, actor=Actor.telegram(telegram_id),
                            approve=approve, note=note, now=now)


def _refused(db, filer, match, **fields):
    with pytest.raises(LeaveError, match=match):
        _file(db, filer, **fields)
    assert count_reports(db) == 0


# --- bad input --------------------------------------------------------------------------------


def test_end_before_start_is_refused(directory):
    _refused(directory, VICE, "早于开始", start=5, end=3)


def test_afternoon_to_morning_of_the_same_day_is_refused(directory):
    _refused(directory, VICE, "早于开始", start=5, end=5, start_period="下午", end_period="上午")


def test_past_start_is_refused(directory):
    _refused(directory, VICE, "已过去", start=-1, end=2)


def test_trip_may_start_today(directory):
    assert _file(directory, VICE, start=0, end=2).start == NOW.date()


def test_meeting_absence_may_be_filed_on_the_day(directory):
    leave = _file(directory, HEAD, kind="会议请假", start=0, end=0, destination="区政府常务会议")
    assert leave.start == NOW.date()


def test_meeting_absence_for_yesterday_is_refused(directory):
    _refused(directory, HEAD, "已过去", kind="会议请假", start=-1, end=-1, destination="常务会议")


def test_unknown_kind_lists_the_kinds(directory):
    _refused(directory, VICE, "未知的请假类型「病假」.*离京出访", kind="病假")


@pytest.mark.parametrize("kind", ["出差", "离京出访"])
def test_trips_need_a_destination(directory, kind):
    _refused(directory, VICE, "须填写目的地", kind=kind, destination="  ")


def test_meeting_absence_needs_the_meeting(directory):
    _refused(directory, VICE, "会议名称", kind="会议请假", start=1, end=1, destination="")


def test_vacation_needs_no_place_but_a_reason(directory):
    _file(directory, VICE, kind="休假", destination="")
    with pytest.raises(LeaveError, match="事由"):
        _file(directory, VICE, kind="休假", start=20, end=21, destination="", reason=" ")


def test_unknown_person_is_told_to_register(directory):
    with pytest.raises(LeaveError, match="请联系区政府办公室登记"), directory.transaction() as session:
        file_leave(session=session, request=request_by(10**6), now=NOW)
    assert count_reports(directory) == 0


def test_a_filer_removed_from_the_directory_is_told_to_register(directory):
    with directory.transaction() as session:
        remove_member(session=session, actor=None, telegram_id=VICE)
    _refused(directory, VICE, "请联系区政府办公室登记")


def test_overlapping_reports_of_one_person_are_refused(directory):
    first = _file(directory, VICE, start=5, end=7)
    with pytest.raises(LeaveError, match=f"编号 {first.id}.*重叠"):
        _file(directory, VICE, kind="休假", start=7, end=9)
    assert count_reports(directory) == 1


def test_meeting_absence_during_a_trip_is_accepted(directory):
    """Missing a meeting because one is away on business is the usual case (第五十三条)."""
    trip = _approved(directory, start=25, end=27, destination="广州")
    meeting = _file(directory, VICE, kind="会议请假", start=26, end=26, destination="常务会议", reason="在广州出差")
    assert meeting.state is LeaveState.PENDING and trip.id != meeting.id


def test_trip_over_an_approved_meeting_absence_is_accepted(directory):
    _approved(directory, kind="会议请假", start=26, end=26, destination="常务会议", reason="外出调研")
    trip = _file(directory, VICE, start=25, end=27, destination="广州")
    assert trip.state is LeaveState.PENDING


def test_second_absence_from_the_same_meeting_is_refused(directory):
    first = _file(directory, VICE, kind="会议请假", start=26, end=26, destination="常务会议")
    with pytest.raises(LeaveError, match=f"编号 {first.id}.*重叠"):
        _file(directory, VICE, kind="会议请假", start=26, end=26, destination=" 常务会议 ")
    assert count_reports(directory) == 1


def test_absences_from_two_meetings_of_one_day_are_accepted(directory):
    _file(directory, VICE, kind="会议请假", start=26, end=26, destination="常务会议")
    _file(directory, VICE, kind="会议请假", start=26, end=26, destination="区长专题会议")
    assert count_reports(directory) == 2


def test_morning_and_afternoon_of_one_day_do_not_overlap(directory):
    _file(directory, VICE, kind="休假", start=5, end=5, start_period="上午", end_period="上午")
    second = _file(directory, VICE, kind="休假", start=5, end=5, start_period="下午", end_period="下午")
    assert second.days == 0.5


def test_other_peoples_reports_do_not_overlap_mine(directory):
    _file(directory, VICE)
    _file(directory, HEAD)
    assert count_reports(directory) == 2


def test_closed_reports_free_their_dates(directory):
    first = _file(directory, VICE)
    with directory.transaction() as session:
        withdraw_leave(session=session, report_id=first.id, actor=Actor.telegram(VICE), now=NOW)
    _file(directory, VICE)
    assert count_reports(directory) == 2


def test_more_than_30_days_needs_confirmation(directory):
    study = {"kind": "脱产学习", "start": 5, "end": 40, "destination": "市委党校"}
    with directory.transaction() as session:
        plan = plan_leave(session=session, request=leave_request(session, VICE, **study), now=NOW)
    assert plan.too_long and plan.days == 36
    _refused(directory, VICE, "超过 30 天", **study)
    assert _file(directory, VICE, confirmed_long=True, **study).days == 36


def test_exactly_30_days_needs_no_confirmation(directory):
    assert _file(directory, VICE, kind="休假", start=5, end=34, destination="").days == 30


# --- decisions --------------------------------------------------------------------------------


def test_unit_head_is_approved_only_when_both_agree(directory):
    leave = _file(directory, HEAD)
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
    leave = _file(directory, HEAD)
    mayor_approval, vice_approval = (a.id for a in leave.approvals)
    outcome = _decide(directory, vice_approval, VICE, approve=False, note="时间冲突")
    assert outcome.completed and outcome.leave.state is LeaveState.REJECTED
    with pytest.raises(LeaveError, match="已退回"):
        _decide(directory, mayor_approval, MAYOR)
    assert leave_audit(directory, leave.id) == ["filed", "rejected"]


@pytest.mark.parametrize("intruder", [VICE, HEAD, STRANGER, ANONYMOUS_ADMIN_ID, OFFICE])
def test_only_the_named_approver_decides(directory, intruder):
    leave = _file(directory, HEAD)
    with pytest.raises(LeaveError, match="不是该申请的审批人"):
        _decide(directory, leave.approvals[0].id, intruder)  # the 区长's approval
    assert leave_audit(directory, leave.id) == ["filed"]


def test_a_decision_cannot_be_made_twice(directory):
    leave = _file(directory, HEAD)
    _decide(directory, leave.approvals[0].id, MAYOR)
    with pytest.raises(LeaveError, match="不能重复审批"):
        _decide(directory, leave.approvals[0].id, MAYOR, approve=False)
    assert leave_audit(directory, leave.id) == ["filed", "approved"]


def test_unknown_approval_is_refused(directory):
    with pytest.raises(LeaveError, match="不存在"):
        _decide(directory, 12345, MAYOR)


def test_any_other_office_member_decides_a_meeting_absence(directory):
    leave = _file(directory, OFFICE, kind="会议请假", start=1, end=1, destination="区长专题会议")
    with pytest.raises(LeaveError, match="不是该申请的审批人"):
        _decide(directory, leave.approvals[0].id, OFFICE)  # not their own
    outcome = _decide(directory, leave.approvals[0].id, OFFICE_2)
    assert outcome.leave.state is LeaveState.APPROVED


# --- withdraw, cancel, return -----------------------------------------------------------------


def _approved(db, filer=VICE, **fields):
    leave = _file(db, filer, **fields)
    return _decide(db, leave.approvals[0].id, MAYOR).leave


def test_filer_withdraws_before_the_decision(directory):
    leave = _file(directory, VICE)
    with pytest.raises(LeaveError, match="没有找到您的请假"):
        with directory.transaction() as session:
            withdraw_leave(session=session, report_id=leave.id, actor=Actor.telegram(MAYOR), now=NOW)
    with directory.transaction() as session:
        withdrawn = withdraw_leave(session=session, report_id=leave.id, actor=Actor.telegram(VICE), now=NOW)
    assert withdrawn.state is LeaveState.WITHDRAWN
    with pytest.raises(LeaveError, match="已撤回"):
        _decide(directory, leave.approvals[0].id, MAYOR)
    assert leave_audit(directory, leave.id) == ["filed", "withdrawn"]


def test_approved_report_cannot_be_withdrawn_but_cancelled_with_reason(directory):
    leave = _approved(directory)
    with pytest.raises(LeaveError, match="只有待审批"):
        with directory.transaction() as session:
            withdraw_leave(session=session, report_id=leave.id, actor=Actor.telegram(VICE), now=NOW)
    with pytest.raises(LeaveError, match="原因"):
        with directory.transaction() as session:
            cancel_leave(session=session, report_id=leave.id, actor=Actor.telegram(VICE), reason=" ", now=NOW)
    with directory.transaction() as session:
        cancelled = cancel_leave(session=session, report_id=leave.id, actor=Actor.telegram(VICE), reason="会议改期",
                                 now=NOW)
    assert cancelled.state is LeaveState.CANCELLED and cancelled.cancel_reason == "会议改期"
    assert [state for state, _ in return_deadlines(directory, leave.id)] == ["cancelled"]
    assert leave_audit(directory, leave.id) == ["filed", "approved", "cancelled"]


def _cancel(db, leave, filer):
    """The cancellation's notices, each as (the recipient's Telegram id or None for the office group, headline)."""
    with db.transaction() as session:
        cancelled = cancel_leave(session=session, report_id=leave.id, actor=Actor.telegram(filer), reason="会议改期",
                                 now=NOW)
        return _addressed(session, cancellation_notices(session=session, leave=cancelled))


def _addressed(session, notices) -> list[tuple[int | None, str]]:
    return [(None if n.person_id is None else session.get(Person, n.person_id).telegram_id, n.headline)
            for n in notices]


def _recipients(notices) -> set[int | None]:
    return {telegram_id for telegram_id, _ in notices}


def test_cancelling_an_approved_report_tells_its_approvers_and_the_office_group(directory):
    leave = _file(directory, HEAD)
    for approval, approver in zip(leave.approvals, (MAYOR, VICE), strict=True):
        _decide(directory, approval.id, approver)
    change = _cancel(directory, leave, HEAD)
    assert _recipients(change) == {MAYOR, VICE, None}  # None: the office group
    assert all("取消" in headline for _, headline in change)


def test_cancelling_the_mayors_leave_tells_the_presiding_executive_vice_mayor(directory):
    leave = _file(directory, MAYOR)
    change = _cancel(directory, leave, MAYOR)
    assert _recipients(change) == {EXEC_VICE, None}
    assert "主持" in next(headline for telegram_id, headline in change if telegram_id == EXEC_VICE)


def test_cancelling_a_meeting_absence_tells_the_deciding_office_member_and_the_mayor(directory):
    leave = _file(directory, HEAD, kind="会议请假", start=1, end=1, destination="区长专题会议")
    _decide(directory, leave.approvals[0].id, OFFICE_2)
    change = _cancel(directory, leave, HEAD)
    assert _recipients(change) == {OFFICE_2, MAYOR, None}  # 第五十三条: the mayor was told of the absence


def test_withdrawing_tells_every_approver_asked_or_decided(directory):
    leave = _file(directory, HEAD)
    _decide(directory, leave.approvals[0].id, MAYOR)
    with directory.transaction() as session:
        withdrawn = withdraw_leave(session=session, report_id=leave.id, actor=Actor.telegram(HEAD), now=NOW)
        change = _addressed(session, withdrawal_notices(session=session, leave=withdrawn))
    assert _recipients(change) == {MAYOR, VICE}


def test_back_closes_the_report_and_its_deadline(directory):
    leave = _approved(directory)
    on_trip = datetime.combine(leave.end, time(20, 0), tzinfo=TZ)
    with directory.transaction() as session:
        returned = return_from_leave(session=session, actor=Actor.telegram(VICE), now=on_trip)
    assert returned.id == leave.id and returned.state is LeaveState.RETURNED
    assert [state for state, _ in return_deadlines(directory, leave.id)] == ["done"]
    with pytest.raises(LeaveError, match="没有需要销假"):
        with directory.transaction() as session:
            return_from_leave(session=session, actor=Actor.telegram(VICE), now=on_trip)


def test_back_before_the_leave_began_says_to_cancel_instead(directory):
    leave = _approved(directory)
    with pytest.raises(LeaveError, match="尚未开始"):
        with directory.transaction() as session:
            return_from_leave(session=session, actor=Actor.telegram(VICE), now=NOW)
    assert leave_audit(directory, leave.id) == ["filed", "approved"]


def test_back_without_an_approved_report(directory):
    _file(directory, VICE)  # still pending
    with pytest.raises(LeaveError, match="没有需要销假"):
        with directory.transaction() as session:
            return_from_leave(session=session, actor=Actor.telegram(VICE), now=NOW + timedelta(days=6))


def test_mayor_returns_from_a_recorded_report(directory):
    leave = _file(directory, MAYOR)
    with directory.transaction() as session:
        returned = return_from_leave(session=session, actor=Actor.telegram(MAYOR), now=NOW + timedelta(days=6))
    assert returned.state is LeaveState.RETURNED
    assert leave_audit(directory, leave.id) == ["recorded", "returned"]



def test_concurrent_presses_of_one_button_decide_once(directory):
    """Eight simultaneous 同意 on the same approval: one decision, seven refusals, one audit row."""
    leave = _file(directory, VICE)
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
            _file(directory, VICE)
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

    _file(directory, VICE, destination="+上海", reason='=HYPERLINK("http://evil.example")')
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
    _refused(directory, HEAD, "不在请假日期内", **(absence | {"start": 6, "end": 6}), meeting_id=executive)
    _refused(directory, HEAD, "不存在或已取消", **(absence | {"start": 6, "end": 6}), meeting_id=topic)
    filed = _file(directory, HEAD, **absence, meeting_id=executive)
    # The same meeting under another name is still the same meeting.
    with pytest.raises(LeaveError, match="重叠"):
        _file(directory, HEAD, **(absence | {"destination": "常务会"}), meeting_id=executive)
    assert filed.meeting_id == executive and count_reports(directory) == 1


# --- people registered only on DingTalk -------------------------------------------------------

AUDIT_HEAD_DT, AUDIT_CLERK_DT, NOBODY_DT = "audit-head-dt", "audit-clerk-dt", "nobody-dt"


@pytest.fixture
def dingtalk_unit(directory):
    """区审计局 (overseen by 赵副区长): its head and a clerk, both registered only on DingTalk.
    Returns their person ids (head, clerk)."""
    with directory.transaction() as session:
        head = add_member(session=session, actor=None, dingtalk_id=AUDIT_HEAD_DT, name="郑局长", unit="区审计局",
                          role=Role.UNIT_HEAD)
        clerk = add_member(session=session, actor=None, dingtalk_id=AUDIT_CLERK_DT, name="韩科员", unit="区审计局",
                           role=Role.STAFF)
    return head.person_id, clerk.person_id


def _on_dingtalk(account: str) -> Actor:
    return Actor.on(DINGTALK, account)


def _file_by(db, filer_id: int, **fields):
    """File a request of the directory person `filer_id`."""
    with db.transaction() as session:
        return file_leave(session=session, request=request_by(filer_id, **fields), now=NOW)


def _approve_as_dingtalk_head(db, leave) -> None:  # type: ignore[no-untyped-def]
    with db.transaction() as session:
        decide_leave(session=session, approval_id=leave.approvals[0].id, actor=_on_dingtalk(AUDIT_HEAD_DT),
                     approve=True, note=None, now=NOW)


def _audit_actors(db, report_id: int) -> list[tuple[str, int | None, int | None]]:
    """(action, actor_person_id, actor_telegram_id) of the report's audit rows, oldest first."""
    with db.transaction() as session:
        query = select(AuditEntry).where(AuditEntry.entity == "leave", AuditEntry.entity_id == report_id)
        entries = session.scalars(query.order_by(AuditEntry.id))
        return [(entry.action, entry.actor_person_id, entry.actor_telegram_id) for entry in entries]


def test_dingtalk_only_staff_file_are_approved_by_their_dingtalk_only_head_and_return(directory, dingtalk_unit):
    head, clerk = dingtalk_unit
    leave = _file_by(directory, clerk, start=0, end=2)
    assert [(a.label, a.approver.name) for a in leave.approvals] == [("单位正职", "郑局长")]
    with directory.transaction() as session:
        decision = decide_leave(session=session, approval_id=leave.approvals[0].id, actor=_on_dingtalk(AUDIT_HEAD_DT),
                                approve=True, note=None, now=NOW)
        decided_by = [a.decided_by_person_id for a in session.scalars(select(LeaveApproval))]
    assert decision.completed and decision.leave.state is LeaveState.APPROVED and decided_by == [head]
    with directory.transaction() as session:
        returned = return_from_leave(session=session, actor=_on_dingtalk(AUDIT_CLERK_DT), now=NOW + timedelta(days=1))
        closed_by = session.scalars(select(Deadline.closed_by_person_id).where(Deadline.source_id == leave.id)).all()
    assert returned.id == leave.id and returned.state is LeaveState.RETURNED
    assert [state for state, _ in return_deadlines(directory, leave.id)] == ["done"] and closed_by == [clerk]
    assert _audit_actors(directory, leave.id) == [("filed", clerk, None), ("approved", head, None),
                                                  ("returned", clerk, None)]


def test_dingtalk_only_staff_withdraw_and_cancel_their_own_reports(directory, dingtalk_unit):
    head, clerk = dingtalk_unit
    pending = _file_by(directory, clerk, start=5, end=6)
    approved = _file_by(directory, clerk, start=10, end=11)
    _approve_as_dingtalk_head(directory, approved)
    with directory.transaction() as session:
        withdrawn = withdraw_leave(session=session, report_id=pending.id, actor=_on_dingtalk(AUDIT_CLERK_DT), now=NOW)
        cancelled = cancel_leave(session=session, report_id=approved.id, actor=_on_dingtalk(AUDIT_CLERK_DT),
                                 reason="审计进点推迟", now=NOW)
        told = [n.person_id for n in cancellation_notices(session=session, leave=cancelled) if n.person_id]
    assert withdrawn.state is LeaveState.WITHDRAWN and cancelled.state is LeaveState.CANCELLED
    assert told == [head]  # the approver who decided, found by the person id of the decision
    assert _audit_actors(directory, pending.id)[-1] == ("withdrawn", clerk, None)
    assert _audit_actors(directory, approved.id)[-1] == ("cancelled", clerk, None)


def test_an_unregistered_dingtalk_account_decides_withdraws_cancels_and_returns_nothing(directory, dingtalk_unit):
    _, clerk = dingtalk_unit
    pending = _file_by(directory, clerk, start=5, end=6)
    approved = _file_by(directory, clerk, start=0, end=1)
    _approve_as_dingtalk_head(directory, approved)
    stranger = _on_dingtalk(NOBODY_DT)
    attempts = [
        (lambda s: decide_leave(session=s, approval_id=pending.approvals[0].id, actor=stranger, approve=True,
                                note=None, now=NOW), "不是该申请的审批人"),
        (lambda s: withdraw_leave(session=s, report_id=pending.id, actor=stranger, now=NOW), "没有找到您的请假"),
        (lambda s: cancel_leave(session=s, report_id=approved.id, actor=stranger, reason="改期", now=NOW),
         "没有找到您的请假"),
        (lambda s: return_from_leave(session=s, actor=stranger, now=NOW), "请联系区政府办公室登记"),
    ]
    for attempt, refusal in attempts:
        with pytest.raises(LeaveError, match=refusal), directory.transaction() as session:
            attempt(session)
    assert [a for a, *_ in _audit_actors(directory, pending.id)] == ["filed"]
    assert [a for a, *_ in _audit_actors(directory, approved.id)] == ["filed", "approved"]


def test_a_dingtalk_account_is_not_taken_for_the_same_id_on_telegram(directory):
    """VICE's Telegram id typed as a DingTalk account names nobody: it does not decide as 赵副区长."""
    leave = _file(directory, HEAD)
    with pytest.raises(LeaveError, match="不是该申请的审批人"), directory.transaction() as session:
        decide_leave(session=session, approval_id=leave.approvals[1].id, actor=_on_dingtalk(str(VICE)),
                     approve=True, note=None, now=NOW)
    assert leave_audit(directory, leave.id) == ["filed"]
