"""Shared fixtures.

`qa` is the rules Q&A engine over the bundled rule book, built once per test run like a fresh
install. Where several pytest processes run at once (pytest-xdist workers, or the runs of
tests/pinned_moments.py, which set `OFFICEBOT_TEST_QA_SHARED`), the first to need it builds it once
and each reads a copy of its own. The end-to-end bots read the same index (`qa_settings.resolved_chroma_path`).

`clock` is the one clock of every test that needs "now", and of the bots those tests start: the
system time, or, with `OFFICEBOT_TEST_NOW` set, a clock that reads that moment at the start of the
run and goes on from there. `make test` runs the tests that use it again under several pinned
moments (`tests/pinned_moments.py`); such tests are marked `clock`.

`db` is a freshly migrated database per test: SQLite always, and PostgreSQL too when
`TEST_POSTGRES_URL` is set (CI sets it), copied from one migrated once per run. Each pytest run
gets its own PostgreSQL databases, so two runs on one machine never see each other's rows.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from filelock import FileLock
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from bootstrap.settings import Settings
from bootstrap.clock import Clock
from bootstrap.qa_engine import open_rules_qa
from retrieval.service import RulesQA
from storage.db import Database
from storage.migrate import upgrade

TEST_POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if TEST_POSTGRES_URL else [])
PINNED_NOW = os.environ.get("OFFICEBOT_TEST_NOW")  # ISO moment with offset, e.g. 2026-12-04T01:20+08:00
OFFICE_TZ = ZoneInfo("Asia/Shanghai")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "clock" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.clock)


def pytest_report_header() -> str:
    return f"office clock: {PINNED_NOW or 'system time'}"


@pytest.fixture(scope="session")
def clock() -> Clock:
    """The office's clock for this run (see the module docstring)."""
    if PINNED_NOW is None:
        return Clock(OFFICE_TZ)
    return Clock.pinned(OFFICE_TZ, datetime.fromisoformat(PINNED_NOW))


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[Engine]:
    """The machine's PostgreSQL, for creating and dropping this run's databases."""
    if not TEST_POSTGRES_URL:
        pytest.skip("TEST_POSTGRES_URL is not set")
    admin = create_engine(make_url(TEST_POSTGRES_URL), isolation_level="AUTOCOMMIT")
    yield admin
    admin.dispose()


@pytest.fixture(scope="session")
def postgres_url(postgres_admin: Engine) -> Iterator[str]:
    """A throw-away PostgreSQL database for this test run."""
    with _postgres_database(postgres_admin, f"officebot_test_{uuid.uuid4().hex[:10]}") as url:
        yield url


@contextmanager
def _postgres_database(admin: Engine, name: str, *, template: str | None = None) -> Iterator[str]:
    """A new database (a copy of `template` if given), dropped on leaving."""
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    try:
        yield admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database (the migration tests start from one)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'officebot.db'}"
    url = request.getfixturevalue("postgres_url")
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


# Migrating costs 0.12 s on SQLite and 0.3 s on PostgreSQL, and over a thousand tests take a fresh
# database: each backend is migrated once per run, and each test's `db` starts as a copy of it (a
# file copy; CREATE DATABASE ... TEMPLATE, 0.17 s).
@pytest.fixture(scope="session")
def migrated_sqlite_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("migrated") / "officebot.db"
    _migrate(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def migrated_postgres_database(postgres_admin: Engine, postgres_url: str) -> Iterator[str]:
    with _postgres_database(postgres_admin, f"{make_url(postgres_url).database}_migrated") as url:
        _migrate(url)  # and disconnect: a template database must have no sessions
        yield make_url(url).database


def _migrate(url: str) -> None:
    database = Database(url)
    upgrade(database.engine)
    database.dispose()


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A database at the newest migration, this test's alone."""
    if request.param == "sqlite":
        path = tmp_path / "officebot.db"
        shutil.copyfile(request.getfixturevalue("migrated_sqlite_file"), path)
        database = Database(f"sqlite:///{path}")
        yield database
        database.dispose()
        return
    admin = request.getfixturevalue("postgres_admin")
    template = request.getfixturevalue("migrated_postgres_database")
    with _postgres_database(admin, f"{template}_{uuid.uuid4().hex[:8]}", template=template) as url:
        database = Database(url)
        yield database
        database.dispose()


@pytest.fixture(scope="session")
def qa_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data_dir = tmp_path_factory.mktemp("qa-data")
    shared = os.environ.get("OFFICEBOT_TEST_QA_SHARED")
    if shared is None and os.environ.get("PYTEST_XDIST_WORKER"):
        shared = str(tmp_path_factory.getbasetemp().parent)  # the workers' common temporary directory
    if shared:
        shutil.copytree(_index_built_once(Path(shared)), data_dir, dirs_exist_ok=True)
    return Settings(_env_file=None, data_dir=data_dir, corpus_paths=[])


def _index_built_once(shared: Path) -> Path:
    """The data directory that the first of several processes to need it builds in `shared`, for all
    of them: a build costs 30-55 s of a 2-core machine."""
    built = shared / "qa-data"
    with FileLock(f"{built}.lock"):
        if not built.exists():
            building = shared / "qa-data.building"
            shutil.rmtree(building, ignore_errors=True)  # what a failed build left
            open_rules_qa(Settings(_env_file=None, data_dir=building, corpus_paths=[]))
            building.rename(built)
    return built


@pytest.fixture(scope="session")
def qa(qa_settings: Settings) -> RulesQA:
    """The engine over the bundled rule book, built on first use like a fresh install."""
    return open_rules_qa(qa_settings)
