"""What goes out to DingTalk: replies and notices as markdown messages or interactive cards.

A reply is rendered as DingTalk markdown with user text neutralised (bot/dingtalk/markdown.py) and
split below DingTalk's size limit; its buttons ride on the last part as an interactive card (with
DINGTALK_CARD_TEMPLATE_ID; without it the text goes alone). The newest cards are remembered so a
press can edit its card; a card this process did not send (another process, before a restart) gets
the edit's line as a message of its own. The DingTalk channel (bot/dingtalk/channel.py) sends its
replies through it, and a process that only sends (the web console, the alert dispatcher) uses it
on its own::

    sender = DingTalkSender(OpenApi(settings))
    await sender.send("manager4521", Reply.say("请审批:孙局长 出差"))
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import dataclass

from bot.dingtalk.incoming import card_track_id
from bot.dingtalk.markdown import LINE_BREAK, render_markdown, split_markdown, title_of
from bot.dingtalk.openapi import DingTalkError, OpenApi
from handlers.messages import APPEND, Button, Notice, Reply

logger = logging.getLogger(__name__)

CARDS_REMEMBERED = 2000  # the newest cards whose text and buttons are kept for edits after a press


@dataclass(frozen=True)
class ShownCard:
    markdown: str
    buttons: tuple[tuple[Button, ...], ...]


class DingTalkSender:
    def __init__(self, api: OpenApi) -> None:
        if not isinstance(api, OpenApi):
            raise TypeError("api must be an OpenApi")
        self.api = api
        self._cards: OrderedDict[str, ShownCard] = OrderedDict()

    def shown(self, track_id: str) -> ShownCard | None:
        """The card this process sent under `track_id`, if it still remembers it."""
        return self._cards.get(track_id)

    async def send(self, chat_id: str, reply: Reply) -> None:
        parts = split_markdown(render_markdown(reply.text))
        title = title_of(reply.text)
        for index, part in enumerate(parts):
            if index == len(parts) - 1 and reply.buttons and self.api.card_template_id:
                track_id = card_track_id(chat_id)
                await self.api.send_card(chat_id, track_id, part, reply.buttons)
                self._remember(track_id, ShownCard(part, reply.buttons))
            else:
                await self.api.send_markdown(chat_id, title, part)

    async def send_notice(self, notice: Notice) -> bool:
        """A notice to a DingTalk user or group; False (logged) when DingTalk refuses it."""
        try:
            await self.send(notice.chat_id, notice.reply)
        except DingTalkError as error:
            logger.warning("could not message DingTalk chat %s: %s", notice.chat_id, error)
            return False
        if notice.attachment:
            logger.info("a Telegram file cannot be sent on DingTalk; notice to %s sent without it", notice.chat_id)
        return True

    async def edit_card(self, chat_id: str, track_id: str, reply: Reply) -> None:
        """APPEND a line under the card or REPLACE its text, its buttons becoming the reply's. A card
        this process does not remember gets its line as a message of its own."""
        shown = self._cards.get(track_id)
        text = render_markdown(reply.text)
        if shown is None:
            if reply.text.spans:
                await self.send(chat_id, Reply(reply.text, buttons=reply.buttons))
            return
        if reply.edit == APPEND:
            text = f"{shown.markdown}{LINE_BREAK}{text}" if text else shown.markdown
        await self.api.update_card(track_id, text, reply.buttons)
        self._remember(track_id, ShownCard(text, reply.buttons))

    def _remember(self, track_id: str, card: ShownCard) -> None:
        self._cards[track_id] = card
        self._cards.move_to_end(track_id)
        while len(self._cards) > CARDS_REMEMBERED:
            self._cards.popitem(last=False)
