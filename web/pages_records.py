"""期限 (/deadlines: the open deadlines the viewer may see, with article and who is responsible) and
审计 (/audit, office only: who did what and when, filterable by record kind and actor)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from office.console_access import Viewer
from office.console_views import audit_entries, visible_deadlines
from web.auth import page, services_of
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
    actor = int(actor_text) if actor_text.isdigit() else None
    with services.db.transaction() as session:
        entries = audit_entries(session=session, entity=entity, actor=actor)
    return render(request, "audit.html", {"entries": entries, "entity": entity, "actor": actor_text})


ROUTES = [Route("/deadlines", deadlines), Route("/audit", audit)]
