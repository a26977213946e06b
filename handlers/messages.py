"""The plain types the flows are written against, whatever the messenger.

A channel adapter (bot/telegram_flows.py for Telegram, the terminal chat through it) turns what
arrived into an `Incoming`, hands it to a flow, and renders the `Response` the flow returns: its
replies in the sender's chat and its notices in other people's and groups' chats. Text is `Rich`
(plain text with bold spans and quoted blocks), so no flow writes Telegram HTML or DingTalk
markdown itself.

Try it::

    >>> reply = Reply(Rich.of("已登记期限 ", bold("#3")), buttons=((Button("完成", "dl:done:3"),),))
    >>> reply.text.plain()
    '已登记期限 #3'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

PLAIN, BOLD = "plain", "bold"


@dataclass(frozen=True)
class Span:
    text: str
    style: str = PLAIN
    quoted: bool = False  # part of a quoted block (a cited article); adjacent quoted spans form one block


@dataclass(frozen=True)
class Rich:
    """Text with emphasis; the adapter escapes and marks it up for its messenger."""

    spans: tuple[Span, ...] = ()

    @classmethod
    def of(cls, *parts: str | Rich) -> Rich:
        spans: list[Span] = []
        for part in parts:
            spans += part.spans if isinstance(part, Rich) else [Span(str(part))]
        return cls(tuple(span for span in spans if span.text))

    @classmethod
    def lines(cls, lines: Iterable[str | Rich], separator: str = "\n") -> Rich:
        parts: list[str | Rich] = []
        for index, line in enumerate(lines):
            parts += [separator, line] if index else [line]
        return cls.of(*parts)

    def __add__(self, other: str | Rich) -> Rich:
        return Rich.of(self, other)

    def __radd__(self, other: str) -> Rich:
        return Rich.of(other, self)

    def plain(self) -> str:
        return "".join(span.text for span in self.spans)


def bold(text: str) -> Rich:
    return Rich((Span(text, BOLD),))


def quote(*parts: str | Rich) -> Rich:
    """One quoted block (bold spans inside stay bold); put a line break between two adjacent blocks."""
    return Rich(tuple(replace(span, quoted=True) for span in Rich.of(*parts).spans))


@dataclass(frozen=True)
class Button:
    label: str
    data: str  # what comes back in `Incoming.button`; at most 64 bytes (Telegram's limit)

    def __post_init__(self) -> None:
        if len(self.data.encode()) > 64:
            raise ValueError("button data longer than 64 bytes")


@dataclass(frozen=True)
class Incoming:
    """One message or one button press, as every messenger can say it."""

    channel: str  # "telegram", "dingtalk" …
    chat_id: str
    private: bool
    account: str | None  # the sender's id on the channel; None when no person can be named (anonymous admin)
    text: str = ""
    button: str | None = None  # data of the pressed button
    update_id: str | None = None  # the messenger's id of this delivery: applied once however often it comes
    # Asked of the messenger for the commands a feature lists in ASKS_GROUP_ADMIN; None otherwise.
    sender_is_group_admin: bool | None = None
    # A group message that mentions the bot or replies to one of its messages (the mention is
    # taken out of `text`); private messages are all for the bot.
    addressed: bool = False
    # With `button`: the buttons of the message that carried it, as they are shown now.
    shown_buttons: tuple[tuple[Button, ...], ...] = ()
    # A document the sender uploaded (its caption, if any, is `text`): the messenger's id for the
    # file and its name. Only an open form takes it (e.g. the 合法性审查意见 of /agenda).
    file_id: str = ""
    file_name: str = ""

    @property
    def command(self) -> str | None:
        """"deadline" for "/deadline@officebot 2026-12-05 …"; None for text that is not a command."""
        if self.button is not None or not self.text.startswith("/"):
            return None
        return self.text.split(maxsplit=1)[0][1:].split("@")[0].lower()

    @property
    def arguments(self) -> str:
        parts = self.text.split(maxsplit=1)
        return parts[1] if self.command is not None and len(parts) == 2 else ""


@dataclass(frozen=True)
class File:
    """A document sent with a reply (an exported agenda); the reply's text is its caption."""

    name: str
    content: bytes


APPEND, REPLACE = "append", "replace"  # how a reply edits the message whose button was pressed


@dataclass(frozen=True)
class Reply:
    """A message in the sender's chat; or, with `edit`, a change to the message whose button was
    pressed (APPEND a line under it, or REPLACE its text; its buttons become `buttons`; an APPEND of
    no text only changes the buttons); or, with `alert`, a pop-up answering a button press; or, with
    `file`, a document with `text` as its caption."""

    text: Rich
    buttons: tuple[tuple[Button, ...], ...] = ()
    edit: str = ""
    alert: bool = False
    file: File | None = None

    def __post_init__(self) -> None:
        if self.edit not in ("", APPEND, REPLACE):
            raise ValueError(f"edit must be APPEND or REPLACE, not {self.edit!r}")

    @classmethod
    def say(cls, *parts: str | Rich, buttons: tuple[tuple[Button, ...], ...] = ()) -> Reply:
        return cls(Rich.of(*parts), buttons=buttons)


@dataclass(frozen=True)
class Notice:
    """A message to another chat (a person privately, or a group): on `channel`, or on the channel
    the incoming message came from when `channel` is "" (handlers/recipients.py addresses a person
    on every channel they are registered on)."""

    chat_id: str
    reply: Reply
    channel: str = ""
    recipient: str = ""  # who it is for, named to the sender if it cannot be delivered (see `undelivered`)
    # The messenger's id of a file it already holds (e.g. a 合法性审查意见 the filer uploaded), sent
    # after the text with `attachment_caption`.
    attachment: str = ""
    attachment_caption: str = ""


@dataclass
class Response:
    """What a flow answers: replies in order, a short acknowledgement of a pressed button, notices.

    `undelivered`, when set, is said to the sender after the notices went out if some naming a
    `recipient` could not be delivered; its "{names}" becomes those recipients joined by 、. A
    recipient counts as reached when one of their notices arrived (a person may have several
    channels). `delivered`, when set, is said in the same message for the recipients reached."""

    replies: list[Reply] = field(default_factory=list)
    toast: str | None = None
    notices: list[Notice] = field(default_factory=list)
    undelivered: str = ""
    delivered: str = ""

    def delivery_report(self, reached: dict[str, bool]) -> Reply | None:
        """Who was told (`delivered`, if the flow asks for it) and who was not (`undelivered`), from
        whether each named recipient got at least one of their notices."""
        told = [name for name, arrived in reached.items() if arrived]
        missed = [name for name, arrived in reached.items() if not arrived]
        lines = [template.replace("{names}", "、".join(names))
                 for template, names in ((self.delivered, told), (self.undelivered, missed)) if template and names]
        return Reply.say("\n".join(lines)) if lines else None
