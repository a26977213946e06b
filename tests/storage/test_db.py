"""The storage core: migrations, transactions, UTC timestamps, the audit log."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text

from office.answer_feedback import Rating, rate_answer
from storage import audit
from storage.db import Database
from storage.feedback import rated_answers
from storage.migrate import current_revision, upgrade
from storage.people import TELEGRAM, Oversight, Person, Role, overseers_of, person_by_account

HEAD = "0015_actors_by_person"  # the newest migration (0009_qa_context is re-chained onto 0010_web_links)


def test_upgrade_is_idempotent_and_ends_on_one_head(db):
    before = current_revision(db.engine)
    upgrade(db.engine)
    assert current_revision(db.engine) == before == HEAD


def test_a_database_on_the_old_branch_heads_upgrades_to_the_merged_head(database_url):
    database = Database(database_url)
    upgrade(database.engine, "0002_leave")
    upgrade(database.engine, "0003_deadlines")
    upgrade(database.engine, "0004_agenda")
    assert current_revision(database.engine) == "0002_leave,0003_deadlines,0004_agenda"
    upgrade(database.engine)
    assert current_revision(database.engine) == HEAD
    database.dispose()


def test_the_telegram_ids_of_the_directory_become_accounts_without_losing_a_person(database_url):
    database = Database(database_url)
    upgrade(database.engine, "0006_dialogs")
    with database.engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO people (id, telegram_id, name, unit, role, active, created_at) VALUES "
            "(1, 1001, '张区长', '区政府', '区长', true, '2026-12-01 00:00:00+00:00'),"
            "(2, 7000000000, '李四', '区财政局', '部门正职', false, '2026-12-01 00:00:00+00:00')"
        ))
        connection.execute(text("INSERT INTO oversight (person_id, unit) VALUES (1, '区审计局')"))
    upgrade(database.engine)
    with database.transaction() as session:
        assert {(p.name, p.telegram_id, p.active) for p in session.scalars(select(Person))} == {
            ("张区长", 1001, True), ("李四", 7_000_000_000, False)}
        assert person_by_account(session, TELEGRAM, "1001").oversees == ["区审计局"]  # the table rebuild kept it
        assert person_by_account(session, TELEGRAM, "7000000000") is None  # inactive
        assert person_by_account(session, TELEGRAM, "7000000000", active_only=False).name == "李四"
    database.dispose()


def test_a_rated_telegram_answer_keeps_its_asker_and_rating_when_the_log_learns_channels(database_url):
    database = Database(database_url)
    upgrade(database.engine, "0013_alert_channels")
    with database.engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO answer_log (id, at, telegram_user_id, chat_id, question, answered, citations, rating, rated_at)"
            " VALUES (7, '2026-12-01 01:30:00+00:00', 7000000000, -1001234567890, '常务会议材料提前几天报送?', true,"
            " '[\"第四十八条\"]', 'down', '2026-12-01 01:32:00+00:00'),"
            " (8, '2026-12-01 01:40:00+00:00', NULL, NULL, '区长外出谁主持工作?', false, '[]', 'up', NULL)"
        ))
    upgrade(database.engine)
    with database.transaction() as session:
        first, second = rated_answers(session)
        assert (first.id, first.channel, first.account, first.chat_id, first.rating, first.citations) == (
            7, TELEGRAM, "7000000000", "-1001234567890", "down", ["第四十八条"])
        assert first.rated_at == datetime(2026, 12, 1, 1, 32, tzinfo=timezone.utc)
        assert (second.id, second.channel, second.account, second.chat_id, second.rating) == (
            8, TELEGRAM, None, None, "up")
        # The asker may still change their rating from Telegram.
        assert rate_answer(session=session, answer_id=7, channel=TELEGRAM, account="7000000000", rating="up",
                           now=first.rated_at) is Rating.RECORDED
    database.dispose()


def test_records_of_who_acted_name_the_person_after_the_upgrade(database_url):
    """0015: a Telegram id of the directory becomes the person's id (an outsider's stays), and an open leave
    form or card names its filer by person id; one whose filer is not in the directory is dropped."""
    database = Database(database_url)
    upgrade(database.engine, "0014_answer_log_channels")
    at = "'2026-12-01 01:30:00+00:00'"
    with database.engine.begin() as connection:
        for statement in (
            "INSERT INTO people (id, name, unit, role, active, created_at) VALUES "
            f"(5, '钱主任', '区政府办公室', '办公室', true, {at}), (6, '孙局长', '区财政局', '部门正职', true, {at})",
            "INSERT INTO accounts (person_id, channel, account) VALUES (5, 'telegram', '1001'), (6, 'telegram', '1002')",
            "INSERT INTO audit_log (id, at, actor_telegram_id, action, entity, entity_id, detail) VALUES "
            f"(1, {at}, 1001, 'created', 'person', 6, '{{}}'), (2, {at}, 9001, 'removed', 'person', 6, '{{}}'),"
            f" (3, {at}, NULL, 'disabled', 'alert_subscription', 1, '{{}}')",
            "INSERT INTO leave_reports (id, person_id, kind, start_date, start_period, end_date, end_period, destination, "
            "reason, state, recorded_only, created_at) VALUES "
            f"(4, 6, '出差', '2026-12-02', '全天', '2026-12-03', '全天', '上海', '调研', '已批准', false, {at})",
            "INSERT INTO leave_approvals (id, report_id, position, label, decision, decided_by_telegram_id, decided_at) "
            f"VALUES (8, 4, 1, '区长', '同意', 1001, {at}), (9, 4, 2, '分管副区长', '同意', 1999, {at})",
            "INSERT INTO deadlines (id, title, kind, due_at, lead_times, state, created_by_telegram_id, created_at, "
            f"closed_at, closed_by_telegram_id) VALUES (3, '提交整改报告', 'custom', {at}, '1d', 'done', 1002, {at}, "
            f"{at}, 9001)",
            "INSERT INTO dialogs (id, channel, chat_id, account, flow, step, data, version, updated_at) VALUES "
            f"""(1, 'telegram', '1002', '1002', 'leave_form', 'kind', '{{"telegram_id": 1002, "kind": "出差"}}', 1, {at}),"""
            f"""(2, 'telegram', '9001', '9001', 'leave_form', 'kind', '{{"telegram_id": 9001}}', 1, {at}),"""
            f"""(3, 'telegram', '1001', '1001', 'deadline_form', 'when', '{{"command": "deadline"}}', 1, {at})""",
            "INSERT INTO pending_cards (id, token, channel, chat_id, account, flow, data, created_at) VALUES "
            f"""(1, 'tok1', 'telegram', '1002', '1002', 'leave', '{{"telegram_id": 1002, "kind": "休假"}}', {at})""",
        ):
            connection.execute(text(statement))
    upgrade(database.engine)
    with database.engine.connect() as connection:
        def rows(query: str) -> list[tuple]:
            return [tuple(row) for row in connection.execute(text(query))]

        assert rows("SELECT id, actor_person_id, actor_telegram_id FROM audit_log ORDER BY id") == [
            (1, 5, None), (2, None, 9001), (3, None, None)]
        # 1999 is an account nobody holds any more: the decision keeps it rather than lose who decided.
        assert rows("SELECT decided_by_person_id, decided_by_telegram_id FROM leave_approvals ORDER BY id") == [
            (5, None), (None, 1999)]
        assert rows("SELECT created_by_person_id, created_by_telegram_id, closed_by_person_id, closed_by_telegram_id "
                    "FROM deadlines") == [(6, None, None, 9001)]
        dialogs = {row_id: json.loads(data) for row_id, data in rows("SELECT id, data FROM dialogs")}
        assert dialogs == {1: {"person_id": 6, "kind": "出差"}, 3: {"command": "deadline"}}
        assert [json.loads(data) for (data,) in rows("SELECT data FROM pending_cards")] == [
            {"person_id": 6, "kind": "休假"}]
    database.dispose()


def test_failed_transaction_leaves_nothing(db):
    with pytest.raises(RuntimeError):
        with db.transaction() as session:
            person = Person(telegram_id=1, name="张三", unit="区财政局", role=Role.UNIT_HEAD)
            session.add(person)
            session.flush()
            audit.record(session, actor_telegram_id=1, action="created", entity="person", entity_id=person.id)
            raise RuntimeError("boom")
    with db.transaction() as session:
        assert session.scalars(select(Person)).all() == []
        assert session.scalars(select(audit.AuditEntry)).all() == []


def test_timestamps_come_back_aware_in_utc(db):
    shanghai = timezone(timedelta(hours=8))
    moment = datetime(2026, 12, 1, 9, 0, tzinfo=shanghai)
    with db.transaction() as session:
        entry = audit.record(session, actor_telegram_id=None, action="x", entity="y", entity_id=1)
        entry.at = moment
    with db.transaction() as session:
        stored = session.scalars(select(audit.AuditEntry)).one().at
    assert stored == moment and stored.utcoffset() == timedelta(0)


def test_naive_timestamps_are_refused(db):
    with pytest.raises(Exception, match="naive"):
        with db.transaction() as session:
            entry = audit.record(session, actor_telegram_id=None, action="x", entity="y", entity_id=1)
            entry.at = datetime(2026, 1, 1)
            session.flush()


def test_overseers_of_unit(db):
    with db.transaction() as session:
        vice = Person(telegram_id=2, name="李四", unit="区政府", role=Role.VICE_MAYOR)
        vice.oversight = [Oversight(unit="区财政局"), Oversight(unit="区审计局")]
        session.add(vice)
    with db.transaction() as session:
        assert [p.name for p in overseers_of(session, "区审计局")] == ["李四"]
        assert overseers_of(session, "区教委") == []


def test_concurrent_writers_never_see_database_locked(db):
    """Eight threads insert at once; every row lands (SQLite: BEGIN IMMEDIATE + busy timeout)."""
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            for i in range(25):
                with db.transaction() as session:
                    session.scalars(select(Person).limit(1)).all()  # read first, then write
                    audit.record(session, actor_telegram_id=worker, action="x", entity="y", entity_id=i)
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with db.transaction() as session:
        assert len(session.scalars(select(audit.AuditEntry)).all()) == 200
