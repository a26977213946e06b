"""Sign-in by one-time link, sign-out, the welcome page for visitors without a session, /healthz."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from office.web_signin import SigninError, end_session, redeem_link
from web.auth import COOKIE, WELCOME, Outcome, action, services_of, session_token
from web.rendering import render


def healthz(request: Request) -> Response:
    return PlainTextResponse("ok")


def welcome(request: Request) -> Response:
    return render(request, "welcome.html", {})


def signin_page(request: Request) -> Response:
    # A GET only shows the 登录 button: link previews and scanners that fetch the URL use nothing up.
    return render(request, "signin.html", {"token": request.query_params.get("token", "")})


async def signin(request: Request) -> Response:
    form = await request.form()
    services = services_of(request)

    def redeem():  # type: ignore[no-untyped-def]
        with services.db.transaction() as session:
            return redeem_link(session=session, token=str(form.get("token", "")), now=services.now())

    try:
        token, opened = await run_in_threadpool(redeem)
    except SigninError as exc:
        return render(request, "welcome.html", {"error": str(exc)}, status_code=400)
    response = RedirectResponse("/", status_code=303)
    lifetime = int((opened.expires_at - services.now()).total_seconds())
    response.set_cookie(COOKIE, request.app.state.signer.dumps(token), max_age=lifetime, httponly=True,
                        samesite="lax", secure=services.settings.web_base_url.startswith("https://"))
    return response


@action()
def signout(request: Request, viewer, form) -> Outcome:  # type: ignore[no-untyped-def]
    services = services_of(request)
    with services.db.transaction() as session:
        end_session(session=session, token=session_token(request) or "", now=services.now())
    request.state.viewer = None  # the result page is shown signed out: no menu, no 退出
    return Outcome("您已退出。如需再次使用,请重新获取登录链接。", back=WELCOME)


async def signout_endpoint(request: Request) -> Response:
    response = await signout(request)
    if response.status_code == 200:
        response.delete_cookie(COOKIE)
    return response


ROUTES = [
    Route("/healthz", healthz),
    Route(WELCOME, welcome),
    Route("/signin", signin_page, methods=["GET"]),
    Route("/signin", signin, methods=["POST"]),
    Route("/signout", signout_endpoint, methods=["POST"]),
]
