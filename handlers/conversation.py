"""The conversation core: which feature answers an `Incoming`, in one transaction, on any messenger.

A feature module written against the plain types (handlers/messages.py) exposes::

    COMMANDS: list[tuple[str, str]]   # (command, Chinese description) for the menu and /help
    HELP_LINES: list[tuple[str, str]] # optional: further forms of its commands for /help only,
                                      # e.g. ("/agenda todo", "待我审核、批准的议题")
    BUTTON_PREFIX: str | tuple[str, ...]  # the start of its buttons' data, e.g. "dl:" ("" takes any button)
    FORMS: list[Form]                 # its guided forms (handlers/forms.py)
    ASKS_GROUP_ADMIN: frozenset[str]  # optional: commands that need to know if a group's admin sent them
    TAKES_TEXT: bool                  # optional: plain text that answers no open form is for it (Q&A)
    def prepare(incoming, services)   # optional: slow work (retrieval) done before the transaction;
                                      # its result is `turn.prepared`
    def handle(turn: Turn) -> Response

`Conversation.respond` sends an answer to an open form (text, a form's button, an uploaded file)
to that form, /cancel to the open form (with none open it is start's command: nothing to give up), a command or a button to the feature that owns it (the
first in the list whose prefix matches), and other plain text (in a group: only text addressed
to the bot) to the feature that takes text. Each runs in one transaction that also records the
update's id, so a redelivered update changes nothing (and gets the answer it never got, if the
process died before sending it). A feature's `prepare` runs outside any transaction, so a slow
step holds no database lock; a redelivery is recognised before it, so the slow work is not done
again either.

    core = Conversation(services, [deadlines, qa])
    if core.feature_for(incoming) is not None or core.answers_form(incoming):
        response = core.respond(incoming)
"""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType

from bootstrap.services import Services
from handlers.forms import FormRunner, Turn, applied_once, mark_delivered
from handlers.messages import Incoming, Response
from storage.dialogs import applied_before

CANCEL = "cancel"


class Conversation:
    def __init__(self, services: Services, features: list[ModuleType], *,
                 commands: list[tuple[str, str]] | None = None,
                 help_lines: list[tuple[str, str]] | None = None) -> None:
        """`commands`, `help_lines`: every command of the bot and the further forms of them, for /help
        (default: those of `features`)."""
        if not features:
            raise ValueError("no features given")
        self._services = services
        self._features = features
        self.features = tuple(features)
        self._by_command = {name: feature for feature in features for name, _ in feature.COMMANDS}
        self._takes_text = next((f for f in features if getattr(f, "TAKES_TEXT", False)), None)
        self.commands = tuple(commands if commands is not None else
                              [command for feature in features for command in feature.COMMANDS])
        self.help_lines = tuple(help_lines if help_lines is not None else _help_lines(features))
        forms = [form for feature in features for form in feature.FORMS]
        self.forms = FormRunner(services, forms) if forms else None

    @classmethod
    def of_features(cls, services: Services, features: Sequence[ModuleType]) -> Conversation:
        """The core of those of `features` that are on it (they have `handle`), in their order; /help
        lists the commands of all of them (bot/app.py FEATURES: every channel adapter builds it so)."""
        return cls(services, [feature for feature in features if hasattr(feature, "handle")],
                   commands=[command for feature in features for command in feature.COMMANDS],
                   help_lines=_help_lines(features))

    def feature_for(self, incoming: Incoming) -> ModuleType | None:
        """The feature a button, a command or free text is for (an open form is asked first: `answers_form`)."""
        if incoming.file_id:
            return None  # an uploaded file only answers an open form
        if incoming.button is not None:
            return next((f for f in self._features if incoming.button.startswith(f.BUTTON_PREFIX)), None)
        if incoming.command is not None:
            return self._by_command.get(incoming.command)
        return self._takes_text if incoming.private or incoming.addressed else None

    def answers_form(self, incoming: Incoming) -> bool:
        """Plain text, /cancel, or a form's own button, from someone with one of our forms open."""
        if self.forms is None or (incoming.command is not None and incoming.command != CANCEL):
            return False
        if incoming.button is not None and not any(incoming.button.startswith(form.button_prefix)
                                                   for form in self.forms.forms if form.button_prefix):
            return False
        return self.forms.is_open(incoming)

    def asks_group_admin(self, incoming: Incoming) -> bool:
        """Whether the adapter must ask the messenger if the sender administers the group."""
        feature = self.feature_for(incoming)
        return not incoming.private and incoming.command in getattr(feature, "ASKS_GROUP_ADMIN", ())

    def claims(self, incoming: Incoming) -> bool:
        return self.feature_for(incoming) is not None or self.answers_form(incoming)

    def respond(self, incoming: Incoming) -> Response:
        if self.answers_form(incoming):
            assert self.forms is not None
            answered = self.forms.cancel(incoming) if incoming.command == CANCEL else self.forms.advance(incoming)
            if answered is not None:
                return answered
        feature = self.feature_for(incoming)
        if feature is None:
            return Response()
        prepare = getattr(feature, "prepare", None)
        # A redelivery skips the slow work: `applied_once` answers it without running the feature.
        prepared = prepare(incoming, self._services) if prepare and not self._applied_before(incoming) else None
        now = self._services.now()
        with self._services.db.transaction() as session:
            return applied_once(session, incoming, now, lambda: feature.handle(
                Turn(incoming, session, now, self._services, self.forms, commands=self.commands,
                     help_lines=self.help_lines, prepared=prepared)))

    def delivered(self, incoming: Incoming) -> None:
        """Called by the adapter once the response to `incoming` is sent (see `applied_once`)."""
        mark_delivered(self._services, incoming)

    def _applied_before(self, incoming: Incoming) -> bool:
        """A quick look, before slow work; the update's own transaction still decides (two replicas)."""
        if incoming.update_id is None:
            return False
        with self._services.db.transaction() as session:
            return applied_before(session, channel=incoming.channel, update_id=incoming.update_id)


def _help_lines(features: Sequence[ModuleType]) -> list[tuple[str, str]]:
    return [line for feature in features for line in getattr(feature, "HELP_LINES", ())]
