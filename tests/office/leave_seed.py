"""A small directory, a clock and request builders for the leave tests (imported by them, not a test)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from office.directory import add_member
from office.leave import LeaveRequest
from storage.audit import AuditEntry
from storage.deadlines import Deadline
from storage.leaves import LeaveReport
from storage.people import Role, person_by_telegram_id

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=TZ)  # a Thursday
TODAY = NOW.date()

MAYOR, EXEC_VICE, VICE, OFFICE, OFFICE_2, HEAD, CLERK, LONELY_HEAD, STRANGER = 11, 12, 13, 14, 15, 16, 17, 18, 99
PEOPLE = (
    (MAYOR, "王区长", "区政府", Role.MAYOR, ()),
    (EXEC_VICE, "李常务", "区政府", Role.EXECUTIVE_VICE_MAYOR, ("区政府办公室",)),
    (VICE, "赵副区长", "区政府", Role.VICE_MAYOR, ("区财政局", "区审计局")),
    (OFFICE, "钱主任", "区政府办公室", Role.OFFICE, ()),
    (OFFICE_2, "冯干事", "区政府办公室", Role.OFFICE, ()),
    (HEAD, "孙局长", "区财政局", Role.UNIT_HEAD, ()),
    (CLERK, "周科员", "区财政局", Role.STAFF, ()),
    (LONELY_HEAD, "吴主任", "区档案馆", Role.UNIT_HEAD, ()),  # no 分管副区长 registered
)


def seed_directory(db, people=PEOPLE) -> None:  # type: ignore[no-untyped-def]
    with db.transaction() as session:
        for telegram_id, name, unit, role, oversees in people:
            add_member(session=session, actor=None, telegram_id=telegram_id, name=name, unit=unit, role=role,
                       oversees=oversees)


def day(offset: int) -> date:
    return TODAY + timedelta(days=offset)


def person_id(session, telegram_id: int) -> int:  # type: ignore[no-untyped-def]
    """The directory id of the person registered with `telegram_id` (active or not)."""
    person = person_by_telegram_id(session, telegram_id, active_only=False)
    assert person is not None, f"nobody is registered with Telegram id {telegram_id}"
    return person.id


def leave_request(session, filer: int, kind: str = "出差", start: int = 5, end: int = 7, **fields) -> LeaveRequest:  # type: ignore[no-untyped-def]
    """A request by the person with Telegram id `filer`, from TODAY+start to TODAY+end (days)."""
    return request_by(person_id(session, filer), kind, start, end, **fields)


def request_by(filer_id: int, kind: str = "出差", start: int = 5, end: int = 7, **fields) -> LeaveRequest:  # type: ignore[no-untyped-def]
    """A request by the directory person `filer_id` (one registered only on DingTalk, say)."""
    values = {"destination": "上海", "reason": "参加长三角协作会"} | fields
    return LeaveRequest(person_id=filer_id, kind=kind, start=day(start), end=day(end), **values)


def count_reports(db) -> int:  # type: ignore[no-untyped-def]
    with db.transaction() as session:
        return session.scalar(select(func.count()).select_from(LeaveReport))


def leave_audit(db, report_id: int) -> list[str]:  # type: ignore[no-untyped-def]
    with db.transaction() as session:
        query = select(AuditEntry.action).where(AuditEntry.entity == "leave", AuditEntry.entity_id == report_id)
        return list(session.scalars(query.order_by(AuditEntry.id)))


def return_deadlines(db, report_id: int) -> list[tuple[str, datetime]]:  # type: ignore[no-untyped-def]
    """(state, due_at) of the 销假 deadlines of one report."""
    with db.transaction() as session:
        query = select(Deadline).where(Deadline.source_type == "leave", Deadline.source_id == report_id)
        return [(d.state, d.due_at) for d in session.scalars(query)]
