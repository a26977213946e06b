"""Leave tables and their queries, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import date

from sqlalchemy import func, select

from storage.leaves import LeaveApproval, LeaveReport, approved_on, overlapping_reports, pending_approvals_for
from storage.people import Person, Role


def _person(session, telegram_id, role=Role.UNIT_HEAD):
    person = Person(telegram_id=telegram_id, name=f"人{telegram_id}", unit="区财政局", role=role.value)
    session.add(person)
    session.flush()
    return person


def _report(person, start, end, state="待审批", **fields):
    return LeaveReport(person_id=person.id, kind="出差", start_date=start, start_period="全天", end_date=end,
                       end_period="全天", destination="上海", reason="开会", state=state, **fields)


def test_overlap_query_sees_only_open_reports_touching_the_dates(db):
    with db.transaction() as session:
        head = _person(session, 1)
        session.add_all([
            _report(head, date(2026, 12, 1), date(2026, 12, 3)),
            _report(head, date(2026, 12, 5), date(2026, 12, 6), state="已撤回"),
            _report(head, date(2026, 12, 10), date(2026, 12, 12), state="已批准"),
        ])
    with db.transaction() as session:
        found = overlapping_reports(session, head.id, date(2026, 12, 3), date(2026, 12, 10))
        assert sorted(r.start_date.day for r in found) == [1, 10]
        assert overlapping_reports(session, head.id, date(2026, 12, 4), date(2026, 12, 9)) == []


def test_pending_for_a_person_or_their_role(db):
    with db.transaction() as session:
        head, mayor, clerk = _person(session, 1), _person(session, 2, Role.MAYOR), _person(session, 3, Role.OFFICE)
        report = _report(head, date(2026, 12, 1), date(2026, 12, 1))
        report.approvals = [
            LeaveApproval(position=0, label="区长", approver_person_id=mayor.id),
            LeaveApproval(position=1, label="区政府办公室", approver_role=Role.OFFICE.value),
        ]
        session.add(report)
    with db.transaction() as session:
        assert [a.label for a in pending_approvals_for(session, mayor.id, Role.MAYOR.value)] == ["区长"]
        assert [a.label for a in pending_approvals_for(session, clerk.id, Role.OFFICE.value)] == ["区政府办公室"]


def test_approved_on_a_day(db):
    with db.transaction() as session:
        head = _person(session, 1)
        session.add_all([_report(head, date(2026, 12, 1), date(2026, 12, 3), state="已批准"),
                         _report(head, date(2026, 12, 2), date(2026, 12, 2), state="待审批")])
    with db.transaction() as session:
        assert len(approved_on(session, date(2026, 12, 2))) == 1
        assert approved_on(session, date(2026, 12, 4)) == []


def test_concurrent_filings_all_land(db):
    """Ten threads insert reports with approvals at once: every row lands, none twice."""
    with db.transaction() as session:
        people = [_person(session, 100 + i) for i in range(10)]
    errors: list[BaseException] = []

    def write(person) -> None:
        try:
            for i in range(10):
                with db.transaction() as session:
                    report = _report(person, date(2026, 12, 1 + i), date(2026, 12, 1 + i))
                    report.approvals = [LeaveApproval(position=0, label="区长", approver_person_id=person.id)]
                    session.add(report)
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(LeaveReport)) == 100
        assert session.scalar(select(func.count()).select_from(LeaveApproval)) == 100
