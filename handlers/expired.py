"""The last feature: a button press that no other feature claimed gets a polite 已过期 and nothing else.

That covers buttons of messages from older versions and forged callback data (a feature answers
已过期 itself for data under its own prefix that fails its validation). Its prefix "" takes any
button, so it must stay last in bot/app.py's FEATURES. Try it: press a button under a message the
bot no longer knows about.
"""

from __future__ import annotations

from handlers.forms import Turn
from handlers.messages import Response

COMMANDS: list[tuple[str, str]] = []
BUTTON_PREFIX = ""
FORMS: list = []

EXPIRED = "已过期"


def handle(turn: Turn) -> Response:
    return Response(toast=EXPIRED)
