"""The append-only audit log: who did what to which record, and when.

The application only ever inserts here (`record`); nothing updates or deletes a row.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.base import Base, UTCDateTime, utcnow


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The directory person who acted; an ADMIN_TELEGRAM_IDS administrator outside it by Telegram id.
    actor_person_id: Mapped[int | None] = mapped_column(Integer, index=True)
    actor_telegram_id: Mapped[int | None] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(32))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[int] = mapped_column()
    detail: Mapped[dict] = mapped_column(JSON, default=dict)


def record(
    session: Session,
    *,
    actor_person_id: int | None = None,
    actor_telegram_id: int | None = None,
    action: str,
    entity: str,
    entity_id: int,
    detail: dict | None = None,
) -> AuditEntry:
    """Add one audit row to the caller's transaction (it commits or rolls back with the change).
    office/actors.py `record_audit` fills the actor from an `Actor`."""
    entry = AuditEntry(
        actor_person_id=actor_person_id,
        actor_telegram_id=actor_telegram_id,
        action=action,
        entity=entity,
        entity_id=entity_id,
        detail=detail or {},
    )
    session.add(entry)
    session.flush()
    return entry


def history(session: Session, *, entity: str, entity_id: int) -> list[AuditEntry]:
    query = (
        select(AuditEntry)
        .where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id)
        .order_by(AuditEntry.id)
    )
    return list(session.scalars(query))
