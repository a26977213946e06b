"""Benchmark: 50 concurrent users file and decide 1,000 leave reports through the office layer.

40 部门正职 (two approvals each: 区长 and 分管副区长) and 10 副区长 (区长 only) each file 20 trips in
their own thread; right after filing, the approvers' decisions are made in the same thread (one
report in ten is sent back), so filings and decisions of all users interleave on the database.
Checks afterwards: exactly 1,000 reports, every approval decided once, states as decided, one
audit row per change, one 销假 deadline per approved report, and no "database is locked".

Run::

    .venv/bin/python bench/bench_leave.py                        # SQLite (temporary file)
    .venv/bin/python bench/bench_leave.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from office.actors import Actor  # noqa: E402
from office.directory import add_member  # noqa: E402
from office.leave import LeaveRequest, decide_leave, file_leave  # noqa: E402
from storage.audit import AuditEntry  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.deadlines import Deadline  # noqa: E402
from storage.leaves import LeaveApproval, LeaveReport  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.people import Role, person_by_telegram_id  # noqa: E402

USERS, REPORTS_EACH, HEADS = 50, 20, 40
MAYOR, VICE_BASE, HEAD_BASE, OVERSEER_BASE = 1, 100, 1000, 5000
NOW = datetime.now(ZoneInfo("Asia/Shanghai"))


def seed(db: Database) -> list[int]:
    """The directory: one 区长, four overseeing 副区长, 40 heads and 10 filing 副区长; returns the filers."""
    filers = []
    with db.transaction() as session:
        add_member(session=session, actor=None, telegram_id=MAYOR, name="区长", unit="区政府", role=Role.MAYOR)
        for i in range(4):
            units = [f"单位{u}" for u in range(HEADS) if u % 4 == i]
            add_member(session=session, actor=None, telegram_id=OVERSEER_BASE + i, name=f"分管{i}",
                       unit="区政府", role=Role.VICE_MAYOR, oversees=units)
        for u in range(HEADS):
            add_member(session=session, actor=None, telegram_id=HEAD_BASE + u, name=f"正职{u}",
                       unit=f"单位{u}", role=Role.UNIT_HEAD)
            filers.append(HEAD_BASE + u)
        for v in range(USERS - HEADS):
            add_member(session=session, actor=None, telegram_id=VICE_BASE + v, name=f"副区长{v}",
                       unit="区政府", role=Role.VICE_MAYOR)
            filers.append(VICE_BASE + v)
    return filers


def user_session(db: Database, filer: int, errors: list[str], outcome: Counter) -> None:
    overseer = OVERSEER_BASE + (filer - HEAD_BASE) % 4 if filer >= HEAD_BASE else None
    for i in range(REPORTS_EACH):
        with db.transaction() as session:
            filer_id = person_by_telegram_id(session, filer).id
        request = LeaveRequest(person_id=filer_id, kind="出差", start=NOW.date() + timedelta(days=1 + 3 * i),
                               end=NOW.date() + timedelta(days=2 + 3 * i), destination="上海", reason=f"压测 {i}")
        try:
            with db.transaction() as session:
                leave = file_leave(session=session, request=request, now=NOW)
            reject = (filer + i) % 10 == 0
            for approval in leave.approvals:
                actor = MAYOR if approval.label == "区长" else overseer
                with db.transaction() as session:
                    decide_leave(session=session, approval_id=approval.id, actor=Actor.telegram(actor),
                                 approve=not reject, note=None, now=NOW)
                if reject:
                    break
            outcome["已退回" if reject else "已批准"] += 1
        except Exception as exc:  # noqa: BLE001 - every failure is counted and printed
            errors.append(f"{type(exc).__name__}: {exc}")


def run(url: str, label: str) -> bool:
    db = Database(url)
    upgrade(db.engine)
    filers = seed(db)
    errors: list[str] = []
    outcome: Counter = Counter()
    threads = [threading.Thread(target=user_session, args=(db, filer, errors, outcome)) for filer in filers]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    with db.transaction() as session:
        reports = session.scalar(select(func.count()).select_from(LeaveReport))
        unique = select(LeaveReport.person_id, LeaveReport.start_date).distinct().subquery()
        distinct = session.scalar(select(func.count()).select_from(unique))
        states = Counter(dict(session.execute(select(LeaveReport.state, func.count()).group_by(LeaveReport.state)).all()))
        decided = session.scalar(select(func.count()).select_from(LeaveApproval).where(LeaveApproval.decision.is_not(None)))
        audits = session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.entity == "leave"))
        deadlines = session.scalar(select(func.count()).select_from(Deadline).where(Deadline.source_type == "leave"))
    db.dispose()
    expected = USERS * REPORTS_EACH
    locked = sum("database is locked" in e for e in errors)
    ok = (not errors and reports == distinct == expected and states == outcome and audits == reports + decided
          and deadlines == outcome["已批准"])
    print(f"[{label}] {USERS} users, {expected} reports: {reports} stored ({expected - distinct} lost, "
          f"{reports - distinct} duplicated), states {dict(states)}, {decided} decisions, {audits} audit rows, "
          f"{deadlines} 销假 deadlines")
    print(f"[{label}] errors {len(errors)} (database is locked: {locked}); {elapsed:.1f} s; "
          f"{expected / elapsed:.0f} reports/s filed and decided ({(reports + decided) / elapsed:.0f} transactions/s)"
          f" — {'OK' if ok else 'FAILED'}")
    for error in errors[:5]:
        print("   ", error)
    return ok


def postgres_database(admin_url: str) -> tuple[str, callable]:
    """A throw-away database on the server, and the function that drops it."""
    name = f"officebot_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(make_url(admin_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(admin_url).set(database=name).render_as_string(hide_password=False), drop


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", help="a PostgreSQL server URL (a scratch database is created on it)")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        results.append(run(f"sqlite:///{scratch}/bench.db", "sqlite"))
    if args.postgres:
        url, drop = postgres_database(args.postgres)
        try:
            results.append(run(url, "postgresql"))
        finally:
            drop()
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
