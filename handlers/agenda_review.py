"""The review buttons of an agenda item: 通过 and 退回 (with a reason), for the person whose step it is.

A review request reaches the 分管副区长 and then the 区长 / 常务副区长 with 通过 ("ag:ok:<item>")
and 退回 ("ag:ret:<item>"). 通过 rewrites the card to the verdict and the item in its state now
(office.agenda.item_card: 主要内容, units involved and their opinions, the remaining disagreement,
the legality review), without its buttons. 退回 asks for the reason in the next message (a stored
dialog; /cancel keeps the item as it was). Anybody else pressing a button, or a second press after
the step is done, gets a refusal that says whose step it is (checked in office/agenda.py). The
sender is told who was told and who could not be. Written once for every messenger; try it:
`/agenda todo` as a reviewer shows the buttons again.
"""

from __future__ import annotations

import re
from typing import Any

from handlers.agenda_notify import with_notices
from handlers.forms import Form, Next, Turn
from handlers.messages import REPLACE, Reply, Response, Rich
from handlers.senders import refusal, sender_actor
from office.actors import Actor
from office.agenda import AgendaError, approve_item, check_reviewer, item_card, return_item

COMMANDS: list[tuple[str, str]] = []
BUTTON_PREFIX = ("ag:ok:", "ag:ret:")

REVIEW_BUTTON = re.compile(r"^ag:(ok|ret):(\d{1,12})$")
REASON = "reason"


def handle(turn: Turn) -> Response:
    incoming = turn.incoming
    match = REVIEW_BUTTON.match(incoming.button or "")
    if match is None:
        return Response([refusal(incoming, "这个按钮已失效。")])
    actor = sender_actor(incoming)
    if isinstance(actor, Reply):
        return Response([actor])
    item_id = int(match.group(2))
    return _approve(turn, item_id, actor) if match.group(1) == "ok" else _ask_reason(turn, item_id, actor)


def _approve(turn: Turn, item_id: int, actor: Actor) -> Response:
    tz = turn.services.settings.tz
    try:
        with turn.session.begin_nested():
            outcome = approve_item(session=turn.session, item_id=item_id, actor=actor, now=turn.now, tz=tz)
    except AgendaError as error:
        return Response([refusal(turn.incoming, str(error))])
    # The card as decided: the verdict and the item in its state now, not the state it was asked in.
    decided = Reply(Rich.of(f"✅ 您已通过\n{item_card(outcome.item, tz)}"), edit=REPLACE)
    return with_notices(Response([decided], toast="已通过"), turn.session, outcome.notices, turn.services.settings)


def _ask_reason(turn: Turn, item_id: int, actor: Actor) -> Response:
    try:
        title = check_reviewer(session=turn.session, item_id=item_id, actor=actor)
    except AgendaError as error:
        return Response([refusal(turn.incoming, str(error))])
    assert turn.forms is not None
    turn.forms.start(turn.session, turn.incoming, FORM, step=REASON, data={"item_id": item_id})
    return Response([Reply.say(f"请输入退回议题「{title}」的理由(发送 /cancel 不退回):")], toast="")


def on_reason(turn: Turn, data: dict[str, Any]) -> Next:
    reason = turn.incoming.text.strip()
    if not reason:
        return Next(Response([Reply.say("请输入退回理由(发送 /cancel 不退回):")]), REASON, data)
    actor = sender_actor(turn.incoming)
    if isinstance(actor, Reply):
        return Next(Response([actor]), None)
    tz = turn.services.settings.tz
    try:
        with turn.session.begin_nested():
            outcome = return_item(session=turn.session, item_id=data["item_id"], actor=actor, reason=reason, tz=tz)
    except AgendaError as error:
        return Next(Response([Reply.say(str(error))]), None)
    done = Reply.say(f"↩️ 您已退回议题「{outcome.item.title}」。\n{item_card(outcome.item, tz)}")
    return Next(with_notices(Response([done]), turn.session, outcome.notices, turn.services.settings), None)


FORM = Form("agenda_return", steps={REASON: on_reason}, restart_hint="如需退回,请重新点议题卡片上的「退回」。")
FORMS = [FORM]
