"""The DingTalk channel: robot messages and card presses answered by the conversation core.

Each callback (bot/dingtalk/stream.py) becomes an `Incoming` (bot/dingtalk/incoming.py); the
core answers it in a worker thread, one at a time per chat (a message DingTalk delivers twice is
then answered once: the second finds the first applied and delivered); the `Response` goes out
through bot/dingtalk/sender.py: a reply with buttons as an interactive card, an edit of the pressed
message as an update of that card, a pop-up (`alert`) as a message in the chat. Notices for people
and groups on DingTalk go through the sender's `send_notice`, registered as
`Services.outgoing["dingtalk"]`, so the Telegram adapter and the alert dispatcher reach DingTalk
too; notices for another channel go through its sender.

A reply's file (a CSV or agenda export) is not uploaded to DingTalk: its caption goes out with
`FILE_NOT_SENT`, which points to where the file can be had.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import replace
from types import ModuleType
from typing import Any

from bot.dingtalk.incoming import CHANNEL, incoming_of_card_press, incoming_of_message
from bot.dingtalk.openapi import OpenApi
from bot.dingtalk.sender import DingTalkSender
from bootstrap.services import Services
from handlers.conversation import Conversation
from handlers.messages import Incoming, Notice, Reply, Response

logger = logging.getLogger(__name__)

FILE_NOT_SENT = "(钉钉中暂不能发送文件「{name}」,请在 Telegram 或网页控制台导出。)"


class DingTalkChannel:
    def __init__(self, services: Services, features: Sequence[ModuleType], api: OpenApi | None = None) -> None:
        self.services = services
        self.core = Conversation.of_features(services, features)
        self.commands = frozenset(name for name, _ in self.core.commands)
        self.sender = DingTalkSender(api or OpenApi(services.settings))
        self.api = self.sender.api
        self._chat_locks: dict[str, tuple[asyncio.Lock, int]] = {}  # a chat's lock and how many wait on it
        services.outgoing[CHANNEL] = self.sender.send_notice
        if not self.api.card_template_id:
            logger.warning("DINGTALK_CARD_TEMPLATE_ID is not set: DingTalk replies are sent without their buttons")

    # ---- what arrives

    async def on_message(self, data: dict[str, Any], frame_id: str) -> None:
        incoming = incoming_of_message(data, self.commands)
        if incoming is not None:
            await self._answer(incoming, pressed=None)

    async def on_card_press(self, data: dict[str, Any], frame_id: str) -> None:
        incoming = incoming_of_card_press(data, frame_id=frame_id)
        if incoming is None:
            return
        track_id = data["outTrackId"]
        shown = self.sender.shown(track_id)
        await self._answer(replace(incoming, shown_buttons=shown.buttons if shown else ()), pressed=track_id)

    async def _answer(self, incoming: Incoming, *, pressed: str | None) -> None:
        chat = incoming.chat_id
        lock, users = self._chat_locks.get(chat, (asyncio.Lock(), 0))
        self._chat_locks[chat] = (lock, users + 1)
        try:
            async with lock:
                if not self.core.claims(incoming):
                    return
                response = await asyncio.to_thread(self.core.respond, incoming)
                await self._deliver(incoming, response, pressed)
                await asyncio.to_thread(self.core.delivered, incoming)
        finally:
            lock, users = self._chat_locks[chat]
            if users == 1:
                del self._chat_locks[chat]  # a quiet chat is forgotten
            else:
                self._chat_locks[chat] = (lock, users - 1)

    # ---- what goes out

    async def _deliver(self, incoming: Incoming, response: Response, pressed: str | None) -> None:
        """Replies (edits on the pressed card), then notices, then who could not be told."""
        chat = incoming.chat_id
        if pressed is not None and response.toast and not response.replies:
            await self.sender.send(chat, Reply.say(response.toast))
        for reply in response.replies:
            if pressed is not None and reply.edit:
                await self.sender.edit_card(chat, pressed, reply)
            elif reply.file is not None:
                await self.sender.send(chat, Reply(reply.text + "\n" + FILE_NOT_SENT.format(name=reply.file.name),
                                             buttons=reply.buttons))
            else:
                await self.sender.send(chat, Reply(reply.text, buttons=reply.buttons))
        reached: dict[str, bool] = {}  # recipient → one of their notices arrived
        for notice in response.notices:
            arrived = await self._send_anywhere(notice)
            if notice.recipient:
                reached[notice.recipient] = reached.get(notice.recipient, False) or arrived
        report = response.delivery_report(reached)
        if report is not None:
            await self.sender.send(chat, report)

    async def _send_anywhere(self, notice: Notice) -> bool:
        send = self.services.outgoing.get(notice.channel or CHANNEL)
        if send is None:
            logger.warning("no %s channel runs in this process: notice to %s not sent", notice.channel, notice.chat_id)
            return False
        return await send(notice)
