"""A flow's `Response` as JSON and back, so the answer to an update can be stored with the update's
id until it has been sent (storage/dialogs.py `keep_response`): a kill between the commit and the
sending then sends it after the restart instead of losing it.

    >>> from handlers.messages import Reply
    >>> decode(encode(Response([Reply.say("已登记")]))) == Response([Reply.say("已登记")])
    True

Every type of handlers/messages.py round-trips: a dataclass is written with its type's name, and
read back field by field; tuples come back as tuples, list fields as lists, a file's bytes as bytes
(base64 in the JSON).
"""

from __future__ import annotations

import base64
import dataclasses
import json
from typing import Any

from handlers import messages
from handlers.messages import Response

_TYPES = {cls.__name__: cls for cls in vars(messages).values()
          if isinstance(cls, type) and dataclasses.is_dataclass(cls) and cls.__module__ == messages.__name__}
TYPE_KEY = "__type__"
BYTES_KEY = "__bytes__"  # a file's content (handlers.messages.File), base64


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if type(value).__name__ not in _TYPES:
            raise TypeError(f"{type(value).__name__} is not a type of handlers/messages.py")
        fields = {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {TYPE_KEY: type(value).__name__, **fields}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, bytes):
        return {BYTES_KEY: base64.b64encode(value).decode("ascii")}
    return value


def _typed(value: Any) -> Any:
    if isinstance(value, dict) and BYTES_KEY in value:
        return base64.b64decode(value[BYTES_KEY])
    if isinstance(value, dict) and TYPE_KEY in value:
        cls = _TYPES[value[TYPE_KEY]]
        kwargs = {}
        for field in dataclasses.fields(cls):
            if field.name in value:
                item = _typed(value[field.name])
                # Field types are strings here (postponed annotations): "list[Reply]", "tuple[Span, ...]".
                kwargs[field.name] = list(item) if str(field.type).startswith("list") else item
        return cls(**kwargs)
    if isinstance(value, dict) and BYTES_KEY in value:
        return base64.b64decode(value[BYTES_KEY])
    if isinstance(value, list):
        return tuple(_typed(item) for item in value)
    return value


def encode(response: Response) -> str:
    return json.dumps(_plain(response), ensure_ascii=False)


def decode(text: str) -> Response:
    response = _typed(json.loads(text))
    if not isinstance(response, Response):
        raise ValueError("not a stored Response")
    return response
