"""Imports every table module so that `Base.metadata` knows the whole schema (alembic, tests)."""

from storage import agenda, audit, cards, deadlines, dialogs, feedback, inbox, leaves, people, qa_context, web_access
from storage.base import Base

metadata = Base.metadata

__all__ = ["agenda", "audit", "cards", "deadlines", "dialogs", "feedback", "inbox", "leaves", "metadata", "people", "qa_context", "web_access"]
