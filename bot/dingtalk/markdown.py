"""Rich text (handlers/messages.py) as DingTalk markdown, with user and corpus text neutralised.

DingTalk's markdown has no escaping (a backslash is shown as it is), so every character that
could start markup — `*`, `_`, `#`, `[`, `]`, `` ` ``, `<`, `>`, `|`, `~` and a list marker at a
line start — is replaced by its full-width twin, which reads the same in Chinese text. Bold spans
become `**…**`, quoted blocks `> ` lines, and each line ends with a hard break (two spaces), since
DingTalk joins plain lines into one paragraph. Long texts are split at line breaks below
`MAX_MARKDOWN_CHARS` (DingTalk refuses a markdown message past about 5,000 characters).

Try it::

    >>> render_markdown(Rich.of("**不是粗体** ", bold("粗体")))
    '＊＊不是粗体＊＊ **粗体**'
"""

from __future__ import annotations

import re

from handlers.messages import BOLD, Rich

MAX_MARKDOWN_CHARS = 3500
TITLE_CHARS = 20
LINE_BREAK = "  \n"

_FULL_WIDTH = str.maketrans({"*": "＊", "_": "＿", "#": "＃", "[": "［", "]": "］", "`": "｀", "<": "＜",
                             ">": "＞", "|": "｜", "~": "～"})
_LIST_START = re.compile(r"^(\s*)([-+])(\s)|^(\s*)(\d+)\.(\s)")


def neutralise(text: str) -> str:
    """`text` shown as typed, none of it taken as markup."""
    return "\n".join(_LIST_START.sub(_list_marker, line) for line in text.translate(_FULL_WIDTH).split("\n"))


def _list_marker(match: re.Match) -> str:
    if match.group(2):
        return f"{match.group(1)}{'－' if match.group(2) == '-' else '＋'}{match.group(3)}"
    return f"{match.group(4)}{match.group(5)}．{match.group(6)}"


def render_markdown(text: Rich) -> str:
    """The text as DingTalk markdown; a quoted run of spans becomes `> ` lines."""
    lines: list[tuple[bool, str]] = [(False, "")]  # (quoted, markdown) per output line
    for span in text.spans:
        for index, piece in enumerate(span.text.split("\n")):
            if index:
                lines.append((span.quoted, ""))
            quoted, current = lines[-1]
            if span.quoted != quoted and current:
                lines.append((span.quoted, ""))  # a quote starts or ends inside a line: a new line
            elif span.quoted != quoted:
                lines[-1] = (span.quoted, current)
            if not piece:
                continue
            marked = neutralise(piece)
            if span.style == BOLD and marked.strip():
                marked = f"**{marked}**"
            lines[-1] = (lines[-1][0], lines[-1][1] + marked)
    return LINE_BREAK.join(f"> {body}" if quoted else body for quoted, body in lines).rstrip()


def title_of(text: Rich) -> str:
    """The notification title DingTalk shows for a markdown message: the first line, shortened."""
    first = next((line.strip() for line in text.plain().split("\n") if line.strip()), "消息")
    return first if len(first) <= TITLE_CHARS else first[: TITLE_CHARS - 1] + "…"


def split_markdown(markdown: str, limit: int = MAX_MARKDOWN_CHARS) -> list[str]:
    """`markdown` as messages of at most `limit` characters, cut at line breaks (a longer line at `limit`)."""
    parts: list[str] = []
    current = ""
    for line in markdown.split(LINE_BREAK):
        while len(line) > limit:
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}{LINE_BREAK}{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            candidate = line
        current = candidate
    if current.strip():
        parts.append(current)
    return parts or [""]
