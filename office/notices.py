"""Messages a domain operation asks the messaging layer to send after it committed.

Office functions never talk to a messenger; they return `Notice`s (a private message to one person,
on every messenger they are registered on, or a post to the office group chat) and the handler or
the web console sends them. Try it: approve an agenda item and look at the `notices` of the outcome.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass


@dataclass(frozen=True)
class Notice:
    text: str
    _: KW_ONLY  # everything but the text by name: a bare id must never be taken for the person
    # The directory person it is for (handlers/recipients.py reaches them on each of their
    # messengers); None means the office group chat (OFFICE_CHAT_ID).
    person_id: int | None = None
    # When set, the message carries the approve / return buttons of this agenda item.
    review_item_id: int | None = None
    # A file sent after the text (the 合法性审查意见 a reviewer reads, 第五十一条).
    attachment_file_id: str | None = None
    # Who it is for, as the sender is told whether it arrived (e.g. 提出人孙局长); "" = not reported.
    recipient: str = ""
