"""The Stream-mode connection to DingTalk, on the official SDK `dingtalk-stream`.

`connections/open` (POSTed to DINGTALK_API_URL with the app's id and secret and the topics we
take) answers an `endpoint` and a `ticket`; the WebSocket `endpoint?ticket=…` then carries frames.
The SDK parses them (CALLBACK, SYSTEM, EVENT), routes each CALLBACK to the handler of its topic and
sends the ack that names the frame's `messageId`; a SYSTEM `disconnect` makes it close the socket.
Our handlers ack at once and hand the frame's data to a coroutine (DingTalk wants each callback
answered quickly; the answer is sent over the OpenAPI afterwards).

The SDK's own `start()` reads its endpoint from an environment variable at import, posts with a
blocking client, waits 10 s after a drop and swallows cancellation; `StreamConnection.run` is the
same connect-read loop on the SDK's routing, pointed at DINGTALK_API_URL, reconnecting after
RECONNECT_SECONDS and stopping when asked.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote_plus

import httpx
import websockets
from dingtalk_stream import AckMessage, CallbackHandler, CallbackMessage, ChatbotMessage, Credential
from dingtalk_stream import DingTalkStreamClient
from dingtalk_stream.version import VERSION_STRING

logger = logging.getLogger(__name__)

CARD_CALLBACK_TOPIC = CallbackHandler.TOPIC_CARD_CALLBACK  # /v1.0/card/instances/callback
RECONNECT_SECONDS = 1.0

# What a handler does with a frame's data (and the frame's messageId) after the ack.
FrameHandler = Callable[[dict[str, Any], str], Awaitable[None]]


class _AckThenHandle(CallbackHandler):
    """Acks a callback at once and runs `handle` on its data in a task of its own."""

    def __init__(self, handle: FrameHandler, tasks: set[asyncio.Task]) -> None:
        super().__init__()
        self._handle = handle
        self._tasks = tasks

    async def process(self, message: CallbackMessage) -> tuple[int, str]:
        task = asyncio.create_task(self._handle(message.data, message.headers.message_id or ""))
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return AckMessage.STATUS_OK, "OK"

    def _done(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("a DingTalk callback failed", exc_info=task.exception())


class StreamConnection(DingTalkStreamClient):
    """One app's stream: robot messages to `on_message`, card presses to `on_card_press`."""

    def __init__(self, *, api_url: str, client_id: str, client_secret: str,
                 on_message: FrameHandler, on_card_press: FrameHandler) -> None:
        super().__init__(Credential(client_id, client_secret), logger=logging.getLogger("dingtalk_stream.client"))
        self._open_url = api_url.rstrip("/") + "/v1.0/gateway/connections/open"
        self.tasks: set[asyncio.Task] = set()
        self.register_callback_handler(ChatbotMessage.TOPIC, _AckThenHandle(on_message, self.tasks))
        self.register_callback_handler(CARD_CALLBACK_TOPIC, _AckThenHandle(on_card_press, self.tasks))
        self.connected = asyncio.Event()

    async def open_stream(self) -> dict | None:
        """POST connections/open: {"endpoint", "ticket"}, or None (logged) when refused or unreachable."""
        body = {"clientId": self.credential.client_id, "clientSecret": self.credential.client_secret,
                "subscriptions": [{"type": "CALLBACK", "topic": topic} for topic in self.callback_handler_map],
                "ua": f"officebot dingtalk-sdk-python/v{VERSION_STRING}", "localIp": ""}
        try:
            async with httpx.AsyncClient(timeout=10.0) as client:
                response = await client.post(self._open_url, json=body)
            response.raise_for_status()
            return response.json()
        except (httpx.HTTPError, ValueError) as error:
            logger.error("DingTalk refused or did not answer connections/open: %r", error)
            return None

    async def run(self, stop: asyncio.Event) -> None:
        """Connect, read, reconnect after a drop; return once `stop` is set."""
        self.pre_start()
        while not stop.is_set():
            connection = await self.open_stream()
            if connection:
                await self._read_until_closed(connection, stop)
            if not stop.is_set():
                await _wait(stop, RECONNECT_SECONDS)
        for task in list(self.tasks):
            await asyncio.wait({task}, timeout=10)

    async def _read_until_closed(self, connection: dict, stop: asyncio.Event) -> None:
        uri = f'{connection["endpoint"]}?ticket={quote_plus(connection["ticket"])}'
        try:
            async with websockets.connect(uri) as websocket:
                self.websocket = websocket
                self.connected.set()
                logger.info("DingTalk stream connected")
                keepalive = asyncio.create_task(self.keepalive(websocket))
                reader = asyncio.create_task(self._read(websocket))
                stopping = asyncio.create_task(stop.wait())
                await asyncio.wait({reader, stopping}, return_when=asyncio.FIRST_COMPLETED)
                for task in (keepalive, reader, stopping):
                    task.cancel()
        except (OSError, websockets.exceptions.WebSocketException) as error:
            logger.warning("DingTalk stream dropped: %r", error)
        finally:
            self.connected.clear()

    async def _read(self, websocket: Any) -> None:
        async for raw in websocket:
            task = asyncio.create_task(self.background_task(json.loads(raw)))  # the SDK's routing and ack
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)
        logger.info("DingTalk closed the stream; reconnecting")


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except TimeoutError:
        pass
