"""期限 on the web: who sees which deadline, and 完成 allowed only to those the rule allows."""

from __future__ import annotations

from datetime import timedelta

from leave_seed import CLERK, HEAD, LONELY_HEAD, OFFICE, VICE

from office.actors import Actor
from office.deadlines import add_deadline
from office.directory import add_member
from storage.audit import history
from storage.deadlines import Deadline
from storage.people import DINGTALK, Role


def add_unit_deadline(services, unit: str = "区财政局", days: int = 2) -> int:  # type: ignore[no-untyped-def]
    with services.db.transaction() as session:
        deadline = add_deadline(session=session, title=f"{unit}提交整改报告", due_at=services.now() + timedelta(days=days),
                                kind="custom", rule_article=None, source_type=None, source_id=None,
                                responsible_person_id=None, responsible_unit=unit, actor=None,
                                now=services.now())
        return deadline.id


def state_of(services, deadline_id: int) -> str:  # type: ignore[no-untyped-def]
    with services.db.transaction() as session:
        return session.get(Deadline, deadline_id).state


def test_the_unit_its_overseer_and_the_office_see_a_unit_deadline_others_do_not(client, sign_in, services):
    add_unit_deadline(services)
    for person, sees in ((OFFICE, True), (VICE, True), (HEAD, True), (LONELY_HEAD, False), (CLERK, False)):
        client.cookies.clear()
        sign_in(person)
        assert ("区财政局提交整改报告" in client.get("/deadlines").text) is sees, person


def test_the_unit_head_completes_it_and_the_audit_row_is_written(client, sign_in, services):
    deadline_id = add_unit_deadline(services)
    csrf = sign_in(HEAD)
    page = client.get("/deadlines").text
    assert "完成" in page and "待发送" in page  # the reminders waiting to go out
    response = client.post(f"/deadlines/{deadline_id}/done", data={"csrf": csrf})
    assert response.status_code == 200 and "已办结" in response.text
    assert state_of(services, deadline_id) == "done"
    with services.db.transaction() as session:
        assert "done" in [e.action for e in history(session, entity="deadline", entity_id=deadline_id)]


def test_someone_the_rule_does_not_allow_cannot_complete_it(client, sign_in, services):
    deadline_id = add_unit_deadline(services)
    csrf = sign_in(VICE)  # sees it (overseen unit) but is not its responsible, creator, unit head or office
    assert "完成</button>" not in client.get("/deadlines").text
    response = client.post(f"/deadlines/{deadline_id}/done", data={"csrf": csrf})
    assert response.status_code == 400 and "只有责任人" in response.text
    assert state_of(services, deadline_id) == "open"


def test_an_overdue_deadline_is_marked_on_today(client, sign_in, services):
    add_unit_deadline(services, days=-1)
    sign_in(OFFICE)
    page = client.get("/").text
    assert "已逾期的期限(1)" in page and "区财政局提交整改报告" in page


def test_a_failed_reminder_shows_on_today_for_those_who_see_its_deadline(client, sign_in, services):
    deadline_id = add_unit_deadline(services)
    with services.db.transaction() as session:
        reminder = session.get(Deadline, deadline_id).reminders[0]
        reminder.state, reminder.last_error = "failed", "Forbidden: bot was blocked by the user"
    for person, sees in ((OFFICE, True), (HEAD, True), (CLERK, False)):
        client.cookies.clear()
        sign_in(person)
        page = client.get("/").text
        assert ("bot was blocked by the user" in page) is sees, person


def test_a_clerk_on_dingtalk_only_sees_and_completes_their_own_deadlines_and_no_others(client, sign_in, services):
    with services.db.transaction() as session:
        li = add_member(session=session, actor=None, dingtalk_id="li4521", name="李科员", unit="区财政局", role=Role.STAFF)
        own = add_deadline(session=session, title="李科员报送统计表", due_at=services.now() + timedelta(days=2),
                           kind="custom", rule_article=None, source_type=None, source_id=None,
                           responsible_person_id=li.person_id, responsible_unit=None, actor=None, now=services.now())
        created = add_deadline(session=session, title="区档案馆补交材料", due_at=services.now() + timedelta(days=3),
                               kind="custom", rule_article=None, source_type=None, source_id=None,
                               responsible_person_id=None, responsible_unit="区档案馆",
                               actor=Actor.on(DINGTALK, "li4521"), now=services.now())
        own_id, created_id = own.id, created.id
    others = add_unit_deadline(services)  # the unit's, recorded by nobody: not theirs
    csrf = sign_in("li4521")
    page = client.get("/deadlines").text
    assert "李科员报送统计表" in page and "区档案馆补交材料" in page  # responsible for one, created the other
    assert "区财政局提交整改报告" not in page
    refused = client.post(f"/deadlines/{others}/done", data={"csrf": csrf})
    assert refused.status_code == 400 and "只有责任人" in refused.text
    for deadline_id in (own_id, created_id):
        done = client.post(f"/deadlines/{deadline_id}/done", data={"csrf": csrf})
        assert done.status_code == 200 and "已办结" in done.text
    with services.db.transaction() as session:
        closed = session.get(Deadline, own_id)
        assert (closed.state, closed.closed_by_person_id, closed.closed_by_telegram_id) == ("done", li.person_id, None)
        assert session.get(Deadline, others).state == "open"
