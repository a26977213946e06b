"""The conversation core: which feature answers an `Incoming`, in one transaction, on any messenger.

A feature module written against the plain types (handlers/messages.py) exposes::

    COMMANDS: list[tuple[str, str]]   # (command, Chinese description) for the menu and /help
    BUTTON_PREFIX: str                # the start of its buttons' data, e.g. "dl:"
    FORMS: list[Form]                 # its guided forms (handlers/forms.py)
    ASKS_GROUP_ADMIN: frozenset[str]  # optional: commands that need to know if a group's admin sent them
    def handle(turn: Turn) -> Response

`Conversation.respond` sends an answer to an open form to that form, /cancel to the open form, a
command or a button to the feature that owns it, each in one transaction that also records the
update's id, so a redelivered update changes nothing (and gets the answer it never got, if the
process died before sending it); `claims` says beforehand whether it would (so a
channel adapter can leave everything else to the features not yet moved onto this core).

    core = Conversation(services, [deadlines])
    if core.claims(incoming):
        response = core.respond(incoming)
"""

from __future__ import annotations

from types import ModuleType

from bot.services import Services
from handlers.forms import FormRunner, Turn, applied_once, mark_delivered
from handlers.messages import Incoming, Response

CANCEL = "cancel"


class Conversation:
    def __init__(self, services: Services, features: list[ModuleType]) -> None:
        if not features:
            raise ValueError("no features given")
        self._services = services
        self._features = features
        self._by_command = {name: feature for feature in features for name, _ in feature.COMMANDS}
        forms = [form for feature in features for form in feature.FORMS]
        self.forms = FormRunner(services, forms) if forms else None

    def _feature_for(self, incoming: Incoming) -> ModuleType | None:
        if incoming.button is not None:
            return next((f for f in self._features if incoming.button.startswith(f.BUTTON_PREFIX)), None)
        return self._by_command.get(incoming.command or "")

    def _answers_form(self, incoming: Incoming) -> bool:
        """Plain text, /cancel, or a form's own button, from someone with one of our forms open."""
        if self.forms is None or (incoming.command is not None and incoming.command != CANCEL):
            return False
        if incoming.button is not None and not any(incoming.button.startswith(form.button_prefix)
                                                   for form in self.forms.forms if form.button_prefix):
            return False
        return self.forms.is_open(incoming)

    def asks_group_admin(self, incoming: Incoming) -> bool:
        """Whether the adapter must ask the messenger if the sender administers the group."""
        feature = self._feature_for(incoming)
        return not incoming.private and incoming.command in getattr(feature, "ASKS_GROUP_ADMIN", ())

    def claims(self, incoming: Incoming) -> bool:
        return self._feature_for(incoming) is not None or self._answers_form(incoming)

    def respond(self, incoming: Incoming) -> Response:
        if self._answers_form(incoming):
            assert self.forms is not None
            answered = self.forms.cancel(incoming) if incoming.command == CANCEL else self.forms.advance(incoming)
            if answered is not None:
                return answered
        feature = self._feature_for(incoming)
        if feature is None:
            return Response()
        now = self._services.now()
        with self._services.db.transaction() as session:
            return applied_once(session, incoming, now,
                                lambda: feature.handle(Turn(incoming, session, now, self._services, self.forms)))

    def delivered(self, incoming: Incoming) -> None:
        """Called by the adapter once the response to `incoming` is sent (see `applied_once`)."""
        mark_delivered(self._services, incoming)
