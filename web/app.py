"""The web console's ASGI app: `create_app(services)`; `officebot web` serves it with uvicorn.

Try it: `officebot web link --telegram-id 1001`, open the printed URL, press 登录.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from bootstrap.services import Services
from web import pages_documents, pages_feedback, pages_leave, pages_meetings, pages_records, pages_signin, pages_staff, pages_today
from web.auth import cookie_signer

STATIC = Path(__file__).parent / "static"


def create_app(
    services: Services, *, messengers: Callable[[Services], AbstractAsyncContextManager[Any]] | None = None
) -> Starlette:
    """The console on `services`; `messengers` (bot/outbound.py) registers, while the app runs, the
    senders through which its changes tell people on their messengers (none: nobody is told, and
    each result page says so)."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if messengers is None:
            yield
            return
        async with messengers(services):
            yield

    routes = [
        *pages_signin.ROUTES, *pages_today.ROUTES, *pages_leave.ROUTES, *pages_meetings.ROUTES,
        *pages_records.ROUTES, *pages_staff.ROUTES, *pages_feedback.ROUTES, *pages_documents.ROUTES, Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.services = services
    app.state.signer = cookie_signer(services.settings)
    return app
