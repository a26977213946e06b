"""Sessions and access checks of the web console: every page and every action goes through here.

The cookie carries the session's random token signed with WEB_SECRET_KEY (itsdangerous); a forged or
altered cookie fails the signature and counts as no session. The session itself lives in the
database (office/web_signin.py), so 退出 ends it for good and expiry is read on the office's clock.
Pages are `@page()` (sync, run in a thread); changes are `@action()`: POST, CSRF token checked,
the operation run in a thread, its notices sent, and the result page lists who was and was not told.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from itsdangerous import BadSignature, URLSafeSerializer
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bootstrap.services import Services
from bootstrap.settings import Settings
from office.console_access import Viewer
from office.notices import Notice
from office.web_signin import OpenSession, open_session
from web.notices_out import deliver
from web.rendering import render

COOKIE = "officebot_session"
SECRET_FILE = "web_secret_key"
WELCOME = "/welcome"


def secret_key(settings: Settings) -> str:
    """WEB_SECRET_KEY, else a key generated on first start and kept in DATA_DIR (readable by the owner only)."""
    if settings.web_secret_key:
        return settings.web_secret_key
    path: Path = settings.data_dir / SECRET_FILE
    if not path.exists():
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
    return path.read_text(encoding="utf-8").strip()


def cookie_signer(settings: Settings) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key(settings), salt="officebot-web-session")


def services_of(request: Request) -> Services:
    return request.app.state.services


def session_token(request: Request) -> str | None:
    """The session token of the request's cookie, or None when missing, forged or altered."""
    cookie = request.cookies.get(COOKIE)
    if not cookie:
        return None
    try:
        token = request.app.state.signer.loads(cookie)
    except BadSignature:
        return None
    return token if isinstance(token, str) else None


def signed_in(request: Request) -> OpenSession | None:
    token = session_token(request)
    if token is None:
        return None
    services = services_of(request)
    with services.db.transaction() as session:
        return open_session(session=session, token=token, now=services.now())


def _viewer(request: Request, opened: OpenSession) -> Viewer:
    viewer = Viewer.of(opened.member, services_of(request).settings.admin_telegram_ids)
    request.state.viewer, request.state.csrf = viewer, opened.csrf_token
    return viewer


def forbidden(request: Request) -> Response:
    return render(request, "forbidden.html", {}, status_code=403)


def page(*, office_only: bool = False) -> Callable:
    """A GET page: no session → the welcome page; office-only pages → 403 for everyone else."""

    def wrap(view: Callable[[Request, Viewer], Response]) -> Callable[[Request], Response]:
        def endpoint(request: Request) -> Response:
            opened = signed_in(request)
            if opened is None:
                return RedirectResponse(WELCOME, status_code=303)
            viewer = _viewer(request, opened)
            if office_only and not viewer.is_office:
                return forbidden(request)
            return view(request, viewer)

        endpoint.__name__ = view.__name__
        return endpoint

    return wrap


@dataclass
class Outcome:
    """What an action did: the message shown, the notices to send, where 返回 leads."""

    message: str
    back: str = "/"
    notices: list[Notice] = field(default_factory=list)
    refused: bool = False


def action(*, office_only: bool = False) -> Callable:
    """A POST change: session and CSRF token checked before anything runs; the result page reports delivery."""

    def wrap(run: Callable) -> Callable:
        async def endpoint(request: Request) -> Response:
            form = await request.form()
            opened = await run_in_threadpool(signed_in, request)
            if opened is None:
                return RedirectResponse(WELCOME, status_code=303)
            viewer = _viewer(request, opened)
            sent = str(form.get("csrf", ""))
            if not hmac.compare_digest(sent.encode(), opened.csrf_token.encode()):
                return render(request, "done.html", {"outcome": Outcome("表单已失效(缺少或不符的校验码),未做任何更改。请刷新页面后重试。", refused=True)}, status_code=403)
            if office_only and not viewer.is_office:
                return forbidden(request)
            outcome: Outcome = await run_in_threadpool(run, request, viewer, form)
            delivery = await deliver(services_of(request), outcome.notices)
            status = 400 if outcome.refused else 200
            return render(request, "done.html", {"outcome": outcome, "delivery": delivery}, status_code=status)

        endpoint.__name__ = run.__name__
        return endpoint

    return wrap
