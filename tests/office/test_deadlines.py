"""Deadlines the rules create (at calendar edges), custom ones, closing them and who may."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from deadline_seed import (
    CLERK, HEAD, NOW, OFFICE, OFFICE_GROUP, OTHER_HEAD, POLICY, TZ, VICE, at, member, new_deadline, reminders, telegram_chat,
    seed_directory,
)
from sqlalchemy import select

from office.actors import Actor
from office.deadline_commands import (
    LineError, parse_line, plan_custom, plan_document, plan_foreign, plan_incident, record_deadline,
)
from office.deadline_rules import (
    agenda_deadline, foreign_affairs_deadline, leave_return_deadline, normative_document_deadline, public_opinion_deadline,
)
from office.deadlines import DeadlineError, close_source_deadlines, complete_deadline, open_deadlines_for, snooze_alerts
from office.directory import StaffMember, add_member
from office.subscriptions import subscribe
from office.workdays import WorkdayCalendar
from storage.audit import AuditEntry
from storage.deadlines import Deadline
from storage.people import DINGTALK, Role

CALENDAR = WorkdayCalendar()


@pytest.fixture
def directory(db):
    seed_directory(db)
    return db


# --- rule-derived due times at calendar edges ------------------------------------------------


def test_agenda_materials_three_days_before_across_a_month_end():
    meeting = datetime(2026, 12, 2, 9, 0, tzinfo=TZ)
    assert agenda_deadline(meeting) == datetime(2026, 11, 29, 9, 0, tzinfo=TZ)


@pytest.mark.parametrize(
    ("published", "due"),
    [
        (date(2026, 1, 31), date(2026, 3, 2)),  # across February
        (date(2026, 12, 15), date(2027, 1, 14)),  # across the year end
        (date(2026, 11, 30), date(2026, 12, 30)),
    ],
)
def test_normative_document_filed_within_thirty_days(published, due):
    assert normative_document_deadline(published, TZ) == datetime.combine(due, datetime.min.time(), TZ).replace(hour=18)


def test_foreign_affairs_request_seven_working_days_before_across_national_day():
    # Event on Wed 2026-10-14: 10-13, 10-12, 10-10 (调休 Saturday), 10-09, 10-08, [国庆], 09-30, 09-29.
    assert foreign_affairs_deadline(date(2026, 10, 14), CALENDAR, TZ) == datetime(2026, 9, 29, 18, 0, tzinfo=TZ)


def test_foreign_affairs_request_over_an_ordinary_weekend():
    # Event on Mon 2026-12-14: seven working days back is Thu 2026-12-03.
    assert foreign_affairs_deadline(date(2026, 12, 14), CALENDAR, TZ) == datetime(2026, 12, 3, 18, 0, tzinfo=TZ)


def test_public_opinion_answered_within_24_hours_across_midnight():
    occurred = datetime(2026, 11, 30, 21, 30, tzinfo=TZ)
    assert public_opinion_deadline(occurred) == datetime(2026, 12, 1, 21, 30, tzinfo=TZ)


def test_leave_return_due_on_the_end_date():
    assert leave_return_deadline(date(2026, 12, 31), TZ) == datetime(2026, 12, 31, 18, 0, tzinfo=TZ)


# --- add_deadline / close_source_deadlines (the contract other features call) -----------------


def test_add_deadline_stores_it_with_audit_and_reminders_to_the_person(directory):
    head = member(directory, HEAD)
    with directory.transaction() as session:
        deadline = new_deadline(session, due_at=at(days=5), person_id=head.person_id)
        deadline_id = deadline.id
    with directory.transaction() as session:
        rows = reminders(session, deadline_id)
        audit = session.scalars(select(AuditEntry).where(AuditEntry.entity == "deadline")).all()
    assert [(lead, chat) for lead, chat, _, _ in rows] == [("3d", HEAD), ("1d", HEAD), ("09:00", HEAD), ("overdue:0", HEAD)]
    office = member(directory, OFFICE)
    assert [(a.action, a.entity_id, a.actor_person_id, a.actor_telegram_id) for a in audit] == [
        ("created", deadline_id, office.person_id, None)]  # the office member by person, not by Telegram id


def test_a_unit_without_a_person_is_reminded_through_its_head_and_subscribed_groups(directory):
    with directory.transaction() as session:
        subscribe(session=session, **telegram_chat(OFFICE_GROUP), kinds=["agenda"], actor=Actor.telegram(OFFICE), now=NOW,
                  tz=TZ)
        deadline = new_deadline(session, due_at=at(days=5), unit="区财政局", kind="agenda")
        chats = {chat for _, chat, _, _ in reminders(session, deadline.id)}
    assert chats == {HEAD, OFFICE_GROUP}  # the 部门正职, not the 科员


def test_leave_return_reminds_on_the_end_date_and_daily_after(directory):
    clerk = member(directory, CLERK)
    with directory.transaction() as session:
        due = leave_return_deadline(date(2026, 12, 3), TZ)
        deadline = new_deadline(session, due_at=due, person_id=clerk.person_id, kind="leave_return")
        rows = reminders(session, deadline.id)
    assert [(lead, when) for lead, _, when, _ in rows] == [
        ("09:00", datetime(2026, 12, 3, 9, 0, tzinfo=TZ)),
        ("overdue:0", datetime(2026, 12, 3, 18, 0, tzinfo=TZ)),
    ]


def test_a_leave_return_is_closed_by_back_not_by_done(directory):
    # 第八十二条: the filer is reminded until 销假; 完成 / /done must not silence that without /back.
    clerk = member(directory, CLERK)
    with directory.transaction() as session:
        deadline = new_deadline(session, due_at=leave_return_deadline(date(2026, 12, 3), TZ),
                                person_id=clerk.person_id, kind="leave_return")
        deadline_id = deadline.id
    with pytest.raises(DeadlineError, match="/back"):
        with directory.transaction() as session:
            complete_deadline(session=session, deadline_id=deadline_id, actor=Actor.telegram(CLERK),
                              is_admin=False, now=NOW)
    with directory.transaction() as session:
        assert session.get(Deadline, deadline_id).state == "open"


def test_add_deadline_refuses_an_unknown_kind_and_stores_nothing(directory):
    with pytest.raises(DeadlineError, match="未知的期限类型"):
        with directory.transaction() as session:
            new_deadline(session, due_at=at(days=5), kind="birthday")
    with directory.transaction() as session:
        assert session.scalars(select(Deadline)).all() == []


def test_closing_a_source_closes_its_deadlines_and_stops_their_reminders(directory):
    head = member(directory, HEAD)
    with directory.transaction() as session:
        kept = new_deadline(session, due_at=at(days=5), person_id=head.person_id, source_type="leave", source_id=8)
        closed = new_deadline(session, due_at=at(days=5), person_id=head.person_id, source_type="leave", source_id=7)
        kept_id, closed_id = kept.id, closed.id
    with directory.transaction() as session:
        assert close_source_deadlines(session=session, source_type="leave", source_id=7, state="done",
                                      actor=Actor.telegram(HEAD), now=NOW) == 1
    with directory.transaction() as session:
        assert close_source_deadlines(session=session, source_type="leave", source_id=7, state="done",
                                      actor=Actor.telegram(HEAD), now=NOW) == 0
        assert session.get(Deadline, closed_id).state == "done"
        assert {state for *_, state in reminders(session, closed_id)} == {"cancelled"}
        assert {state for *_, state in reminders(session, kept_id)} == {"pending"}


def test_close_source_deadlines_refuses_to_reopen(directory):
    with pytest.raises(ValueError):
        with directory.transaction() as session:
            close_source_deadlines(session=session, source_type="leave", source_id=1, state="open", actor=None, now=NOW)


# --- /done, 推迟, /deadlines: who may -----------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "admin", "allowed"),
    [(HEAD, False, True), (OFFICE, True, True), (CLERK, False, False), (OTHER_HEAD, False, False), (VICE, False, False)],
)
def test_who_may_close_a_unit_deadline(directory, who, admin, allowed):
    with directory.transaction() as session:
        deadline_id = new_deadline(session, due_at=at(days=5), unit="区财政局", actor=None).id
    with directory.transaction() as session:
        if allowed:
            complete_deadline(session=session, deadline_id=deadline_id, actor=Actor.telegram(who), is_admin=admin,
                              now=NOW)
        else:
            with pytest.raises(DeadlineError, match="只有责任人"):
                complete_deadline(session=session, deadline_id=deadline_id, actor=Actor.telegram(who),
                                  is_admin=admin, now=NOW)
    with directory.transaction() as session:
        assert session.get(Deadline, deadline_id).state == ("done" if allowed else "open")


def test_done_twice_says_so(directory):
    head = member(directory, HEAD)
    with directory.transaction() as session:
        deadline_id = new_deadline(session, due_at=at(days=5), person_id=head.person_id).id
        complete_deadline(session=session, deadline_id=deadline_id, actor=Actor.telegram(HEAD), is_admin=False, now=NOW)
    with pytest.raises(DeadlineError, match="已办结"):
        with directory.transaction() as session:
            complete_deadline(session=session, deadline_id=deadline_id, actor=Actor.telegram(HEAD), is_admin=False, now=NOW)


def test_done_on_an_unknown_id(directory):
    with pytest.raises(DeadlineError, match="没有编号为 404"):
        with directory.transaction() as session:
            complete_deadline(session=session, deadline_id=404, actor=Actor.telegram(HEAD), is_admin=False, now=NOW)


def test_snooze_holds_this_chats_alerts_until_the_next_working_morning(directory):
    head = member(directory, HEAD)
    friday_evening = datetime(2026, 11, 27, 20, 0, tzinfo=TZ)
    with directory.transaction() as session:
        deadline_id = new_deadline(session, due_at=datetime(2026, 11, 30, 9, 30, tzinfo=TZ), person_id=head.person_id,
                                   now=friday_evening).id
    with directory.transaction() as session:
        _, until = snooze_alerts(session=session, deadline_id=deadline_id, chats=[("telegram", str(HEAD))],
                                 actor=Actor.telegram(HEAD), is_admin=False, calendar=CALENDAR, tz=TZ, now=friday_evening)
        rows = reminders(session, deadline_id)
    assert until == datetime(2026, 11, 30, 9, 0, tzinfo=TZ)  # Monday, not Saturday
    assert [(lead, state) for lead, _, _, state in rows] == [
        ("3d", "skipped"),  # the catch-up for the 3-day alert, due at creation, held back
        ("1d", "skipped"),  # Sunday 09:30, held back
        ("09:00", "skipped"),  # Monday 09:00 — the snooze alert takes its place
        (f"snooze:{int(until.timestamp())}", "pending"),
        ("overdue:0", "pending"),
    ]


def test_snooze_needs_the_same_rights_as_done(directory):
    with directory.transaction() as session:
        deadline_id = new_deadline(session, due_at=at(days=5), unit="区财政局").id
    with pytest.raises(DeadlineError, match="推迟"):
        with directory.transaction() as session:
            snooze_alerts(session=session, deadline_id=deadline_id, chats=[("telegram", str(CLERK))],
                          actor=Actor.telegram(CLERK), is_admin=False, calendar=CALENDAR, tz=TZ, now=NOW)


def test_lists_mine_and_my_units_or_everything_for_the_office(directory):
    clerk = member(directory, CLERK)
    with directory.transaction() as session:
        mine = new_deadline(session, due_at=at(days=3), person_id=clerk.person_id).id
        units = new_deadline(session, due_at=at(days=2), unit="区财政局").id
        other = new_deadline(session, due_at=at(days=1), unit="区档案馆").id
        done = new_deadline(session, due_at=at(days=1), person_id=clerk.person_id).id
        complete_deadline(session=session, deadline_id=done, actor=Actor.telegram(CLERK), is_admin=False, now=NOW)
    with directory.transaction() as session:
        def listed(who: int, admin: bool) -> list[int]:
            return [v.id for v in open_deadlines_for(session=session, actor=Actor.telegram(who), is_admin=admin)]

        assert listed(CLERK, False) == [units, mine]
        assert listed(HEAD, False) == [units]
        assert listed(OFFICE, True) == [other, units, mine]


# --- staff registered only on DingTalk, strangers, and administrators outside the directory ------


LI = "li4521"  # 李科员, 区财政局, on DingTalk only


def _li(db) -> StaffMember:  # type: ignore[no-untyped-def]
    with db.transaction() as session:
        return add_member(session=session, actor=None, dingtalk_id=LI, name="李科员", unit="区财政局", role=Role.STAFF)


def test_a_dingtalk_only_clerk_sets_lists_and_closes_their_own_deadlines(directory):
    li, li_actor = _li(directory), Actor.on(DINGTALK, LI)
    planned = plan_custom(parse_line("2026-12-05 报送统计表", today=NOW.date()), now=NOW, tz=TZ)
    with directory.transaction() as session:
        own = record_deadline(session=session, actor=li_actor, is_admin=False, planned=planned, target=None, now=NOW,
                              policy=POLICY)
        for_unit = record_deadline(session=session, actor=li_actor, is_admin=False, planned=planned, target="区财政局",
                                   now=NOW, policy=POLICY)
        listed = [v.id for v in open_deadlines_for(session=session, actor=li_actor, is_admin=False)]
    assert own.responsible == "李科员" and sorted(listed) == sorted([own.deadline_id, for_unit.deadline_id])
    with directory.transaction() as session:
        complete_deadline(session=session, deadline_id=own.deadline_id, actor=li_actor, is_admin=False, now=NOW)
        # Created by them for the unit: theirs to close as its creator (周科员 of the same unit may not).
        with pytest.raises(DeadlineError, match="只有责任人"):
            complete_deadline(session=session, deadline_id=for_unit.deadline_id, actor=Actor.telegram(CLERK),
                              is_admin=False, now=NOW)
        complete_deadline(session=session, deadline_id=for_unit.deadline_id, actor=li_actor, is_admin=False, now=NOW)
    with directory.transaction() as session:
        closed = session.get(Deadline, own.deadline_id)
        assert (closed.state, closed.created_by_person_id, closed.closed_by_person_id) == ("done", li.person_id, li.person_id)
        assert closed.created_by_telegram_id is None and closed.closed_by_telegram_id is None
        rows = session.scalars(select(AuditEntry).where(AuditEntry.entity_id == own.deadline_id,
                                                        AuditEntry.entity == "deadline")).all()
    assert [(r.action, r.actor_person_id, r.actor_telegram_id) for r in rows] == [
        ("created", li.person_id, None), ("done", li.person_id, None)]


def test_a_dingtalk_only_clerk_cannot_close_someone_elses_deadline(directory):
    _li(directory)
    clerk = member(directory, CLERK)
    with directory.transaction() as session:  # 周科员's, recorded from the command line (nobody created it)
        deadline_id = new_deadline(session, due_at=at(days=5), person_id=clerk.person_id, actor=None).id
    with pytest.raises(DeadlineError, match="只有责任人"):
        with directory.transaction() as session:
            complete_deadline(session=session, deadline_id=deadline_id, actor=Actor.on(DINGTALK, LI), is_admin=False,
                              now=NOW)
    with directory.transaction() as session:
        assert session.get(Deadline, deadline_id).state == "open"
        assert open_deadlines_for(session=session, actor=Actor.on(DINGTALK, LI), is_admin=False) == []


def test_an_unregistered_dingtalk_account_sets_closes_and_sees_nothing(directory):
    stranger = Actor.on(DINGTALK, "nobody01")
    planned = plan_custom(parse_line("2026-12-05 报送", today=NOW.date()), now=NOW, tz=TZ)
    with directory.transaction() as session:
        deadline_id = new_deadline(session, due_at=at(days=5), unit="区财政局", actor=None).id
    with pytest.raises(DeadlineError, match="尚未登记"):
        with directory.transaction() as session:
            record_deadline(session=session, actor=stranger, is_admin=False, planned=planned, target=None, now=NOW)
    with pytest.raises(DeadlineError, match="只有责任人"):
        with directory.transaction() as session:
            complete_deadline(session=session, deadline_id=deadline_id, actor=stranger, is_admin=False, now=NOW)
    with directory.transaction() as session:
        assert open_deadlines_for(session=session, actor=stranger, is_admin=False) == []
        assert session.scalars(select(Deadline.id)).all() == [deadline_id]


def test_an_administrator_outside_the_directory_is_recorded_by_telegram_id(directory):
    outsider = 9001  # in ADMIN_TELEGRAM_IDS, not in the directory
    with directory.transaction() as session:
        deadline_id = new_deadline(session, due_at=at(days=5), unit="区财政局", actor=Actor.telegram(outsider)).id
        complete_deadline(session=session, deadline_id=deadline_id, actor=Actor.telegram(outsider), is_admin=True,
                          now=NOW)
    with directory.transaction() as session:
        closed = session.get(Deadline, deadline_id)
        rows = session.scalars(select(AuditEntry).where(AuditEntry.entity == "deadline")).all()
    assert (closed.created_by_person_id, closed.created_by_telegram_id) == (None, outsider)
    assert (closed.closed_by_person_id, closed.closed_by_telegram_id) == (None, outsider)
    assert [(r.action, r.actor_person_id, r.actor_telegram_id) for r in rows] == [
        ("created", None, outsider), ("done", None, outsider)]


# --- the commands' lines ---------------------------------------------------------------------


def test_a_custom_line_with_time_title_and_target():
    line = parse_line("2026-12-05 17:00 提交 整改报告 @区财政局", today=NOW.date())
    planned = plan_custom(line, now=NOW, tz=TZ)
    assert planned.due_at == datetime(2026, 12, 5, 17, 0, tzinfo=TZ)
    assert (planned.title, line.target) == ("提交 整改报告", "区财政局")


def test_a_custom_line_without_time_is_due_at_the_end_of_office_hours():
    planned = plan_custom(parse_line("明天 报送材料", today=NOW.date()), now=NOW, tz=TZ)
    assert planned.due_at == datetime(2026, 11, 27, 18, 0, tzinfo=TZ)


@pytest.mark.parametrize(("text", "message"), [
    ("提交整改报告", "日期"),
    ("2026-12-05", "事项"),
    ("2026-12-05 25:00 提交", "时间不存在"),
])
def test_bad_custom_lines_are_explained(text, message):
    with pytest.raises(LineError, match=message):
        parse_line(text, today=NOW.date())


def test_a_custom_deadline_in_the_past_is_refused():
    with pytest.raises(DeadlineError, match="已过"):
        plan_custom(parse_line("2026-11-26 09:00 补交", today=NOW.date()), now=NOW, tz=TZ)


def test_document_foreign_and_incident_lines():
    today = NOW.date()
    assert plan_document(parse_line("2026-11-20 关于物业管理的通知", today=today), now=NOW, tz=TZ).due_at == datetime(
        2026, 12, 20, 18, 0, tzinfo=TZ)
    foreign = plan_foreign(parse_line("2026-12-14 赴日本交流", today=today), now=NOW, tz=TZ, calendar=CALENDAR)
    assert foreign.due_at == datetime(2026, 12, 3, 18, 0, tzinfo=TZ) and not foreign.estimated_calendar
    incident = plan_incident(parse_line("网传学校食堂问题", today=today, date_required=False), now=NOW, tz=TZ)
    assert incident.due_at == NOW + timedelta(hours=24) and incident.title == "舆情回应:网传学校食堂问题"


def test_a_foreign_event_in_a_year_without_an_official_schedule_is_flagged():
    planned = plan_foreign(parse_line("2027-10-14 出访", today=NOW.date()), now=NOW, tz=TZ, calendar=CALENDAR)
    assert planned.estimated_calendar


@pytest.mark.parametrize(("plan", "text"), [
    (plan_document, "2026-12-01 尚未发布的文件"),
    (plan_foreign, "2026-11-26 今天的活动"),
])
def test_impossible_event_dates_are_refused(plan, text):
    extra = {"calendar": CALENDAR} if plan is plan_foreign else {}
    with pytest.raises(DeadlineError):
        plan(parse_line(text, today=NOW.date()), now=NOW, tz=TZ, **extra)


def test_staff_may_set_deadlines_for_themselves_but_not_for_another_unit(directory, monkeypatch):
    monkeypatch.setattr("office.deadlines.alert_policy", lambda: POLICY)
    planned = plan_custom(parse_line("2026-12-05 报送", today=NOW.date()), now=NOW, tz=TZ)
    clerk, office = Actor.telegram(CLERK), Actor.telegram(OFFICE)
    with directory.transaction() as session:
        mine = record_deadline(session=session, actor=clerk, is_admin=False, planned=planned, target=None, now=NOW)
    assert mine.responsible == "周科员"
    with pytest.raises(DeadlineError, match="只能为本人或本单位"):
        with directory.transaction() as session:
            record_deadline(session=session, actor=clerk, is_admin=False, planned=planned, target="区档案馆", now=NOW)
    with directory.transaction() as session:
        assigned = record_deadline(session=session, actor=office, is_admin=True, planned=planned, target="吴主任", now=NOW)
    assert assigned.responsible.startswith("吴主任")


def test_an_unknown_target_is_refused(directory):
    planned = plan_custom(parse_line("2026-12-05 报送", today=NOW.date()), now=NOW, tz=TZ)
    with pytest.raises(DeadlineError, match="没有名为「区教委」"):
        with directory.transaction() as session:
            record_deadline(session=session, actor=Actor.telegram(OFFICE), is_admin=True, planned=planned, target="区教委",
                            now=NOW)
