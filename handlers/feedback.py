"""👍 / 👎 under an answer, written once for every messenger: the rating is stored with the
question, the citations and the asker (office/answer_feedback.py).

Only the person who asked may rate an answer, on the messenger they asked on (in a group, others'
opinions would drown the asker's); pressing again changes the rating, and the chosen button gets
a ✅. Button data "qa:fb:<answer id>:up|down". `officebot feedback --csv` exports the ratings.
Try it: ask a question in `officebot chat` and press the number shown next to 👍.
"""

from __future__ import annotations

import re

from handlers.expired import EXPIRED
from handlers.forms import Turn
from handlers.messages import APPEND, Button, Reply, Response, Rich
from office.answer_feedback import Rating, rate_answer

COMMANDS: list[tuple[str, str]] = []
BUTTON_PREFIX = "qa:fb:"  # before handlers/qa.py's "qa:" in the feature list
FORMS: list = []

PATTERN = re.compile(r"^qa:fb:(\d{1,12}):(up|down)$")
RATING_LABELS = {"up": "👍", "down": "👎"}
CHOSEN = "✅"

THANKS = "已记录,谢谢您的反馈!"
NOT_YOURS = "只有提问的人可以评价这条回答。"

REPLIES = {Rating.RECORDED: THANKS, Rating.NOT_YOURS: NOT_YOURS, Rating.UNKNOWN_ANSWER: EXPIRED}


def rating_buttons(answer_id: int) -> tuple[Button, ...]:
    return tuple(Button(label, f"qa:fb:{answer_id}:{rating}") for rating, label in RATING_LABELS.items())


def marked(rows: tuple[tuple[Button, ...], ...], chosen: str) -> tuple[tuple[Button, ...], ...]:
    """The same buttons with ✅ on the chosen rating (and none on the other)."""
    def mark(button: Button) -> Button:
        if not PATTERN.match(button.data):
            return button
        label = RATING_LABELS[button.data.rsplit(":", 1)[1]]
        return Button(CHOSEN + label if button.data == chosen else label, button.data)

    return tuple(tuple(mark(button) for button in row) for row in rows)


def handle(turn: Turn) -> Response:
    incoming = turn.incoming
    match = PATTERN.match(incoming.button or "")
    if match is None:
        return Response(toast=EXPIRED)
    result = rate_answer(session=turn.session, answer_id=int(match.group(1)), channel=incoming.channel,
                         account=incoming.account, rating=match.group(2), now=turn.now)
    response = Response(toast=REPLIES[result])
    if result is Rating.RECORDED:
        buttons = marked(incoming.shown_buttons, incoming.button or "")
        if buttons != incoming.shown_buttons:  # the same rating again: nothing to redraw
            response.replies.append(Reply(Rich(), buttons=buttons, edit=APPEND))
    return response
