"""Meetings of the district government and the agenda items (议题) filed for them.

The rules about them (第四十五条 to 第五十四条) live in `office/meetings.py`, `office/agenda.py`
and `office/agenda_checks.py`; this module only stores rows and answers queries.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    func,
    select,
    text,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from storage.base import Base, UTCDateTime, utcnow
from storage.people import Person


class MeetingType(StrEnum):
    """The meetings of 第四十四条 to 第四十七条; the values are what people see."""

    PLENARY = "区政府全体会议"
    EXECUTIVE = "区政府常务会议"
    MAYOR_TOPIC = "区长专题会议"
    VICE_MAYOR_TOPIC = "副区长专题会议"


class ItemState(StrEnum):
    """The workflow of an agenda item (SPEC §4)."""

    DRAFT = "草拟"
    OVERSEER_REVIEW = "待分管副区长审核"
    LEADER_APPROVAL = "待区长/常务副区长批准"
    SCHEDULED = "已列入议程"
    RETURNED = "退回"


class Meeting(Base):
    __tablename__ = "meetings"
    __table_args__ = (
        # One live meeting of a kind per start time; a cancelled one may be registered again.
        Index(
            "uq_meetings_live_slot",
            "kind",
            "starts_at",
            unique=True,
            sqlite_where=text("NOT cancelled"),
            postgresql_where=text("NOT cancelled"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    place: Mapped[str] = mapped_column(String(128), default="")
    chair_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    # Meetings created together as a weekly series share the id of the first one.
    series_id: Mapped[int | None] = mapped_column()
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    # As office/actors.py `recorded_actor` names them: the person, or an administrator's Telegram id.
    created_by_person_id: Mapped[int | None] = mapped_column(Integer)
    created_by_telegram_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    chair: Mapped[Person | None] = relationship(foreign_keys=[chair_person_id])

    @property
    def kind_enum(self) -> MeetingType:
        return MeetingType(self.kind)


LIVE_TITLE_CONDITION = "state <> '退回'"


class AgendaItem(Base):
    """One 议题 for one meeting, with the facts the rules ask about."""

    __tablename__ = "agenda_items"
    __table_args__ = (
        # A title may be filed again for a meeting only after the earlier item was returned.
        Index(
            "uq_agenda_items_live_title",
            "meeting_id",
            "title",
            unique=True,
            sqlite_where=text(LIVE_TITLE_CONDITION),
            postgresql_where=text(LIVE_TITLE_CONDITION),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    position: Mapped[int | None] = mapped_column()
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    proposing_unit: Mapped[str] = mapped_column(String(128), index=True)
    proposer_person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    overseer_person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    reporter_person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    other_units: Mapped[list] = mapped_column(JSON, default=list)
    opinions_sought: Mapped[bool] = mapped_column(Boolean, default=False)
    opinions_agreed: Mapped[bool] = mapped_column(Boolean, default=False)
    disagreement: Mapped[str | None] = mapped_column(Text)
    major_matter: Mapped[bool] = mapped_column(Boolean, default=False)
    normative_document: Mapped[bool] = mapped_column(Boolean, default=False)
    legality_review: Mapped[str | None] = mapped_column(String(16))
    legality_file_id: Mapped[str | None] = mapped_column(String(256))
    legality_file_name: Mapped[str | None] = mapped_column(String(256))
    article50_answers: Mapped[dict] = mapped_column(JSON, default=dict)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    urgent_reason: Mapped[str | None] = mapped_column(Text)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(24), default=ItemState.DRAFT.value)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    approved_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    returned_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    return_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    meeting: Mapped[Meeting] = relationship()
    proposer: Mapped[Person] = relationship(foreign_keys=[proposer_person_id])
    overseer: Mapped[Person] = relationship(foreign_keys=[overseer_person_id])
    reporter: Mapped[Person] = relationship(foreign_keys=[reporter_person_id])

    @property
    def state_enum(self) -> ItemState:
        return ItemState(self.state)


# --- meetings -------------------------------------------------------------------------------


def meeting_by_id(session: Session, meeting_id: int) -> Meeting | None:
    return session.get(Meeting, meeting_id)


def meetings_between(
    session: Session, start: datetime, end: datetime, *, include_cancelled: bool = False
) -> list[Meeting]:
    """Meetings starting in [start, end), earliest first."""
    query = select(Meeting).where(Meeting.starts_at >= start, Meeting.starts_at < end)
    if not include_cancelled:
        query = query.where(Meeting.cancelled.is_(False))
    return list(session.scalars(query.order_by(Meeting.starts_at, Meeting.id)))


def meeting_exists(session: Session, kind: str, starts_at: datetime) -> bool:
    """Whether a meeting of `kind`, not cancelled, starts at `starts_at`."""
    query = select(Meeting.id).where(
        Meeting.kind == kind, Meeting.starts_at == starts_at, Meeting.cancelled.is_(False)
    )
    return session.scalars(query).first() is not None


# --- agenda items ---------------------------------------------------------------------------


def item_by_id(session: Session, item_id: int, *, for_update: bool = False) -> AgendaItem | None:
    """The item; `for_update` locks its row (PostgreSQL) so two presses of a button queue."""
    query = select(AgendaItem).where(AgendaItem.id == item_id)
    if for_update:
        query = query.with_for_update()
    return session.scalars(query).one_or_none()


def live_title_exists(session: Session, meeting_id: int, title: str) -> bool:
    query = select(AgendaItem.id).where(
        AgendaItem.meeting_id == meeting_id,
        AgendaItem.title == title,
        AgendaItem.state != ItemState.RETURNED.value,
    )
    return session.scalars(query).first() is not None


def items_of_meeting(session: Session, meeting_id: int, *, states: list[ItemState] | None = None) -> list[AgendaItem]:
    """Items of a meeting: scheduled ones in agenda order, then the others by filing order."""
    query = select(AgendaItem).where(AgendaItem.meeting_id == meeting_id)
    if states is not None:
        query = query.where(AgendaItem.state.in_([state.value for state in states]))
    query = query.order_by(AgendaItem.position.is_(None), AgendaItem.position, AgendaItem.id)
    return list(session.scalars(query))


def items_of_unit(session: Session, unit: str) -> list[AgendaItem]:
    """A unit's items, newest meeting first."""
    query = (
        select(AgendaItem)
        .join(Meeting)
        .where(AgendaItem.proposing_unit == unit)
        .order_by(Meeting.starts_at.desc(), AgendaItem.id)
    )
    return list(session.scalars(query))


def items_in_state(
    session: Session, state: ItemState, *, overseer_person_id: int | None = None, for_update: bool = False
) -> list[AgendaItem]:
    """Items in `state` (optionally only those of one 分管副区长), by meeting date; `for_update`
    locks them (on PostgreSQL a row changed meanwhile is re-checked against the state)."""
    query = select(AgendaItem).join(Meeting).where(AgendaItem.state == state.value)
    if overseer_person_id is not None:
        query = query.where(AgendaItem.overseer_person_id == overseer_person_id)
    if for_update:
        query = query.with_for_update(of=AgendaItem)
    return list(session.scalars(query.order_by(Meeting.starts_at, AgendaItem.id)))


def next_position(session: Session, meeting_id: int) -> int:
    """The agenda position after the last scheduled item of the meeting."""
    query = select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting_id)
    return (session.scalar(query) or 0) + 1
