"""The web console refuses what it must: no session, bad links, forged cookies, missing CSRF
tokens, non-office people on office pages, decisions that are not the viewer's. Nothing changes."""

from __future__ import annotations

from datetime import time, timedelta

from console_helpers import LATER, make_link
from leave_seed import CLERK, EXEC_VICE, HEAD, MAYOR, OFFICE, STRANGER, VICE, leave_request, leave_audit
import pytest
from sqlalchemy import func, select

from office.leave import file_leave
from office.web_signin import SigninError, create_link
from storage.agenda import Meeting
from storage.leaves import LeaveReport
from storage.people import TELEGRAM

PAGES = ["/", "/approvals", "/away", "/meetings", "/deadlines", "/audit", "/away.csv"]


def meeting_count(services) -> int:  # type: ignore[no-untyped-def]
    with services.db.transaction() as session:
        return session.scalar(select(func.count()).select_from(Meeting))


def file_head_leave(services):  # type: ignore[no-untyped-def]
    """孙局长 (区财政局) files a trip: 区长 and his 分管副区长 赵副区长 decide it.
    Returns the report id and the approval ids by approver (区长, 赵副区长)."""
    with services.db.transaction() as session:
        leave = file_leave(session=session, request=leave_request(session, HEAD), now=services.now())
    by_approver = {a.approver.telegram_id: a.id for a in leave.approvals}
    return leave.id, by_approver


def test_healthz_answers_without_a_session(client):
    assert client.get("/healthz").status_code == 200


def test_without_a_session_every_page_redirects_to_the_welcome_page_which_shows_no_data(client, services):
    file_head_leave(services)
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 303 and response.headers["location"] == "/welcome", path
    welcome = client.get("/welcome")
    assert "officebot web link" in welcome.text and "孙局长" not in welcome.text


def test_a_link_signs_in_once_only(client, services):
    token = make_link(services, OFFICE)
    assert "登录" in client.get(f"/signin?token={token}").text  # GET uses nothing up (link previews)
    first = client.post("/signin", data={"token": token})
    assert first.status_code == 303 and "钱主任" in client.get("/").text
    client.cookies.clear()
    again = client.post("/signin", data={"token": token})
    assert again.status_code == 400 and "已使用过" in again.text
    assert client.get("/").status_code == 303


def test_an_expired_link_is_refused(client, services):
    token = make_link(services, OFFICE)
    services.clock.moment += LATER
    response = client.post("/signin", data={"token": token})
    assert response.status_code == 400 and "已过期" in response.text
    assert client.get("/").status_code == 303


def test_an_unknown_link_is_refused_and_nobody_outside_the_directory_gets_one(client, services):
    assert client.post("/signin", data={"token": "made-up"}).status_code == 400
    assert client.get("/").status_code == 303
    with pytest.raises(SigninError, match="名录中没有"), services.db.transaction() as session:
        create_link(session=session, channel=TELEGRAM, account=str(STRANGER), actor=None, now=services.now())


def test_a_forged_or_altered_cookie_is_no_session(client, sign_in):
    from itsdangerous import URLSafeSerializer

    sign_in(OFFICE)
    real = client.cookies.get("officebot_session")
    token = URLSafeSerializer("test-key", salt="officebot-web-session").loads(real)
    other_key = URLSafeSerializer("another-key", salt="officebot-web-session").dumps(token)
    client.cookies.clear()
    for forged in (real[:-2] + ("AA" if not real.endswith("AA") else "BB"), other_key, '"made-up.token"', "x"):
        client.cookies.set("officebot_session", forged)
        assert client.get("/").status_code == 303, forged


def test_sign_out_ends_the_session_even_for_a_kept_copy_of_the_cookie(client, sign_in):
    csrf = sign_in(OFFICE)
    kept = client.cookies.get("officebot_session")
    assert client.post("/signout", data={"csrf": csrf}).status_code == 200
    client.cookies.set("officebot_session", kept)
    assert client.get("/").status_code == 303


def test_an_expired_session_ends(client, services, sign_in):
    sign_in(OFFICE)
    services.clock.moment += timedelta(hours=13)
    assert client.get("/").status_code == 303


def test_a_post_without_or_with_a_wrong_csrf_token_is_refused_and_changes_nothing(client, services, sign_in):
    sign_in(OFFICE)
    form = {"date": "2026-12-09", "time": "09:00", "kind": "常务会议", "place": "第一会议室", "weeks": "1"}
    for csrf in ({}, {"csrf": "wrong"}):
        response = client.post("/meetings", data=form | csrf)
        assert response.status_code == 403 and "未做任何更改" in response.text
    assert meeting_count(services) == 0


def test_office_pages_answer_403_to_others_and_their_actions_change_nothing(client, services, sign_in):
    csrf = sign_in(CLERK)
    for path in ("/audit", "/away.csv"):
        assert client.get(path).status_code == 403, path
    form = {"csrf": csrf, "date": "2026-12-09", "time": "09:00", "kind": "常务会议", "weeks": "1"}
    assert client.post("/meetings", data=form).status_code == 403
    assert meeting_count(services) == 0
    assert "登记会议" not in client.get("/meetings").text


def test_a_vice_mayor_cannot_decide_a_report_that_is_not_his(client, services, sign_in):
    report_id, approvals = file_head_leave(services)
    csrf = sign_in(EXEC_VICE)  # 李常务 oversees 区政府办公室, not 区财政局: the report is not his
    assert "孙局长" not in client.get("/approvals").text
    response = client.post(f"/approvals/{approvals[VICE]}", data={"csrf": csrf, "decision": "approve"})
    assert response.status_code == 400 and "无权审批" in response.text
    with services.db.transaction() as session:
        assert session.get(LeaveReport, report_id).state == "待审批"
    assert leave_audit(services.db, report_id) == ["filed"]


