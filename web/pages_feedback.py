"""反馈 (/feedback, office only): the answers people rated 👎, with their question and citations, to review;
every rated answer as CSV (office/feedback_export.py: the same file `officebot feedback --csv` writes)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from office.console_access import Viewer
from office import feedback_export
from storage.feedback import rated_answers
from web.auth import page, services_of
from web.rendering import render


@page(office_only=True)
def feedback(request: Request, viewer: Viewer) -> Response:
    with services_of(request).db.transaction() as session:
        down = [row for row in rated_answers(session) if row.rating == "down"]
        return render(request, "feedback.html", {"rows": list(reversed(down))})


@page(office_only=True)
def feedback_csv(request: Request, viewer: Viewer) -> Response:
    services = services_of(request)
    with services.db.transaction() as session:
        content, _ = feedback_export.feedback_csv(session=session, timezone=services.settings.timezone)
    return Response(content.encode("utf-8"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=feedback.csv"})


ROUTES = [Route("/feedback", feedback), Route("/feedback.csv", feedback_csv)]
