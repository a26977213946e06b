"""The Jinja2 templates of web/templates, with the filters that show times in the office's zone."""

from __future__ import annotations

from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
WEEKDAYS = "一二三四五六日"


def render(request: Request, name: str, context: dict[str, Any], *, status_code: int = 200) -> Response:
    services = request.app.state.services
    context = {
        "viewer": getattr(request.state, "viewer", None),
        "csrf": getattr(request.state, "csrf", ""),
        "tz": services.settings.tz,
        **context,
    }
    return TEMPLATES.TemplateResponse(request, name, context, status_code=status_code)


def _local(moment: datetime | None, tz: tzinfo, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """`{{ meeting.starts_at|local(tz) }}`: a stored (UTC) time as the office reads it."""
    return "" if moment is None else moment.astimezone(tz).strftime(fmt)


TEMPLATES.env.filters["local"] = _local
TEMPLATES.env.globals["weekdays"] = WEEKDAYS
