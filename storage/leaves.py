"""Leave reports (请销假) and their approvals, with the queries the leave workflow needs.

A report belongs to one person; each approval row names who must decide: one person
(`approver_person_id`), or any active member of a role (`approver_role`, e.g. 办公室 for
会议请假 collected by the office).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint, or_, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship, selectinload

from storage.base import Base, UTCDateTime, utcnow
from storage.people import Person

# States in which a report still occupies its dates (others are closed).
OPEN_STATES = ("待审批", "已批准")


class LeaveReport(Base):
    __tablename__ = "leave_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    start_date: Mapped[date] = mapped_column(Date, index=True)
    start_period: Mapped[str] = mapped_column(String(4))
    end_date: Mapped[date] = mapped_column(Date, index=True)
    end_period: Mapped[str] = mapped_column(String(4))
    destination: Mapped[str] = mapped_column(String(128), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(8), index=True)
    # 区长's own reports: asked of 市政府 and 区委 outside the bot, only recorded here.
    recorded_only: Mapped[bool] = mapped_column(Boolean, default=False)
    acting_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    # A 会议请假's registered meeting (第五十三条), when the filer chose one.
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    acting_person: Mapped[Person | None] = relationship(foreign_keys=[acting_person_id])
    approvals: Mapped[list[LeaveApproval]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="LeaveApproval.position"
    )


class LeaveApproval(Base):
    __tablename__ = "leave_approvals"
    __table_args__ = (UniqueConstraint("report_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("leave_reports.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column()
    label: Mapped[str] = mapped_column(String(32))  # 区长 / 分管副区长 / 区政府办公室 / 单位正职
    approver_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    approver_role: Mapped[str | None] = mapped_column(String(16))
    decision: Mapped[str | None] = mapped_column(String(8))  # 同意 | 退回
    note: Mapped[str | None] = mapped_column(Text)
    # Who decided, as office/actors.py `recorded_actor` names them; a Telegram id only on a decision
    # made before migration 0015 by an account nobody in the directory holds any more.
    decided_by_person_id: Mapped[int | None] = mapped_column(Integer)
    decided_by_telegram_id: Mapped[int | None] = mapped_column(BigInteger)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    report: Mapped[LeaveReport] = relationship(back_populates="approvals")
    approver: Mapped[Person | None] = relationship()


def _with_details(query):  # type: ignore[no-untyped-def]
    return query.options(
        selectinload(LeaveReport.person).selectinload(Person.oversight),
        selectinload(LeaveReport.acting_person),
        selectinload(LeaveReport.approvals).selectinload(LeaveApproval.approver),
    )


def lock_person(session: Session, person_id: int) -> None:
    """Serialise filings of one person (PostgreSQL row lock; SQLite writers are serial already)."""
    session.execute(select(Person.id).where(Person.id == person_id).with_for_update())


def report_by_id(session: Session, report_id: int, *, for_update: bool = False) -> LeaveReport | None:
    query = _with_details(select(LeaveReport).where(LeaveReport.id == report_id))
    if for_update:
        query = query.with_for_update(of=LeaveReport)
    return session.scalars(query).one_or_none()


def approval_by_id(session: Session, approval_id: int) -> LeaveApproval | None:
    return session.get(LeaveApproval, approval_id)


def overlapping_reports(session: Session, person_id: int, start: date, end: date) -> list[LeaveReport]:
    """Open reports of the person touching the dates [start, end] (half days refined by the caller)."""
    query = select(LeaveReport).where(
        LeaveReport.person_id == person_id,
        LeaveReport.state.in_(OPEN_STATES),
        LeaveReport.start_date <= end,
        LeaveReport.end_date >= start,
    )
    return list(session.scalars(query))


def reports_of(session: Session, person_id: int, *, limit: int = 20) -> list[LeaveReport]:
    query = (
        _with_details(select(LeaveReport))
        .where(LeaveReport.person_id == person_id)
        .order_by(LeaveReport.start_date.desc(), LeaveReport.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def approved_reports_of(session: Session, person_id: int) -> list[LeaveReport]:
    query = (
        _with_details(select(LeaveReport))
        .where(LeaveReport.person_id == person_id, LeaveReport.state == "已批准")
        .order_by(LeaveReport.start_date, LeaveReport.id)
    )
    return list(session.scalars(query))


def _undecided_approvals(*who):  # type: ignore[no-untyped-def]
    """Undecided approvals of pending reports, narrowed by `who`."""
    return (
        select(LeaveApproval)
        .join(LeaveReport)
        .where(LeaveReport.state == "待审批", LeaveApproval.decision.is_(None), *who)
        .order_by(LeaveApproval.id)
    )


def pending_approvals_for(session: Session, person_id: int, role: str) -> list[LeaveApproval]:
    """Undecided approvals of pending reports that this person (or their role) must decide."""
    query = _undecided_approvals(
        or_(LeaveApproval.approver_person_id == person_id, LeaveApproval.approver_role == role)
    ).options(selectinload(LeaveApproval.report).selectinload(LeaveReport.person))
    return list(session.scalars(query))


def pending_approvals_of_person(session: Session, person_id: int) -> list[LeaveApproval]:
    """Undecided approvals of pending reports bound to this person by name (not by role), locked
    for the caller to hand over."""
    query = _undecided_approvals(LeaveApproval.approver_person_id == person_id).with_for_update(of=LeaveApproval)
    return list(session.scalars(query))


def approved_on(session: Session, day: date) -> list[LeaveReport]:
    """Approved reports whose dates include `day` (people away that day)."""
    query = (
        _with_details(select(LeaveReport))
        .where(LeaveReport.state == "已批准", LeaveReport.start_date <= day, LeaveReport.end_date >= day)
        .order_by(LeaveReport.start_date, LeaveReport.id)
    )
    return list(session.scalars(query))


def all_reports(session: Session) -> list[LeaveReport]:
    query = _with_details(select(LeaveReport)).order_by(LeaveReport.id)
    return list(session.scalars(query))
