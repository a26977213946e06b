"""会议与议题: /meetings (the next meetings; the office registers, moves and cancels) and /meetings/ID (the
agenda with each item's state, the 3-day due time, late/urgent marks, missing 第四十九/五十一条
materials; export as docx, md or csv through office/agenda_export.py)."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from office.agenda_export import ExportError, export_agenda
from office.agenda_formats import FORMATS
from office.console_access import Viewer
from office.console_views import agenda_rows, next_meetings
from office.dates import DateError, parse_date
from office.meeting_moves import move_meeting
from office.meetings import MeetingError, cancel_meeting, materials_due, meeting_label, parse_meeting_time, parse_meeting_type, register_meetings
from storage.agenda import MeetingType, meeting_by_id
from web.auth import Outcome, action, forbidden, page, services_of
from web.rendering import render


@page()
def meetings(request: Request, viewer: Viewer) -> Response:
    services = services_of(request)
    with services.db.transaction() as session:
        rows = next_meetings(session=session, now=services.now(), days=90)
        return render(request, "meetings.html", {"rows": rows, "kinds": [k.value for k in MeetingType],
                                                 "today": services.now().date()})


class UnreadableTime(ValueError):
    """The form's start time is not HH:MM."""


def _starts_at(form, services) -> datetime:  # type: ignore[no-untyped-def]
    """The moment the form's date and time name, in the office's time zone."""
    day = parse_date(str(form.get("date", "")), today=services.now().date())
    at = parse_meeting_time(str(form.get("time", "")))
    if at is None:
        raise UnreadableTime("看不懂开始时间,请写成 09:00。")
    return datetime.combine(day, at, services.settings.tz)


@action(office_only=True)
def register(request: Request, viewer: Viewer, form) -> Outcome:  # type: ignore[no-untyped-def]
    services = services_of(request)
    tz = services.settings.tz
    try:
        starts_at = _starts_at(form, services)
        weeks = int(str(form.get("weeks") or "1"))
        with services.db.transaction() as session:
            created = register_meetings(
                session=session, kind=parse_meeting_type(str(form.get("kind", ""))),
                starts_at=starts_at, place=str(form.get("place", "")),
                chair_name=str(form.get("chair", "")).strip() or None, weeks=weeks,
                actor=viewer.actor, admin_ids=services.settings.admin_telegram_ids,
                now=services.now(), policy=services.alert_policy,
            )
            labels = [meeting_label(m, tz) for m in created]
            first = created[0].id
    except (DateError, MeetingError, UnreadableTime) as exc:
        return Outcome(str(exc), back="/meetings", refused=True)
    except ValueError:
        return Outcome("连续周数应为数字。", back="/meetings", refused=True)
    return Outcome("已登记:" + ";".join(labels), back=f"/meetings/{first}")


@action(office_only=True)
def cancel(request: Request, viewer: Viewer, form) -> Outcome:  # type: ignore[no-untyped-def]
    services = services_of(request)
    try:
        with services.db.transaction() as session:
            meeting, notices = cancel_meeting(
                session=session, meeting_id=int(request.path_params["meeting_id"]),
                reason=str(form.get("reason", "")), actor=viewer.actor,
                admin_ids=services.settings.admin_telegram_ids, tz=services.settings.tz, now=services.now())
            label = meeting_label(meeting, services.settings.tz)
    except MeetingError as exc:
        return Outcome(str(exc), back="/meetings", refused=True)
    return Outcome(f"已取消:{label};退回议题 {len(notices)} 项。", back="/meetings", notices=notices)


@action(office_only=True)
def move(request: Request, viewer: Viewer, form) -> Outcome:  # type: ignore[no-untyped-def]
    services = services_of(request)
    tz = services.settings.tz
    try:
        starts_at = _starts_at(form, services)
        with services.db.transaction() as session:
            meeting, notices = move_meeting(
                session=session, meeting_id=request.path_params["meeting_id"], starts_at=starts_at,
                actor=viewer.actor, admin_ids=services.settings.admin_telegram_ids, tz=tz,
                now=services.now(), policy=services.alert_policy)
            label = meeting_label(meeting, tz)
    except (DateError, MeetingError, UnreadableTime) as exc:
        return Outcome(str(exc), back="/meetings", refused=True)
    return Outcome(f"已改期:{label};已告知 {len(notices)} 项议题的提出人。", back=f"/meetings/{meeting.id}", notices=notices)


@page()
def agenda(request: Request, viewer: Viewer) -> Response:
    services = services_of(request)
    with services.db.transaction() as session:
        meeting = meeting_by_id(session, request.path_params["meeting_id"])
        if meeting is None:
            return render(request, "done.html", {"outcome": Outcome("没有这个会议。", back="/meetings", refused=True)},
                          status_code=404)
        rows = agenda_rows(session=session, viewer=viewer, meeting=meeting)
        return render(request, "agenda.html", {
            "meeting": meeting, "label": meeting_label(meeting, services.settings.tz), "rows": rows,
            "due": materials_due(meeting), "formats": FORMATS,
        })


@page(office_only=True)
def export(request: Request, viewer: Viewer) -> Response:
    services = services_of(request)
    with services.db.transaction() as session:
        meeting = meeting_by_id(session, request.path_params["meeting_id"])
        if meeting is None:
            return forbidden(request)
        try:
            name, content = export_agenda(session=session, meeting=meeting, fmt=request.query_params.get("format", "md"),
                                          tz=services.settings.tz)
        except ExportError as exc:
            return render(request, "done.html", {"outcome": Outcome(str(exc), back=f"/meetings/{meeting.id}", refused=True)},
                          status_code=400)
    return Response(content, media_type="application/octet-stream",
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})


ROUTES = [
    Route("/meetings", meetings, methods=["GET"]),
    Route("/meetings", register, methods=["POST"]),
    Route("/meetings/{meeting_id:int}", agenda),
    Route("/meetings/{meeting_id:int}/cancel", cancel, methods=["POST"]),
    Route("/meetings/{meeting_id:int}/move", move, methods=["POST"]),
    Route("/meetings/{meeting_id:int}/export", export),
]
