"""今日: who is away today and this week, approvals waiting and for how long, deadlines due this week
and overdue, reminders that failed, the next meetings with how many items came late."""

from __future__ import annotations

from datetime import timedelta

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from office.console_access import Viewer
from office.console_views import (
    away_between, distinct_leaves, failed_reminders, next_meetings, visible_deadlines, waiting_approvals,
)
from web.auth import page, services_of
from web.rendering import render


@page()
def today(request: Request, viewer: Viewer) -> Response:
    services = services_of(request)
    now = services.now()
    monday = now.date() - timedelta(days=now.weekday())
    week_end = monday + timedelta(days=6)
    with services.db.transaction() as session:
        week = away_between(session=session, viewer=viewer, start=monday, end=week_end)
        visible = visible_deadlines(session=session, viewer=viewer, now=now)
        deadlines = [d for d in visible if d.due_at.astimezone(now.tzinfo).date() <= week_end]
        context = {
            "now": now,
            "away_today": week[now.date()],
            "away_week": distinct_leaves(week),
            "waiting": waiting_approvals(session=session, viewer=viewer),
            "overdue": [d for d in deadlines if d.overdue],
            "due_week": [d for d in deadlines if not d.overdue],
            "meetings": next_meetings(session=session, now=now, days=14)[:5],
            "troubled": failed_reminders(session=session, viewer=viewer, visible_ids={d.id for d in visible}),
        }
        return render(request, "today.html", context)


ROUTES = [Route("/", today)]
