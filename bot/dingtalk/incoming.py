"""What DingTalk's Stream mode delivers, as the core's `Incoming`.

A robot message (topic /v1.0/im/bot/messages/get) names its sender by `senderStaffId` (the
person's DingTalk user id, matched to the directory's "dingtalk" account), its chat by
`conversationType` ("1" private, "2" group) and `conversationId` (a group's openConversationId),
and itself by `msgId` (the update id: a message delivered twice is applied once). A private
chat's id is the sender's user id, so a notice to a person and a reply in their chat are the
same address. DingTalk users do not type a slash: a message whose first word is one of the bot's
commands ("deadlines", "deadline 2026-12-05 …", also "／deadlines") is that command. In a group,
DingTalk hands the robot only the messages that @-mention it, with the mention taken out;
`isInAtList` says so.

A card button press (topic /v1.0/card/instances/callback) names the card by `outTrackId`, which
the adapter made from the chat it sent the card to (`card_track_id`), the presser by `userId`,
and the button by the `data` parameter of its action.

Try it::

    >>> incoming_of_message({"msgId": "m1", "conversationType": "1", "conversationId": "cidP",
    ...     "senderStaffId": "u7", "msgtype": "text", "text": {"content": " deadlines"}}, {"deadlines"}).text
    '/deadlines'
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Collection
from typing import Any

from handlers.messages import Incoming

CHANNEL = "dingtalk"
PRIVATE, GROUP = "1", "2"
GROUP_PREFIX = "cid"  # every openConversationId starts so; a user id does not
_TRACK_SEPARATOR = "|"


def is_group(chat_id: str) -> bool:
    return chat_id.startswith(GROUP_PREFIX)


def as_command(text: str, commands: Collection[str]) -> str:
    """"deadlines" → "/deadlines" when the first word is one of `commands` (a slash, also ／, kept)."""
    text = text.strip()
    if text.startswith("／"):
        text = "/" + text[1:]
    word = text.split(maxsplit=1)[0].lower() if text else ""
    if not text.startswith("/") and word in commands:
        return "/" + text
    return text


def incoming_of_message(data: dict[str, Any], commands: Collection[str]) -> Incoming | None:
    """A robot message as the core reads it; None for what the core never takes (pictures, files)."""
    if data.get("msgtype") != "text":
        return None
    private = str(data.get("conversationType")) == PRIVATE
    account = data.get("senderStaffId") or None
    chat_id = account if private else data.get("conversationId")
    if not chat_id:
        return None
    text = as_command(str((data.get("text") or {}).get("content", "")), commands)
    return Incoming(CHANNEL, str(chat_id), private, account, text=text, update_id=str(data.get("msgId") or "") or None,
                    addressed=not private and bool(data.get("isInAtList", True)),
                    sender_is_group_admin=bool(data.get("isAdmin")) if not private else None)


def card_track_id(chat_id: str) -> str:
    """A new card's outTrackId: the chat it goes to and a unique part."""
    return f"{chat_id}{_TRACK_SEPARATOR}{uuid.uuid4().hex[:16]}"


def chat_of_card(track_id: str) -> str:
    return track_id.rsplit(_TRACK_SEPARATOR, 1)[0]


def incoming_of_card_press(data: dict[str, Any], *, frame_id: str) -> Incoming | None:
    """A card button press; `frame_id` (the stream frame's messageId) is its update id."""
    track_id, account = data.get("outTrackId") or "", data.get("userId") or None
    try:
        content = json.loads(data.get("content") or "{}")
    except json.JSONDecodeError:
        return None
    private_data = content.get("cardPrivateData") or {}
    button = (private_data.get("params") or {}).get("data")
    if not track_id or not isinstance(button, str):
        return None
    chat_id = chat_of_card(track_id)
    return Incoming(CHANNEL, chat_id, not is_group(chat_id), account, button=button, update_id=frame_id)
