"""Messages a domain operation asks the Telegram layer to send after it committed.

Office functions never talk to Telegram; they return `Notice`s (a private message to one person,
or a post to the office group chat) and the handler sends them. Try it: approve an agenda item and
look at the `notices` of the outcome.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Notice:
    text: str
    # None means the office group chat (OFFICE_CHAT_ID) unless `person_id` names the person.
    telegram_id: int | None = None
    # When set, the message carries the approve / return buttons of this agenda item.
    review_item_id: int | None = None
    # A Telegram file sent after the text (the 合法性审查意见 a reviewer reads, 第五十一条).
    attachment_file_id: str | None = None
    # Who it is for, as the sender is told whether it arrived (e.g. 提出人孙局长); "" = not reported.
    recipient: str = ""
    # The person it is for, so a channel-neutral flow reaches them on every messenger they use
    # (handlers/recipients.py); None for the office group (and where only `telegram_id` is known).
    person_id: int | None = None
