"""Guided forms on stored dialogs: each answer is one transaction that reads the form, runs its
step and writes the next state (storage/dialogs.py), together with whatever the step records.

A form is a name and its steps; a step gets the `Turn` (the incoming answer, a session, the
clock's now) and the answers so far, and returns a `Next`: the response, the next step (None when
the form is finished) and the answers to keep. A restart, or another replica, reads the same row,
so the person's next answer lands on the right step wherever it arrives. A form left untouched
for `DIALOG_IDLE_MINUTES` is dropped with a message when the next answer comes.

    form = Form("deadline_form", steps={WHEN: ask_title, TITLE: ask_target, TARGET: record})
    forms = FormRunner(services, [form])
    forms.start(incoming, form, step=WHEN, data={"command": "deadline"}, response=question)
    forms.advance(incoming)        # None when no form is open for the sender in this chat
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from bootstrap.services import Services
from handlers import response_codec
from handlers.messages import Incoming, Reply, Response
from storage import dialogs
from storage.dialogs import DialogConflict, DialogKey

CONFLICT_RETRIES = 3
CANCELLED = "已放弃填写,未保存任何内容。"


@dataclass
class Turn:
    """One incoming message being answered, in one transaction (`session`)."""

    incoming: Incoming
    session: Session
    now: datetime
    services: Services
    forms: FormRunner | None = None
    commands: tuple[tuple[str, str], ...] = ()  # every command of the bot (core or not), for /help
    help_lines: tuple[tuple[str, str], ...] = ()  # further forms of those commands, for /help
    prepared: Any = None  # what the feature's `prepare` found before this transaction (handlers/conversation.py)


@dataclass
class Next:
    response: Response
    step: str | None  # None: the form is finished (or given up) and its dialog is closed
    data: dict[str, Any] = field(default_factory=dict)


Step = Callable[[Turn, dict[str, Any]], Next]


@dataclass(frozen=True)
class Form:
    name: str
    steps: dict[str, Step]
    restart_hint: str = ""  # how to start again, said when the form has expired
    button_prefix: str = ""  # the data of the form's own buttons starts with this

    def __post_init__(self) -> None:
        if not self.steps:
            raise ValueError("a form needs at least one step")


def applied_once(session: Session, incoming: Incoming, now: datetime, answer: Callable[[], Response]) -> Response:
    """Run `answer` in the caller's transaction unless this update was applied before (a webhook
    retry, a redelivery after a restart), recording its id, and keep what it answered until the
    adapter has sent it (`mark_delivered`). A repeat gets that kept answer if it never went out (the
    process died between the commit and the sending), and nothing otherwise."""
    if incoming.update_id is None:
        return answer()
    where = {"channel": incoming.channel, "update_id": incoming.update_id}
    if not dialogs.first_delivery(session, now=now, **where):
        kept = dialogs.undelivered_response(session, **where)
        return response_codec.decode(kept) if kept else Response()
    response = answer()
    dialogs.keep_response(session, response=response_codec.encode(response), **where)
    return response


def mark_delivered(services: Services, incoming: Incoming) -> None:
    """The adapter has sent the answer to `incoming`: a later redelivery gets nothing."""
    if incoming.update_id is None:
        return
    with services.db.transaction() as session:
        dialogs.mark_delivered(session, channel=incoming.channel, update_id=incoming.update_id, now=services.now())


def dialog_key(incoming: Incoming) -> DialogKey | None:
    return None if incoming.account is None else DialogKey(incoming.channel, incoming.chat_id, incoming.account)


class FormRunner:
    """Starts, advances and cancels the stored forms of one set of `Form`s."""

    def __init__(self, services: Services, forms: list[Form]) -> None:
        if not forms:
            raise ValueError("no forms given")
        self._services = services
        self._forms = {form.name: form for form in forms}
        self.forms = tuple(forms)
        self._idle = timedelta(minutes=services.settings.dialog_idle_minutes)

    def is_open(self, incoming: Incoming) -> bool:
        """Whether the sender has one of these forms open in this chat."""
        key = dialog_key(incoming)
        if key is None:
            return False
        with self._services.db.transaction() as session:
            opened = dialogs.load(session, key)
        return opened is not None and opened.flow in self._forms

    def start(self, session: Session, incoming: Incoming, form: Form, *, step: str, data: dict[str, Any]) -> None:
        """Open `form` at `step` for the sender (replacing a form they had open in this chat)."""
        if step not in form.steps:
            raise ValueError(f"{form.name} has no step {step}")
        key = dialog_key(incoming)
        if key is None:
            raise ValueError("a form needs a sender")
        opened = dialogs.load(session, key)
        dialogs.save(session, key, flow=form.name, step=step, data=data,
                     version=opened.version if opened else None, now=self._services.now())

    def advance(self, incoming: Incoming) -> Response | None:
        """Run the open form's step on this answer; None when no form of ours is open."""
        for _ in range(CONFLICT_RETRIES):
            try:
                return self._advance_once(incoming)
            except DialogConflict:
                continue  # another replica took a step: read the form again and answer on its new state
        return Response([Reply.say("表单正在别处更新,请稍后重新发送这条回答。")])

    def _advance_once(self, incoming: Incoming) -> Response | None:
        key = dialog_key(incoming)
        if key is None:
            return None
        now = self._services.now()
        with self._services.db.transaction() as session:
            opened = dialogs.load(session, key)
            if opened is None or opened.flow not in self._forms:
                return None
            return applied_once(session, incoming, now, lambda: self._step(session, key, opened, incoming, now))

    def _step(self, session: Session, key: DialogKey, opened: dialogs.OpenDialog, incoming: Incoming,
              now: datetime) -> Response:
        form = self._forms[opened.flow]
        if now - opened.updated_at > self._idle:
            dialogs.close(session, key, version=opened.version)
            minutes = int(self._idle.total_seconds() // 60)
            return Response([Reply.say(f"上次的填写已超过 {minutes} 分钟没有继续,已放弃,未保存任何内容。"
                                       f"{form.restart_hint}")])
        step = form.steps.get(opened.step)
        if step is None:  # a step renamed by an upgrade: start again rather than guess
            dialogs.close(session, key, version=opened.version)
            return Response([Reply.say(f"表单已更新,请重新开始。{form.restart_hint}")])
        result = step(Turn(incoming, session, now, self._services, self), dict(opened.data))
        if result.step is None:
            dialogs.close(session, key, version=opened.version)
        else:
            dialogs.save(session, key, flow=form.name, step=result.step, data=result.data,
                         version=opened.version, now=now)
        return result.response

    def cancel(self, incoming: Incoming) -> Response | None:
        """/cancel: drop the open form; None when none of ours is open."""
        key = dialog_key(incoming)
        if key is None:
            return None
        with self._services.db.transaction() as session:
            opened = dialogs.load(session, key)
            if opened is None or opened.flow not in self._forms:
                return None

            def cancel() -> Response:
                dialogs.discard(session, key)
                return Response([Reply.say(CANCELLED)])

            return applied_once(session, incoming, self._services.now(), cancel)
