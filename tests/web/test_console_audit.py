"""审计 on the web: rows name the person who acted, whichever messenger (or the web) they acted from;
an ADMIN_TELEGRAM_IDS administrator outside the directory by Telegram id. Signing in and out is audited
by person too."""

from __future__ import annotations

from leave_seed import OFFICE
from sqlalchemy import select

from office.actors import Actor
from office.console_views import audit_entries
from office.directory import add_member, remove_member
from storage.audit import AuditEntry
from storage.people import DINGTALK, Role

OUTSIDER = 9001  # an ADMIN_TELEGRAM_IDS administrator who is not in the directory


def _staff_changes(services) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    """韩干事 (DingTalk only) registers 郑科员, the outsider removes him: (韩干事's person id, 郑科员's, 冯科员's)."""
    with services.db.transaction() as session:
        han = add_member(session=session, actor=None, dingtalk_id="office09", name="韩干事", unit="区政府办公室",
                         role=Role.OFFICE)
        zheng = add_member(session=session, actor=Actor.on(DINGTALK, "office09"), telegram_id=3001, name="郑科员",
                           unit="区审计局", role=Role.STAFF)
        feng = add_member(session=session, actor=Actor.telegram(OFFICE), telegram_id=3002, name="冯科员",
                          unit="区审计局", role=Role.STAFF)
        remove_member(session=session, actor=Actor.telegram(OUTSIDER), telegram_id=3001)
    return han.person_id, zheng.person_id, feng.person_id


def test_audit_rows_name_the_person_or_the_outsiders_telegram_id(services):
    _, zheng, feng = _staff_changes(services)
    with services.db.transaction() as session:
        rows = [(r.actor, r.action, r.entity_id) for r in audit_entries(session=session, entity="person")]
    assert rows[:3] == [("Telegram 9001", "removed", zheng), ("钱主任(区政府办公室)", "created", feng),
                        ("韩干事(区政府办公室)", "created", zheng)]
    assert rows[3][0] == "命令行或系统"  # 韩干事 registered from the command line


def test_the_audit_filter_finds_a_persons_rows_by_any_of_their_accounts(services):
    han, zheng, feng = _staff_changes(services)
    with services.db.transaction() as session:
        def done_by(actor: Actor) -> list[tuple[str, int]]:
            return [(r.action, r.entity_id) for r in audit_entries(session=session, actor=actor)]

        assert done_by(Actor.on(DINGTALK, "office09")) == [("created", zheng)]
        assert done_by(Actor.of(person_id=han)) == [("created", zheng)]
        assert done_by(Actor.telegram(OFFICE)) == [("created", feng)]
        assert done_by(Actor.telegram(OUTSIDER)) == [("removed", zheng)]
        assert done_by(Actor.on(DINGTALK, "nobody09")) == []  # not every row nobody is named on


def test_an_administrator_registered_later_is_found_with_what_they_did_before(services):
    _, zheng, _ = _staff_changes(services)
    with services.db.transaction() as session:
        later = add_member(session=session, actor=Actor.telegram(OFFICE), telegram_id=OUTSIDER, name="陈主任",
                           unit="区政府办公室", role=Role.OFFICE)
        remove_member(session=session, actor=Actor.telegram(OUTSIDER), telegram_id=3002)
        done = [(r.actor, r.action) for r in audit_entries(session=session, actor=Actor.of(person_id=later.person_id))]
    assert done == [("陈主任(区政府办公室)", "removed"), ("Telegram 9001", "removed")]


def test_the_audit_page_filters_by_a_typed_id(client, sign_in, services):
    _, zheng, _ = _staff_changes(services)
    sign_in(OFFICE)
    by_han = client.get("/audit", params={"entity": "person", "actor": "钉钉:office09"})
    assert by_han.status_code == 200 and f"person #{zheng}" in by_han.text and "removed" not in by_han.text
    by_outsider = client.get("/audit", params={"actor": str(OUTSIDER)}).text
    assert "removed" in by_outsider and "created" not in by_outsider
    assert "没有记录" in client.get("/audit", params={"actor": "张三"}).text


def test_signing_in_and_out_on_the_web_is_audited_by_person(client, sign_in, services):
    with services.db.transaction() as session:
        han = add_member(session=session, actor=None, dingtalk_id="office09", name="韩干事", unit="区政府办公室",
                         role=Role.OFFICE)
    csrf = sign_in("office09")
    assert client.post("/signout", data={"csrf": csrf}).status_code == 200
    with services.db.transaction() as session:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.entity == "web_session").order_by(AuditEntry.id))
        assert [(r.action, r.actor_person_id, r.actor_telegram_id) for r in rows] == [
            ("signed_in", han.person_id, None), ("signed_out", han.person_id, None)]
