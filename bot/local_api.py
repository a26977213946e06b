"""An in-memory Telegram Bot API: the methods a bot calls, and the people who talk to it.

One `LocalBotApi` is one bot's view of Telegram: its users, chats, messages (with ids, `from`,
dates in seconds, inline keyboards, edits), the update queue with `getUpdates` long-poll and
offset semantics, callback queries, documents, the command menu and the webhook settings.
Bot-side methods take the parameters PTB sends (strings, JSON-encoded where Telegram expects
objects) and return the JSON Telegram would, or raise `BotApiError` with Telegram's error text.
The user side (`add_user`, `send_text`, `press`, `wait_message` …) plays the people.

Two things run on it:

* `officebot chat` (bot/chat.py) builds the real bot with `LocalRequest`, a PTB `BaseRequest`
  that answers Bot API calls from this object in-process, so the terminal chat runs exactly the
  bot's handlers;
* the end-to-end tests serve it over HTTP (tests/e2e/emulator.py) to the unmodified
  `officebot run` process.

All methods must be called from the event loop that owns the object (waiting uses asyncio).
Try it::

    api = LocalBotApi("1:local")
    api.add_user(7, "小王")
    api.send_text(7, "你好")                          # a person types; an update is queued
    await api.call("getUpdates", {"timeout": "0"})   # -> [{"update_id": 1, "message": {...}}]
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections import deque
from collections.abc import Callable, Iterable
from html.parser import HTMLParser
from typing import Any

from telegram.request import BaseRequest, RequestData

MAX_MESSAGE_UNITS = 4096
MAX_CAPTION_UNITS = 1024
MAX_CALLBACK_DATA_BYTES = 64

Json = dict[str, Any]
# PTB hands uploads over as {field: (file name, bytes, mime type)}.
Files = dict[str, tuple[str, bytes, str]]


class BotApiError(Exception):
    """A Bot API call that Telegram would refuse: HTTP status, Telegram's description."""

    def __init__(self, code: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def to_json(self) -> Json:
        body: Json = {"ok": False, "error_code": self.code, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's limits and entity offsets."""
    return len(text.encode("utf-16-le")) // 2


class _TelegramHTML(HTMLParser):
    """Parses `parse_mode=HTML` text the way Telegram does: plain text plus entities."""

    TAGS = {
        "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
        "ins": "underline", "s": "strikethrough", "strike": "strikethrough",
        "del": "strikethrough", "code": "code", "pre": "pre", "a": "text_link",
        "tg-spoiler": "spoiler", "span": "spoiler", "blockquote": "blockquote",
        "tg-emoji": "custom_emoji",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.units = 0
        self.open: list[tuple[str, int, dict]] = []
        self.entities: list[Json] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag not in self.TAGS:
            raise BotApiError(400, f"Bad Request: can't parse entities: Unsupported start tag \"{tag}\"")
        self.open.append((tag, self.units, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1][0] != tag:
            raise BotApiError(400, f"Bad Request: can't parse entities: Unmatched end tag \"{tag}\"")
        name, start, attrs = self.open.pop()
        if self.units > start:
            entity: Json = {"type": self.TAGS[name], "offset": start, "length": self.units - start}
            if name == "a":
                entity["url"] = attrs.get("href", "")
            self.entities.append(entity)

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        self.units += utf16_len(data)

    def result(self) -> tuple[str, list[Json]]:
        self.close()
        if self.open:
            raise BotApiError(
                400, f"Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"{self.open[-1][0]}\""
            )
        return "".join(self.text), sorted(self.entities, key=lambda e: e["offset"])


def parse_html(text: str) -> tuple[str, list[Json]]:
    """(plain text, entities) of an HTML-formatted message, or BotApiError like Telegram's."""
    parser = _TelegramHTML()
    parser.feed(text)
    return parser.result()


def user_entities(text: str, bot_username: str | None = None) -> list[Json]:
    """The entities a Telegram client attaches to typed text: a leading /command, @mentions."""
    entities = []
    command = re.match(r"/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]{3,32})?", text)
    if command:
        entities.append({"type": "bot_command", "offset": 0, "length": utf16_len(command.group())})
    for mention in re.finditer(r"(?<![A-Za-z0-9_/])@[A-Za-z][A-Za-z0-9_]{3,31}", text):
        if command and mention.start() < command.end():
            continue
        entities.append(
            {"type": "mention", "offset": utf16_len(text[: mention.start()]), "length": utf16_len(mention.group())}
        )
    return entities


def _json_param(params: Json, name: str, default: Any = None) -> Any:
    """A parameter Telegram expects as a JSON object (PTB sends it JSON-encoded)."""
    value = params.get(name)
    if value is None or value == "":
        return default
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise BotApiError(400, f"Bad Request: can't parse {name} JSON object") from None
    return value


def _int_param(params: Json, name: str, default: int | None = None) -> int:
    value = params.get(name)
    if value is None or value == "":
        if default is None:
            raise BotApiError(400, f"Bad Request: {name} is empty")
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise BotApiError(400, f"Bad Request: invalid {name}") from None


def _bool_param(params: Json, name: str) -> bool:
    return str(params.get(name, "")).lower() in ("1", "true")


class LocalBotApi:
    """One bot's Telegram, in memory. See the module docstring."""

    def __init__(self, token: str, *, username: str = "officebot_bot", first_name: str = "办公助手") -> None:
        self.token = token
        bot_id = int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else 1
        self.bot_user: Json = {
            "id": bot_id,
            "is_bot": True,
            "first_name": first_name,
            "username": username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.users: dict[int, Json] = {}
        self.chats: dict[int, Json] = {}
        self.admins: dict[int, set[int]] = {}
        self.members: dict[int, set[int]] = {}
        self.messages: dict[tuple[int, int], Json] = {}
        self.history: dict[int, list[Json]] = {}  # chat id -> every message, both directions
        self._next_message_id: dict[int, int] = {}
        self.updates: deque[Json] = deque()
        self.last_update: Json | None = None
        self._redeliveries: deque[Json] = deque()
        # Like Telegram's, update ids keep increasing across restarts (the bot remembers the ones it
        # applied, storage/dialogs.py): start from the microsecond of start-up, not from 1.
        self._update_ids = itertools.count(time.time_ns() // 1000)
        self._query_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self.callback_queries: dict[str, Json] = {}
        self.callback_answers: dict[str, Json] = {}
        self.files: dict[str, tuple[Json, bytes]] = {}  # file_id -> (Document, content)
        self.commands: list[Json] = []
        self.webhook: Json = {"url": "", "secret_token": None}
        self.calls: deque[tuple[str, Json]] = deque(maxlen=20_000)
        # What the bot did, in order, for readers that follow it (the terminal chat).
        self.events: list[tuple[str, Json]] = []
        self._faults: list[list] = []  # [method, retry_after, remaining]
        self._changed = asyncio.Event()
        self._methods: dict[str, Callable[[Json, Files], Any]] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendChatAction": self._send_chat_action,
            "getChat": self._get_chat,
            "getChatMember": self._get_chat_member,
            "getChatAdministrators": self._get_chat_administrators,
            "sendDocument": self._send_document,
            "getFile": self._get_file,
            "close": lambda params, files: True,
            "logOut": lambda params, files: True,
        }

    # ---------------------------------------------------------------- bot side

    async def call(self, method: str, params: Json | None = None, files: Files | None = None) -> Any:
        """Run one Bot API method; the result Telegram would put under "result"."""
        params = dict(params or {})
        self.calls.append((method, params))
        self._notify()
        handler = self._methods.get(method) or self._methods.get(_canonical(method, self._methods))
        if handler is None:
            raise BotApiError(404, "Not Found: method not found")
        for fault in self._faults:
            if fault[0] == method and fault[2] > 0:
                fault[2] -= 1
                raise BotApiError(429, f"Too Many Requests: retry after {fault[1]}", retry_after=fault[1])
        result = handler(params, files or {})
        if asyncio.iscoroutine(result):
            result = await result
        return result

    async def respond(self, method: str, params: Json | None = None, files: Files | None = None) -> tuple[int, bytes]:
        """`call` as an HTTP status and JSON body, the way the Bot API answers."""
        try:
            result = await self.call(method, params, files)
        except BotApiError as error:
            return error.code, json.dumps(error.to_json(), ensure_ascii=False).encode()
        return 200, json.dumps({"ok": True, "result": result}, ensure_ascii=False).encode()

    def inject_retry_after(self, method: str, seconds: int = 1, times: int = 1) -> None:
        """Make the next `times` calls of `method` fail with 429 Too Many Requests (RetryAfter)."""
        self._faults.append([method, seconds, times])

    def _get_me(self, params: Json, files: Files) -> Json:
        return dict(self.bot_user)

    async def _get_updates(self, params: Json, files: Files) -> list[Json]:
        if self.webhook["url"]:
            raise BotApiError(
                409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
            )
        offset = _int_param(params, "offset", 0)
        limit = min(max(_int_param(params, "limit", 100), 1), 100)
        timeout = max(_int_param(params, "timeout", 0), 0)
        return await self.next_updates(offset, limit=limit, timeout=timeout)

    async def next_updates(self, offset: int, *, limit: int = 100, timeout: float = 0) -> list[Json]:
        """Confirm updates below `offset`, then wait up to `timeout` seconds for any pending."""
        while self.updates and offset and self.updates[0]["update_id"] < offset:
            self.updates.popleft()
        if self._redeliveries:
            return [self._redeliveries.popleft()]
        if not self.updates and timeout > 0:
            await self.wait_until(lambda: bool(self.updates or self._redeliveries), timeout, raise_timeout=False)
            if self._redeliveries:
                return [self._redeliveries.popleft()]
        return list(itertools.islice(self.updates, limit))

    def _chat(self, params: Json) -> Json:
        chat_id = _int_param(params, "chat_id")
        chat = self.chats.get(chat_id)
        if chat is None:
            raise BotApiError(400, "Bad Request: chat not found")
        return chat

    def _message(self, params: Json) -> Json:
        chat = self._chat(params)
        message = self.messages.get((chat["id"], _int_param(params, "message_id")))
        if message is None:
            raise BotApiError(400, "Bad Request: message to edit not found")
        return message

    def _formatted(self, params: Json, field: str, limit: int) -> tuple[str, list[Json]]:
        raw = params.get(field) or ""
        if params.get("parse_mode") == "HTML":
            text, entities = parse_html(raw)
        elif params.get("parse_mode") in (None, ""):
            text, entities = raw, list(_json_param(params, f"{'caption_' if field == 'caption' else ''}entities", []))
        else:
            raise BotApiError(400, f"Bad Request: unsupported parse_mode {params.get('parse_mode')}")
        if field == "text" and not text.strip():
            raise BotApiError(400, "Bad Request: message text is empty")
        if utf16_len(text) > limit:
            raise BotApiError(400, "Bad Request: message is too long" if field == "text" else "Bad Request: message caption is too long")
        return text, entities

    def _reply_markup(self, params: Json) -> Json | None:
        markup = _json_param(params, "reply_markup")
        if markup and "inline_keyboard" in markup:
            for row in markup["inline_keyboard"]:
                for button in row:
                    data = button.get("callback_data")
                    if data is not None and not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA_BYTES:
                        raise BotApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        return markup

    def _reply_to(self, params: Json, chat: Json) -> Json | None:
        reply = _json_param(params, "reply_parameters") or (
            {"message_id": params["reply_to_message_id"]} if params.get("reply_to_message_id") else None
        )
        if not reply:
            return None
        original = self.messages.get((chat["id"], int(reply["message_id"])))
        if original is None and not reply.get("allow_sending_without_reply") and not _bool_param(
            params, "allow_sending_without_reply"
        ):
            raise BotApiError(400, "Bad Request: message to be replied not found")
        return original

    def _bot_message(self, chat: Json, params: Json, body: Json) -> Json:
        message: Json = {
            "message_id": self._new_message_id(chat["id"]),
            "from": dict(self.bot_user),
            "chat": dict(chat),
            "date": int(time.time()),
            **body,
        }
        original = self._reply_to(params, chat)
        if original is not None:
            message["reply_to_message"] = {k: v for k, v in original.items() if k != "reply_to_message"}
        markup = self._reply_markup(params)
        if markup:
            message["reply_markup"] = markup
        self._store(message)
        self.events.append(("message", message))
        self._notify()
        return message

    def _send_message(self, params: Json, files: Files) -> Json:
        chat = self._chat(params)
        text, entities = self._formatted(params, "text", MAX_MESSAGE_UNITS)
        body: Json = {"text": text}
        if entities:
            body["entities"] = entities
        return self._bot_message(chat, params, body)

    def _send_document(self, params: Json, files: Files) -> Json:
        chat = self._chat(params)
        document = params.get("document")
        upload = None
        if isinstance(document, str) and document.startswith("attach://"):
            upload = files.get(document.removeprefix("attach://"))
        elif "document" in files:
            upload = files["document"]
        if upload is not None:
            name, content, mime = upload
            file_id = f"DOC{next(self._file_ids)}"
            meta = {"file_id": file_id, "file_unique_id": file_id.lower(), "file_name": name,
                    "mime_type": mime, "file_size": len(content)}
            self.files[file_id] = (meta, content)
        elif isinstance(document, str) and document in self.files:
            meta = self.files[document][0]
        else:
            raise BotApiError(400, "Bad Request: there is no document in the request")
        body: Json = {"document": dict(meta)}
        if params.get("caption"):
            caption, entities = self._formatted(params, "caption", MAX_CAPTION_UNITS)
            body["caption"] = caption
            if entities:
                body["caption_entities"] = entities
        return self._bot_message(chat, params, body)

    def _get_file(self, params: Json, files: Files) -> Json:
        stored = self.files.get(str(params.get("file_id")))
        if stored is None:
            raise BotApiError(400, "Bad Request: invalid file_id")
        meta = stored[0]
        return {"file_id": meta["file_id"], "file_unique_id": meta["file_unique_id"],
                "file_size": meta["file_size"], "file_path": f"documents/{meta['file_id']}"}

    def file_content(self, file_path: str) -> bytes | None:
        """Bytes behind a `getFile` path (served at /file/bot<token>/<path>)."""
        stored = self.files.get(file_path.rsplit("/", 1)[-1])
        return stored[1] if stored else None

    def _edit_message_text(self, params: Json, files: Files) -> Json:
        message = self._message(params)
        if message["from"]["id"] != self.bot_user["id"]:
            raise BotApiError(400, "Bad Request: message can't be edited")
        text, entities = self._formatted(params, "text", MAX_MESSAGE_UNITS)
        markup = self._reply_markup(params)
        if text == message.get("text") and entities == message.get("entities", []) and markup == message.get("reply_markup"):
            raise BotApiError(400, "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")
        message["text"] = text
        message.pop("entities", None)
        if entities:
            message["entities"] = entities
        message.pop("reply_markup", None)
        if markup:
            message["reply_markup"] = markup
        return self._edited(message)

    def _edit_message_reply_markup(self, params: Json, files: Files) -> Json:
        message = self._message(params)
        markup = self._reply_markup(params)
        if markup == message.get("reply_markup"):
            raise BotApiError(400, "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")
        message.pop("reply_markup", None)
        if markup:
            message["reply_markup"] = markup
        return self._edited(message)

    def _edited(self, message: Json) -> Json:
        message["edit_date"] = int(time.time())
        self.events.append(("edit", message))
        self._notify()
        return message

    def _delete_message(self, params: Json, files: Files) -> bool:
        message = self._message(params)
        del self.messages[(message["chat"]["id"], message["message_id"])]
        self.history[message["chat"]["id"]].remove(message)
        self.events.append(("delete", message))
        self._notify()
        return True

    def _answer_callback_query(self, params: Json, files: Files) -> bool:
        query_id = str(params.get("callback_query_id"))
        if query_id not in self.callback_queries or query_id in self.callback_answers:
            raise BotApiError(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
        answer = {"text": params.get("text") or "", "show_alert": _bool_param(params, "show_alert")}
        self.callback_answers[query_id] = answer
        self.events.append(("callback_answer", answer))
        self._notify()
        return True

    def _set_my_commands(self, params: Json, files: Files) -> bool:
        commands = _json_param(params, "commands", [])
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", command.get("command", "")) or not 1 <= len(command.get("description", "")) <= 256:
                raise BotApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        self.commands = commands
        return True

    def _get_my_commands(self, params: Json, files: Files) -> list[Json]:
        return list(self.commands)

    def _delete_my_commands(self, params: Json, files: Files) -> bool:
        self.commands = []
        return True

    def _set_webhook(self, params: Json, files: Files) -> bool:
        secret = params.get("secret_token") or None
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise BotApiError(400, "Bad Request: secret token contains unallowed characters")
        if _bool_param(params, "drop_pending_updates"):
            self.updates.clear()
        self.webhook = {"url": params.get("url") or "", "secret_token": secret}
        return True

    def _delete_webhook(self, params: Json, files: Files) -> bool:
        if _bool_param(params, "drop_pending_updates"):
            self.updates.clear()
        self.webhook = {"url": "", "secret_token": None}
        return True

    def _get_webhook_info(self, params: Json, files: Files) -> Json:
        return {"url": self.webhook["url"], "has_custom_certificate": False, "pending_update_count": len(self.updates)}

    def _send_chat_action(self, params: Json, files: Files) -> bool:
        self._chat(params)
        return True

    def _get_chat(self, params: Json, files: Files) -> Json:
        chat = self._chat(params)
        gifts = dict.fromkeys(
            ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription", "gifts_from_channels"), False
        )
        return {**chat, "accent_color_id": 0, "max_reaction_count": 11, "accepted_gift_types": gifts}

    def _get_chat_member(self, params: Json, files: Files) -> Json:
        chat = self._chat(params)
        user_id = _int_param(params, "user_id")
        user = self.bot_user if user_id == self.bot_user["id"] else self.users.get(user_id)
        if user is None:
            raise BotApiError(400, "Bad Request: user not found")
        return self._member(chat, user)

    def _get_chat_administrators(self, params: Json, files: Files) -> list[Json]:
        chat = self._chat(params)
        return [self._member(chat, self.users[user_id]) for user_id in sorted(self.admins.get(chat["id"], ()))]

    def _member(self, chat: Json, user: Json) -> Json:
        if chat["type"] == "private":
            status = "member" if user["id"] in (chat["id"], self.bot_user["id"]) else "left"
        elif user["id"] in self.admins.get(chat["id"], ()):
            rights = ("can_be_edited", "is_anonymous", "can_manage_chat", "can_delete_messages",
                      "can_manage_video_chats", "can_restrict_members", "can_promote_members",
                      "can_change_info", "can_invite_users", "can_post_stories", "can_edit_stories",
                      "can_delete_stories")
            return {"status": "administrator", "user": dict(user), **dict.fromkeys(rights, False),
                    "can_manage_chat": True, "can_delete_messages": True}
        elif user["id"] in self.members.get(chat["id"], ()) or user["id"] == self.bot_user["id"]:
            status = "member"
        else:
            status = "left"
        return {"status": status, "user": dict(user)}

    # --------------------------------------------------------------- user side

    def add_user(self, user_id: int, first_name: str, *, username: str | None = None, language_code: str = "zh-hans") -> Json:
        """A person on Telegram, with the private chat they have opened with the bot."""
        user: Json = {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": language_code}
        if username:
            user["username"] = username
        self.users[user_id] = user
        self.chats.setdefault(user_id, {"id": user_id, "type": "private", "first_name": first_name,
                                        **({"username": username} if username else {})})
        return user

    def add_group(self, chat_id: int, title: str, *, members: Iterable[int] = (), admins: Iterable[int] = (),
                  supergroup: bool = False) -> Json:
        """A group the bot is in; `admins` are also members."""
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        chat = {"id": chat_id, "type": "supergroup" if supergroup else "group", "title": title}
        self.chats[chat_id] = chat
        self.admins[chat_id] = set(admins)
        self.members[chat_id] = set(members) | set(admins)
        return chat

    def set_admins(self, chat_id: int, admins: Iterable[int]) -> None:
        self.admins[chat_id] = set(admins)
        self.members.setdefault(chat_id, set()).update(admins)

    def _new_message_id(self, chat_id: int) -> int:
        self._next_message_id[chat_id] = self._next_message_id.get(chat_id, 0) + 1
        return self._next_message_id[chat_id]

    def _store(self, message: Json) -> None:
        chat_id = message["chat"]["id"]
        self.messages[(chat_id, message["message_id"])] = message
        self.history.setdefault(chat_id, []).append(message)

    def _push_update(self, kind: str, payload: Json) -> Json:
        update = {"update_id": next(self._update_ids), kind: payload}
        self.updates.append(update)
        self.last_update = update
        self._notify()
        return update

    def redeliver(self, update: Json) -> None:
        """Deliver `update` again with its id, whatever the bot has confirmed, as Telegram does when
        a webhook call or a getUpdates confirmation was lost."""
        self._redeliveries.append(dict(update))
        self._notify()

    def _sender_in(self, user_id: int, chat_id: int | None) -> tuple[Json, Json]:
        user = self.users.get(user_id)
        if user is None:
            raise KeyError(f"unknown user {user_id}; add_user() first")
        chat = self.chats.get(user_id if chat_id is None else chat_id)
        if chat is None:
            raise KeyError(f"unknown chat {chat_id}; add_group() first")
        return user, chat

    def send_text(self, user_id: int, text: str, *, chat_id: int | None = None, reply_to: int | None = None) -> Json:
        """`user_id` types `text` into a chat (their private chat by default); returns the message.

        Commands and @mentions get the entities a Telegram client would give them; `reply_to` is
        the id of the message (in the same chat) being replied to.
        """
        user, chat = self._sender_in(user_id, chat_id)
        message: Json = {"message_id": self._new_message_id(chat["id"]), "from": dict(user),
                         "chat": dict(chat), "date": int(time.time()), "text": text}
        entities = user_entities(text)
        if entities:
            message["entities"] = entities
        if reply_to is not None:
            original = self.messages.get((chat["id"], reply_to))
            if original is None:
                raise KeyError(f"no message {reply_to} in chat {chat['id']}")
            message["reply_to_message"] = {k: v for k, v in original.items() if k != "reply_to_message"}
        self._store(message)
        self._push_update("message", message)
        return message

    def press(self, user_id: int, message: Json, button: str) -> str:
        """`user_id` presses the inline button whose text (or callback data) is `button`.

        Returns the callback query id; the bot's answer appears in `callback_answers`.
        """
        current = self.messages.get((message["chat"]["id"], message["message_id"]))
        if current is None:
            raise KeyError("the message is gone")
        rows = current.get("reply_markup", {}).get("inline_keyboard", [])
        for row in rows:
            for candidate in row:
                if button in (candidate.get("text"), candidate.get("callback_data")):
                    return self.press_data(user_id, current, candidate["callback_data"])
        labels = [candidate.get("text") for row in rows for candidate in row]
        raise KeyError(f"no button {button!r} under the message; buttons: {labels}")

    def press_data(self, user_id: int, message: Json, data: str) -> str:
        """A callback query with arbitrary `data`, as a forged or outdated client would send."""
        user, chat = self._sender_in(user_id, message["chat"]["id"])
        query_id = str(next(self._query_ids))
        query = {"id": query_id, "from": dict(user), "message": self.messages.get((chat["id"], message["message_id"]), message),
                 "chat_instance": str(abs(hash((self.token, chat["id"])))), "data": data}
        self.callback_queries[query_id] = query
        self._push_update("callback_query", query)
        return query_id

    def bot_messages(self, chat_id: int) -> list[Json]:
        """What the bot has sent to a chat, oldest first (edits applied)."""
        return [m for m in self.history.get(chat_id, []) if m["from"]["id"] == self.bot_user["id"]]

    async def wait_message(self, chat_id: int, predicate: Callable[[Json], bool] | None = None, *,
                           after: int = 0, timeout: float = 10.0) -> Json:
        """The first bot message in `chat_id` with id > `after` that satisfies `predicate`."""

        def found() -> Json | None:
            for message in self.bot_messages(chat_id):
                if message["message_id"] > after and (predicate is None or predicate(message)):
                    return message
            return None

        await self.wait_until(lambda: found() is not None, timeout)
        return found()  # type: ignore[return-value]

    async def wait_callback_answer(self, query_id: str, timeout: float = 10.0) -> Json:
        await self.wait_until(lambda: query_id in self.callback_answers, timeout)
        return self.callback_answers[query_id]

    async def wait_until(self, condition: Callable[[], bool], timeout: float, *, raise_timeout: bool = True) -> bool:
        """Wait (without polling) until `condition()` holds after some change, or `timeout`."""
        deadline = asyncio.get_running_loop().time() + timeout
        while not condition():
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                if raise_timeout:
                    raise TimeoutError(f"condition not met within {timeout} s")
                return False
            changed = self._changed
            try:
                await asyncio.wait_for(changed.wait(), remaining)
            except TimeoutError:
                pass
        return True

    def _notify(self) -> None:
        # Wake every waiter, then start a fresh event for the next change.
        self._changed.set()
        self._changed = asyncio.Event()


def _canonical(method: str, methods: dict) -> str:
    """Bot API method names are case-insensitive."""
    lowered = method.lower()
    return next((name for name in methods if name.lower() == lowered), method)


class LocalRequest(BaseRequest):
    """A PTB `BaseRequest` that answers the bot's Bot API calls from a `LocalBotApi` in-process."""

    def __init__(self, api: LocalBotApi) -> None:
        self.api = api

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        """Nothing to open: there is no connection."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: Any = BaseRequest.DEFAULT_NONE, write_timeout: Any = BaseRequest.DEFAULT_NONE,
                         connect_timeout: Any = BaseRequest.DEFAULT_NONE, pool_timeout: Any = BaseRequest.DEFAULT_NONE,
                         ) -> tuple[int, bytes]:
        if "/file/bot" in url:
            content = self.api.file_content(url.split("/file/bot", 1)[1].split("/", 1)[1])
            return (200, content) if content is not None else (404, b"")
        api_method = url.rstrip("/").rsplit("/", 1)[-1]
        params = request_data.json_parameters if request_data else {}
        files = request_data.multipart_data if request_data else {}
        uploads = {name: (spec[0], spec[1] if isinstance(spec[1], bytes) else spec[1].read(), spec[2])
                   for name, spec in files.items()}
        return await self.api.respond(api_method, params, uploads)