def test_the_approver_decides_on_the_web_with_the_audit_row_and_is_told_who_was_not_reached(client, services, sign_in):
    report_id, approvals = file_head_leave(services)
    csrf = sign_in(VICE)
    assert "孙局长" in client.get("/approvals").text and "孙局长" in client.get("/").text
    response = client.post(f"/approvals/{approvals[VICE]}", data={"csrf": csrf, "decision": "approve", "note": "同意前往"})
    assert response.status_code == 200 and "已同意" in response.text
    # No bot token in this test: the page says the filer could not be told, rather than staying silent.
    assert "未能通知" in response.text and "申请人孙局长" in response.text
    assert "孙局长" not in client.get("/approvals").text
    with services.db.transaction() as session:
        assert session.get(LeaveReport, report_id).state == "待审批"  # 区长 has not decided yet
    assert leave_audit(services.db, report_id) == ["filed", "approved"]


def test_who_sees_whose_leave_on_the_calendar(client, services, sign_in):
    report_id, approvals = file_head_leave(services)
    for approver in (VICE, MAYOR):
        client.cookies.clear()
        csrf = sign_in(approver)
        assert client.post(f"/approvals/{approvals[approver]}", data={"csrf": csrf, "decision": "approve"}).status_code == 200
    with services.db.transaction() as session:
        assert session.get(LeaveReport, report_id).state == "已批准"
    client.cookies.clear()
    sign_in(VICE)
    month = (services.now().date() + timedelta(days=5)).isoformat()
    calendar = client.get(f"/away?date={month}").text
    assert "区财政局:孙局长" in calendar  # 赵副区长 oversees 区财政局
    assert '<text x="0" y="16" font-size="14">区财政局</text>' in calendar and ">3</text>" in calendar  # 3 days away
    client.cookies.clear()
    sign_in(CLERK)  # a 工作人员 sees only their own filings
    assert "孙局长" not in client.get(f"/away?date={month}").text
    client.cookies.clear()
    sign_in(HEAD)
    assert "区财政局:孙局长" in client.get(f"/away?date={month}").text


def test_the_office_registers_a_meeting_and_exports_its_agenda(client, services, sign_in):
    csrf = sign_in(OFFICE)
    day = (services.now().date() + timedelta(days=10)).isoformat()
    form = {"csrf": csrf, "date": day, "time": "09:00", "kind": "常务会议", "place": "第一会议室", "weeks": "1"}
    response = client.post("/meetings", data=form)
    assert response.status_code == 200 and "已登记" in response.text
    assert meeting_count(services) == 1
    with services.db.transaction() as session:
        meeting = session.scalars(select(Meeting)).one()
        assert meeting.starts_at.astimezone(services.settings.tz).time() == time(9, 0)
    page = client.get(f"/meetings/{meeting.id}")
    assert "议题材料报送截止" in page.text and "尚无议题" in page.text
    export = client.get(f"/meetings/{meeting.id}/export?format=md")
    assert export.status_code == 200 and export.content.decode().startswith("# 议程:")
    assert client.post("/meetings", data=form).status_code == 400  # the same meeting twice is refused
    assert meeting_count(services) == 1


def test_a_bad_date_gets_a_clear_message(client, sign_in):
    sign_in(OFFICE)
    response = client.get("/away?date=明年")
    assert response.status_code == 400 and "请写成" in response.text



def test_the_office_reviews_answers_rated_down_and_others_cannot(client, services, sign_in):
    from office.answer_feedback import rate_answer, record_answer

    with services.db.transaction() as session:  # one asked on DingTalk, one on Telegram
        for channel, account, question, rating in (("dingtalk", "clerk2001", "常务会议材料提前几天报送?", "down"),
                                                    ("telegram", str(CLERK), "区长外出谁主持工作?", "up")):
            answer_id = record_answer(session=session, channel=channel, account=account, chat_id=account,
                                      question=question, answered=True, citations=["第四十八条"], now=services.now())
            rate_answer(session=session, answer_id=answer_id, channel=channel, account=account, rating=rating,
                        now=services.now())
    sign_in(CLERK)
    assert client.get("/feedback").status_code == 403
    client.cookies.clear()
    sign_in(OFFICE)
    page = client.get("/feedback").text
    assert "常务会议材料提前几天报送" in page and "第四十八条" in page and "区长外出谁主持工作" not in page
    export = client.get("/feedback.csv").content.decode("utf-8-sig")
    assert "常务会议材料提前几天报送" in export and "区长外出谁主持工作" in export


def test_the_office_moves_a_meeting_and_a_unit_head_cannot(client, services, sign_in):
    csrf = sign_in(OFFICE)
    day = services.now().date() + timedelta(days=10)
    client.post("/meetings", data={"csrf": csrf, "date": day.isoformat(), "time": "09:00", "kind": "常务会议", "weeks": "1"})
    with services.db.transaction() as session:
        meeting_id = session.scalars(select(Meeting)).one().id
    later = (day + timedelta(days=2)).isoformat()
    moved = client.post(f"/meetings/{meeting_id}/move", data={"csrf": csrf, "date": later, "time": "15:00"})
    assert moved.status_code == 200 and "已改期" in moved.text
    client.cookies.clear()
    head_csrf = sign_in(HEAD)
    refused = client.post(f"/meetings/{meeting_id}/move", data={"csrf": head_csrf, "date": day.isoformat(), "time": "09:00"})
    assert refused.status_code == 403
    with services.db.transaction() as session:
        starts = session.get(Meeting, meeting_id).starts_at.astimezone(services.settings.tz)
    assert (starts.date().isoformat(), starts.time()) == (later, time(15, 0))
