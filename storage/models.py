"""Imports every table module so that `Base.metadata` knows the whole schema (alembic, tests)."""

from storage import audit, feedback, people
from storage.base import Base

metadata = Base.metadata

__all__ = ["audit", "feedback", "metadata", "people"]
