"""Telegram HTML for replies: escaping, and splitting long replies below the 4096 limit.

Every piece of user or corpus text goes through `escape` before it is put into a reply. Long
replies go through `split_html`: Telegram counts the *visible* text (tags removed, entities
decoded) in UTF-16 code units and rejects more than 4096. The split prefers paragraph
boundaries, then line breaks, then any character; it never cuts a tag, an `&amp;`-style entity
or a surrogate pair, and it closes the tags open at a cut and reopens them in the next part.

Try it::

    >>> split_html("<b>" + escape("<甲>") + "</b>", limit=2)
    ['<b>&lt;甲</b>', '<b>&gt;</b>']
"""

from __future__ import annotations

import html
import re

MAX_MESSAGE_UNITS = 4096

# A tag, an entity, or one code point (a Python str never holds half a surrogate pair, so
# cutting between tokens cannot split an emoji even though it counts two UTF-16 units).
_TOKEN = re.compile(r"<[^>]*>|&[#\w]+;|.", re.DOTALL)
_TAG_NAME = re.compile(r"</?\s*([\w-]+)")


def escape(text: str) -> str:
    """User or corpus text made safe for parse_mode=HTML."""
    return html.escape(text, quote=False)


def escape_attribute(text: str) -> str:
    return html.escape(text, quote=True)


def _units(token: str) -> int:
    """Visible UTF-16 code units of one token (a tag has none, an entity is one character)."""
    if token.startswith("<"):
        return 0
    if token.startswith("&"):
        token = html.unescape(token)
    return len(token.encode("utf-16-le")) // 2


def visible_length(text: str) -> int:
    """What Telegram counts against the limit: visible text in UTF-16 code units."""
    return sum(_units(token) for token in _TOKEN.findall(text))


def split_html(text: str, limit: int = MAX_MESSAGE_UNITS) -> list[str]:
    """`text` as messages of at most `limit` visible units each, every one valid HTML on its own."""
    if visible_length(text) <= limit:
        return [text]
    tokens = _TOKEN.findall(text)
    parts: list[str] = []
    open_tags: list[tuple[str, str]] = []  # (name, the opening tag as written) at the chunk start
    start = 0
    while start < len(tokens):
        end, stack = _cut(tokens, start, limit, list(open_tags))
        body = "".join(tokens[start:end])
        prefix = "".join(raw for _, raw in open_tags)
        suffix = "".join(f"</{name}>" for name, _ in reversed(stack))
        part = (prefix + body + suffix).strip("\n")
        if part.strip() and visible_length(part):
            parts.append(part)
        open_tags = stack
        start = end
    return parts


def _cut(tokens: list[str], start: int, limit: int, stack: list[tuple[str, str]]) -> tuple[int, list[tuple[str, str]]]:
    """Where the part starting at `start` ends, and the tags open there."""
    units = 0
    best: dict[int, tuple[int, list]] = {}  # preference (2 paragraph, 1 line) -> latest cut there
    index = start
    while index < len(tokens):
        token = tokens[index]
        size = _units(token)
        if units + size > limit and index > start:
            break
        units += size
        _track(token, stack)
        index += 1
        if token == "\n":
            preference = 2 if index - 2 >= start and tokens[index - 2] == "\n" else 1
            best[preference] = (index, list(stack))
    else:
        return index, stack
    for preference in (2, 1):
        if preference in best:
            return best[preference]
    return index, stack


def _track(token: str, stack: list[tuple[str, str]]) -> None:
    if not token.startswith("<"):
        return
    match = _TAG_NAME.match(token)
    if not match:
        return
    name = match.group(1).lower()
    if token.startswith("</"):
        if stack and stack[-1][0] == name:
            stack.pop()
    elif not token.endswith("/>"):
        stack.append((name, token))
