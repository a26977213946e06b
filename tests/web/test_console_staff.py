"""人员 on the web: the office keeps the directory through office/directory.py's rules; nobody else can."""

from __future__ import annotations

from leave_seed import CLERK, HEAD, OFFICE, VICE, leave_request
from sqlalchemy import select

from office.directory import add_member, find_member
from office.leave import file_leave
from office.leave_views import pending_for
from storage.audit import AuditEntry
from storage.people import Role, person_by_telegram_id


def member(services, telegram_id: int):  # type: ignore[no-untyped-def]
    with services.db.transaction() as session:
        return find_member(session=session, telegram_id=telegram_id)


def row(services, telegram_id: int) -> str:  # type: ignore[no-untyped-def]
    """The staff page's URL of a person's row (rows are keyed by person, not by an account)."""
    return f"/staff/{member(services, telegram_id).person_id}"


def test_the_office_adds_and_changes_a_person(client, sign_in, services):
    csrf = sign_in(OFFICE)
    assert "孙局长" in client.get("/staff").text
    added = client.post("/staff", data={"csrf": csrf, "telegram_id": "3001", "name": "郑科员", "unit": "区审计局",
                                        "role": "工作人员", "oversees": ""})
    assert added.status_code == 200 and "已登记" in added.text
    changed = client.post(f"{row(services, 3001)}/change", data={"csrf": csrf, "role": "部门正职", "unit": "", "oversees": ""})
    assert changed.status_code == 200 and "已修改" in changed.text
    assert member(services, 3001).role is Role.UNIT_HEAD and member(services, 3001).unit == "区审计局"


def test_nobody_changes_their_own_entry_and_bad_input_is_explained(client, sign_in, services):
    csrf = sign_in(OFFICE)
    own = client.post(f"{row(services, OFFICE)}/change", data={"csrf": csrf, "role": "区长", "unit": "", "oversees": ""})
    assert own.status_code == 400 and "不能修改自己" in own.text
    assert member(services, OFFICE).role is Role.OFFICE
    for typed in ("abc", "²", "-5"):
        bad = client.post("/staff", data={"csrf": csrf, "telegram_id": typed, "name": "x", "unit": "y",
                                          "role": "工作人员"})
        assert bad.status_code == 400 and "Telegram ID 是数字" in bad.text
    misplaced = client.post("/staff", data={"csrf": csrf, "telegram_id": "钉钉:abc", "name": "x", "unit": "y",
                                            "role": "工作人员"})
    assert misplaced.status_code == 400 and "请填在钉钉 ID 一栏" in misplaced.text


def test_a_unit_head_cannot_open_or_use_the_directory(client, sign_in, services):
    csrf = sign_in(HEAD)
    assert client.get("/staff").status_code == 403
    assert client.post(f"{row(services, CLERK)}/remove", data={"csrf": csrf}).status_code == 403
    assert member(services, CLERK) is not None


def test_the_office_hands_a_vice_mayors_open_approvals_to_a_successor(client, sign_in, services):
    with services.db.transaction() as session:
        file_leave(session=session, request=leave_request(session, HEAD), now=services.now())
    csrf = sign_in(OFFICE)
    client.post("/staff", data={"csrf": csrf, "telegram_id": "3002", "name": "陈副区长", "unit": "区政府",
                                "role": "副区长", "oversees": ""})
    response = client.post(f"{row(services, VICE)}/hand-over", data={"csrf": csrf, "successor": "3002"})
    assert response.status_code == 200 and "已将 1 件待办转交给陈副区长" in response.text
    assert "接替人陈副区长" in response.text  # reported as not told: no bot token here
    with services.db.transaction() as session:
        assert [p.leave.filer.name for p in pending_for(session=session, member=member(services, 3002))] == ["孙局长"]


def test_an_office_member_on_dingtalk_only_keeps_the_directory_audited_by_person(client, sign_in, services):
    with services.db.transaction() as session:
        office = add_member(session=session, actor=None, dingtalk_id="office09", name="韩干事", unit="区政府办公室",
                            role=Role.OFFICE)
    csrf = sign_in("office09")
    added = client.post("/staff", data={"csrf": csrf, "telegram_id": "3001", "name": "郑科员", "unit": "区审计局",
                                        "role": "工作人员", "oversees": ""})
    assert added.status_code == 200 and "已登记" in added.text
    changed = client.post(f"{row(services, 3001)}/change", data={"csrf": csrf, "role": "部门正职", "unit": "", "oversees": ""})
    assert changed.status_code == 200 and "已修改" in changed.text
    removed = client.post(f"{row(services, 3001)}/remove", data={"csrf": csrf})
    assert removed.status_code == 200 and "已移除" in removed.text
    assert member(services, 3001) is None
    with services.db.transaction() as session:
        person = person_by_telegram_id(session, 3001, active_only=False)
        rows = session.scalars(select(AuditEntry).where(AuditEntry.entity == "person", AuditEntry.entity_id == person.id)
                               .order_by(AuditEntry.id)).all()
    assert [(r.action, r.actor_person_id, r.actor_telegram_id) for r in rows] == [
        ("created", office.person_id, None), ("role_changed", office.person_id, None), ("removed", office.person_id, None)]


def test_the_office_registers_changes_and_removes_someone_on_dingtalk_alone(client, sign_in, services):
    csrf = sign_in(OFFICE)
    nothing = client.post("/staff", data={"csrf": csrf, "telegram_id": "", "dingtalk_id": "", "name": "x", "unit": "y",
                                          "role": "工作人员"})
    assert nothing.status_code == 400 and "至少一个" in nothing.text
    added = client.post("/staff", data={"csrf": csrf, "telegram_id": "", "dingtalk_id": "钉钉:clerk77", "name": "冯科员",
                                        "unit": "区审计局", "role": "工作人员", "oversees": ""})
    assert added.status_code == 200 and "已登记" in added.text
    with services.db.transaction() as session:
        newcomer = find_member(session=session, channel="dingtalk", account="clerk77")
    assert newcomer is not None and newcomer.telegram_id is None
    page = client.get("/staff").text
    assert "钉钉:clerk77" in page and f'action="/staff/{newcomer.person_id}/change"' in page

    changed = client.post(f"/staff/{newcomer.person_id}/change", data={"csrf": csrf, "role": "部门正职", "unit": "",
                                                                       "oversees": ""})
    assert changed.status_code == 200 and "已修改" in changed.text
    removed = client.post(f"/staff/{newcomer.person_id}/remove", data={"csrf": csrf})
    assert removed.status_code == 200 and "已移除" in removed.text
    again = client.post(f"/staff/{newcomer.person_id}/remove", data={"csrf": csrf})
    assert again.status_code == 400 and "不在名录中" in again.text
    with services.db.transaction() as session:
        assert find_member(session=session, channel="dingtalk", account="clerk77") is None
