"""请假: /approvals (the reports waiting for the signed-in person, 同意/退回) and /away (a month
calendar of who is away, by unit, with a bar chart of days away per unit drawn as inline SVG on the
server; CSV export for the office)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from office.console_access import Viewer
from office.console_views import away_between, leave_days_by_unit, waiting_approvals
from office.dates import DateError, parse_date
from office.leave import LeaveError, decide_leave
from office.leave_decision_notices import decision_notices
from office.leave_views import export_csv
from web.auth import Outcome, action, page, services_of
from web.rendering import render


@page()
def approvals(request: Request, viewer: Viewer) -> Response:
    services = services_of(request)
    with services.db.transaction() as session:
        waiting = waiting_approvals(session=session, viewer=viewer)
    return render(request, "approvals.html", {"waiting": waiting, "now": services.now()})


@action()
def decide(request: Request, viewer: Viewer, form) -> Outcome:  # type: ignore[no-untyped-def]
    services = services_of(request)
    approve = form.get("decision") == "approve"
    try:
        with services.db.transaction() as session:
            decision = decide_leave(session=session, approval_id=int(request.path_params["approval_id"]),
                                    actor=viewer.actor, approve=approve, note=str(form.get("note", "")),
                                    now=services.now(), policy=services.alert_policy)
            notices = decision_notices(session=session, decision=decision)
    except LeaveError as exc:
        return Outcome(str(exc), back="/approvals", refused=True)
    leave = decision.leave
    return Outcome(f"已{decision.approval.decision}:{leave.filer.name}的{leave.kind.value}申请(编号 {leave.id})。",
                   back="/approvals", notices=notices)


def _month_of(request: Request, today: date) -> date | str:
    text = request.query_params.get("date", "")
    if not text:
        return today
    try:
        return parse_date(text, today=today)
    except DateError:
        return f"看不懂日期「{text}」,请写成 2026-12-01。"


@page()
def away(request: Request, viewer: Viewer) -> Response:
    services = services_of(request)
    today = services.now().date()
    day = _month_of(request, today)
    if isinstance(day, str):
        return render(request, "away.html", {"error": day, "weeks": []}, status_code=400)
    first = day.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    with services.db.transaction() as session:
        days = away_between(session=session, viewer=viewer, start=first, end=last)
    weeks = calendar.Calendar().monthdatescalendar(first.year, first.month)
    by_unit = {d: sorted(leaves, key=lambda leave: (leave.filer.unit, leave.filer.name)) for d, leaves in days.items()}
    previous = (first - timedelta(days=1)).replace(day=1)
    following = last + timedelta(days=1)
    chart = leave_days_by_unit(days)
    return render(request, "away.html", {"month": first, "weeks": weeks, "days": by_unit, "today": today,
                                          "previous": previous, "following": following, "chart": chart,
                                          "chart_max": max((n for _, n in chart), default=1)})


@page(office_only=True)
def away_csv(request: Request, viewer: Viewer) -> Response:
    services = services_of(request)
    with services.db.transaction() as session:
        content = export_csv(session=session, timezone=services.settings.timezone)
    return Response(content.encode("utf-8-sig"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=leave.csv"})


ROUTES = [
    Route("/approvals", approvals),
    Route("/approvals/{approval_id:int}", decide, methods=["POST"]),
    Route("/away", away),
    Route("/away.csv", away_csv),
]
