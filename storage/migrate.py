"""Schema migrations with alembic, run from code (`officebot db upgrade`, and at every start).

Make a new revision after changing a model::

    python -m storage.migrate revision 0003_agenda "meetings and agenda items"
"""

from __future__ import annotations

import sys
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def _config(engine: Engine, connection) -> Config:  # type: ignore[no-untyped-def]
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "heads") -> None:
    """Bring the database behind `engine` to `revision` (idempotent; "heads" = every branch)."""
    # Alembic issues its own BEGIN; on SQLite our engine would add BEGIN IMMEDIATE, so use a
    # plain connection transaction and let alembic run inside it.
    with engine.connect() as connection:
        sqlite = engine.dialect.name == "sqlite"
        if sqlite:
            # A batch migration recreates a table; with foreign keys on, dropping the old copy would
            # cascade to the rows that point at it (oversight, accounts). SQLite only takes this
            # switch outside a transaction.
            connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        try:
            with connection.begin():
                command.upgrade(_config(engine, connection), revision)
        finally:
            if sqlite:
                connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    # Comma-joined when a database sits on several branch heads (the feature branches before
    # 0005 joined them); one revision id otherwise.
    with engine.connect() as connection:
        heads = MigrationContext.configure(connection).get_current_heads()
    return ",".join(sorted(heads)) or None


def _make_revision(rev_id: str, message: str) -> None:
    from storage.db import create_db_engine

    scratch = Path("data/alembic-autogen.db")
    scratch.unlink(missing_ok=True)
    engine = create_db_engine(f"sqlite:///{scratch}")
    upgrade(engine)
    with engine.begin() as connection:
        command.revision(_config(engine, connection), message=message, autogenerate=True, rev_id=rev_id)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "revision":
        _make_revision(sys.argv[2], sys.argv[3])
    else:
        sys.exit("usage: python -m storage.migrate revision REV_ID MESSAGE")
