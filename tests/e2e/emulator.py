"""A Telegram Bot API emulator on a loopback port, for driving the real bot process.

It serves `bot.local_api.LocalBotApi` over HTTP with aiohttp, in a background thread with its
own event loop: the Bot API at /bot<token>/<method> (query string, form, multipart or JSON
parameters, like Telegram), files at /file/bot<token>/<path>. Each token is a separate bot world
(`Emulator.new_bot()`), so one emulator serves every bot process of a test session. When the bot
sets a webhook, updates are POSTed to it with the X-Telegram-Bot-Api-Secret-Token header instead
of waiting for getUpdates.

Tests do not use this module directly but the `start_bot` fixture of tests/e2e/conftest.py.
Try it by hand::

    emulator = Emulator().start()
    world = emulator.new_bot()           # a LocalBotApi; emulator.url is http://127.0.0.1:PORT
    emulator.run(lambda: world.add_user(7, "小王"))
    ...
    emulator.stop()
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

import aiohttp
from aiohttp import web

from bot.local_api import BotApiError, LocalBotApi

T = TypeVar("T")

WEBHOOK_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class Emulator:
    """The HTTP server, its thread and event loop, and the bot worlds by token."""

    def __init__(self) -> None:
        self.worlds: dict[str, LocalBotApi] = {}
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="bot-api-emulator", daemon=True)
        self._runner: web.AppRunner | None = None
        self._deliveries: dict[str, asyncio.Task] = {}
        self._bot_ids = itertools.count(7_000_000_001)
        self.url = ""

    def start(self) -> Emulator:
        self._thread.start()
        self.run_async(self._serve())
        return self

    def stop(self) -> None:
        self.run_async(self._shutdown())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)

    def run(self, function: Callable[[], T], timeout: float = 30) -> T:
        """Call `function()` on the emulator's loop (the worlds are not thread-safe) and return its result."""

        async def call() -> T:
            return function()

        return self.run_async(call(), timeout)

    def run_async(self, coroutine: Any, timeout: float = 60) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def new_bot(self, username: str = "officebot_bot") -> LocalBotApi:
        """A fresh bot world with its own token (`world.token`)."""

        async def create() -> LocalBotApi:
            token = f"{next(self._bot_ids)}:TEST{uuid.uuid4().hex}"
            world = LocalBotApi(token, username=username)
            self.worlds[token] = world
            self._deliveries[token] = asyncio.create_task(self._deliver(world))
            return world

        return self.run_async(create())

    async def _serve(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._file)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"

    async def _shutdown(self) -> None:
        for task in self._deliveries.values():
            task.cancel()
        # Let each delivery unwind (close its HTTP session) before the loop stops; a task destroyed
        # while pending warns "coroutine ignored GeneratorExit".
        await asyncio.gather(*self._deliveries.values(), return_exceptions=True)
        if self._runner is not None:
            await self._runner.cleanup()

    async def _api(self, request: web.Request) -> web.Response:
        world = self.worlds.get(request.match_info["token"])
        if world is None:
            return _reply(401, BotApiError(401, "Unauthorized").to_json())
        params: dict[str, Any] = dict(request.query)
        files: dict[str, tuple[str, bytes, str]] = {}
        if request.content_type == "application/json":
            params.update(await request.json())
        elif request.content_type == "multipart/form-data":
            reader = await request.multipart()
            async for part in reader:
                if part.filename:
                    files[part.name] = (part.filename, await part.read(), part.headers.get("Content-Type", ""))
                else:
                    params[part.name] = await part.text()
        elif request.can_read_body:
            params.update(await request.post())
        status, body = await world.respond(request.match_info["method"], params, files)
        return web.Response(status=status, body=body, content_type="application/json")

    async def _file(self, request: web.Request) -> web.Response:
        world = self.worlds.get(request.match_info["token"])
        content = world.file_content(request.match_info["path"]) if world else None
        if content is None:
            return web.Response(status=404)
        return web.Response(body=content)

    async def _deliver(self, world: LocalBotApi) -> None:
        """Webhook mode: POST each pending update to the bot, in order, until it answers 200."""
        offset = 0
        async with aiohttp.ClientSession() as session:
            while True:
                await world.wait_until(lambda: bool(world.webhook["url"] and world.updates), timeout=3600, raise_timeout=False)
                if not world.webhook["url"]:
                    continue
                pending = await world.next_updates(offset, limit=1)
                if not pending:
                    continue
                update = pending[0]
                headers = {}
                if world.webhook["secret_token"]:
                    headers[WEBHOOK_SECRET_HEADER] = world.webhook["secret_token"]
                try:
                    async with session.post(world.webhook["url"], json=update, headers=headers) as response:
                        delivered = response.status == 200
                except aiohttp.ClientError:
                    delivered = False
                if delivered:
                    offset = update["update_id"] + 1
                    await world.next_updates(offset, limit=1)
                else:
                    # Telegram retries a failing webhook later; a short pause keeps this from spinning.
                    await asyncio.sleep(0.2)


def _reply(status: int, body: dict) -> web.Response:
    return web.Response(status=status, text=json.dumps(body, ensure_ascii=False), content_type="application/json")
