"""A web console over a seeded directory at a pinned moment, and sign-in helpers for its tests."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC
from pathlib import Path

import pytest
from starlette.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "office"))  # leave_seed, as tests/office use it
from leave_seed import NOW, TZ, seed_directory  # noqa: E402

from bootstrap.clock import Clock  # noqa: E402
from bootstrap.services import Services  # noqa: E402
from bootstrap.settings import Settings  # noqa: E402
from web.app import create_app  # noqa: E402
from console_helpers import CSRF, make_link  # noqa: E402


class MovableClock(Clock):
    """The pinned test moment, which a test may move forward (link expiry)."""

    def __init__(self) -> None:
        super().__init__(TZ)
        self.moment = NOW

    def now(self):  # type: ignore[no-untyped-def]
        return self.moment

    def utcnow(self):  # type: ignore[no-untyped-def]
        return self.moment.astimezone(UTC)


@pytest.fixture
def services(db, tmp_path) -> Services:  # type: ignore[no-untyped-def]
    seed_directory(db)
    settings = Settings(_env_file=None, data_dir=tmp_path, web_secret_key="test-key")
    return Services(settings=settings, db=db, clock=MovableClock())


@pytest.fixture
def client(services) -> TestClient:  # type: ignore[no-untyped-def]
    return TestClient(create_app(services), follow_redirects=False)


@pytest.fixture
def sign_in(client, services) -> Callable[[int | str], str]:  # type: ignore[no-untyped-def]
    """Sign the client in as the person with that Telegram id (an int) or DingTalk id (a str); returns
    the session's CSRF token."""

    def sign(person: int | str) -> str:
        response = client.post("/signin", data={"token": make_link(services, person)})
        assert response.status_code == 303, response.text
        page = client.get("/")
        assert page.status_code == 200
        return CSRF.search(page.text).group(1)

    return sign

