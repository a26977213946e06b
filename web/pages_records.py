"""期限 (/deadlines: the open deadlines the viewer may see, with article, who is responsible and each
reminder's delivery state; 完成, and 推迟 of the viewer's own reminders, for those allowed) and
审计 (/audit, office only: who did what and when, filterable by record kind and actor)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from office.actors import Actor
from office.console_access import Viewer
from office.console_views import audit_entries, visible_deadlines
from office.deadlines import DeadlineError, complete_deadline, snooze_alerts
from office.directory import DirectoryError, parse_account
from web.auth import Outcome, action, page, services_of
from web.rendering import render


@page()
def deadlines(request: Request, viewer: Viewer) -> Response:
    services = services_of(request)
    with services.db.transaction() as session:
        rows = visible_deadlines(session=session, viewer=viewer, now=services.now())
    return render(request, "deadlines.html", {"rows": rows})


@page(office_only=True)
def audit(request: Request, viewer: Viewer) -> Response:
    services = services_of(request)
    entity = request.query_params.get("entity", "").strip()
    actor_text = request.query_params.get("actor", "").strip()
    try:
        actor = Actor.on(*parse_account(actor_text)) if actor_text else None
    except DirectoryError:
        entries = []  # nobody acts from an id that cannot be one
    else:
        with services.db.transaction() as session:
            entries = audit_entries(session=session, entity=entity, actor=actor)
    return render(request, "audit.html", {"entries": entries, "entity": entity, "actor": actor_text})


@action()
def complete(request: Request, viewer: Viewer, form) -> Outcome:  # type: ignore[no-untyped-def]
    services = services_of(request)
    try:
        with services.db.transaction() as session:
            deadline = complete_deadline(session=session, deadline_id=request.path_params["deadline_id"],
                                         actor=viewer.actor, is_admin=viewer.is_office, now=services.now())
            title = deadline.title
    except DeadlineError as exc:
        return Outcome(str(exc), back="/deadlines", refused=True)
    return Outcome(f"已办结:{title};其提醒不再发送。", back="/deadlines")


@action()
def snooze(request: Request, viewer: Viewer, form) -> Outcome:  # type: ignore[no-untyped-def]
    services = services_of(request)
    tz = services.settings.tz
    try:
        with services.db.transaction() as session:
            deadline, until = snooze_alerts(
                session=session, deadline_id=request.path_params["deadline_id"], chats=viewer.member.chats,
                actor=viewer.actor, is_admin=viewer.is_office, calendar=services.workdays, tz=tz, now=services.now())
            title = deadline.title
    except DeadlineError as exc:
        return Outcome(str(exc), back="/deadlines", refused=True)
    return Outcome(f"已推迟:发给您本人的「{title}」提醒暂停到 {until.astimezone(tz):%Y-%m-%d %H:%M}。", back="/deadlines")


ROUTES = [
    Route("/deadlines", deadlines),
    Route("/deadlines/{deadline_id:int}/done", complete, methods=["POST"]),
    Route("/deadlines/{deadline_id:int}/snooze", snooze, methods=["POST"]),
    Route("/audit", audit),
]
