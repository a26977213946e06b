"""Shared fixtures.

`qa` is the rules Q&A engine over the bundled rule book, built once per test run like a fresh
install (or, with `OFFICEBOT_TEST_QA_DATA` set, read from that data directory); the end-to-end bots
read the same index (`qa_settings.resolved_chroma_path`).

`clock` is the one clock of every test that needs "now", and of the bots those tests start: the
system time, or, with `OFFICEBOT_TEST_NOW` set, a clock that reads that moment at the start of the
run and goes on from there. `make test` runs the tests that use it again under several pinned
moments (`tests/pinned_moments.py`); such tests are marked `clock`.

`db` is a freshly migrated database per test: SQLite always, and PostgreSQL too when
`TEST_POSTGRES_URL` is set (CI sets it). Each pytest run gets its own PostgreSQL database,
so two runs on one machine never see each other's rows.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, text
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
def postgres_url() -> Iterator[str]:
    """A throw-away PostgreSQL database for this test run."""
    if not TEST_POSTGRES_URL:
        pytest.skip("TEST_POSTGRES_URL is not set")
    admin_url = make_url(TEST_POSTGRES_URL)
    name = f"officebot_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'officebot.db'}"
    url = request.getfixturevalue("postgres_url")
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    upgrade(database.engine)
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def qa_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    # tests/pinned_moments.py builds the index once and hands each run a copy of it.
    data_dir = os.environ.get("OFFICEBOT_TEST_QA_DATA") or tmp_path_factory.mktemp("qa-data")
    return Settings(_env_file=None, data_dir=data_dir, corpus_paths=[])


@pytest.fixture(scope="session")
def qa(qa_settings: Settings) -> RulesQA:
    """The engine over the bundled rule book, built on first use like a fresh install."""
    return open_rules_qa(qa_settings)
