"""Two `officebot run` replicas in webhook mode behind one URL: a round-robin proxy sends each update
to the next replica, so the steps of one guided form alternate between the two processes, and the
form still ends with one deadline, each answer replied to once."""

from __future__ import annotations

import itertools
import socket
import subprocess
import sys
from datetime import timedelta

import aiohttp
from aiohttp import web
from harness import Bot

HEAD = 5001


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RoundRobinProxy:
    """Forwards each POST to the next backend in turn; remembers which backend took which update."""

    def __init__(self, backends: list[str]) -> None:
        self._backends = itertools.cycle(enumerate(backends))
        self.routed: list[tuple[int, int]] = []  # (update_id, backend index)
        self._runner: web.AppRunner | None = None

    async def start(self, port: int) -> None:
        app = web.Application()
        app.router.add_post("/{path:.*}", self._forward)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _forward(self, request: web.Request) -> web.Response:
        index, backend = next(self._backends)
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower() in ("content-type", "x-telegram-bot-api-secret-token")}
        async with aiohttp.ClientSession() as session, session.post(f"{backend}/{request.match_info['path']}",
                                                                    data=body, headers=headers) as response:
            status = response.status
        if status == 200:
            self.routed.append((int((await request.json())["update_id"]), index))
        return web.Response(status=status)


def test_a_guided_form_alternating_between_two_replicas_records_once(start_bot, clock):
    proxy_port, first_port, second_port = free_port(), free_port(), free_port()
    url = f"http://127.0.0.1:{proxy_port}/telegram-hook"
    webhook = {"WEBHOOK_URL": url, "WEBHOOK_SECRET": "replica-Secret_1", "WEBHOOK_LISTEN": "127.0.0.1"}
    proxy = RoundRobinProxy([f"http://127.0.0.1:{first_port}", f"http://127.0.0.1:{second_port}"])
    first = start_bot(WEBHOOK_PORT=str(first_port), **webhook)
    first.emulator.run_async(proxy.start(proxy_port))
    # The second replica: the same Telegram world, database and data directory, its own port.
    (first.workdir / "replica-2").mkdir()
    second = Bot(first.emulator, first.api, first.workdir / "replica-2", {**first.env, "WEBHOOK_PORT": str(second_port)})
    try:
        second.wait_ready()
        command = [sys.executable, "-m", "bot.cli", "users", "add", "--telegram-id", str(HEAD), "--name", "孙局长",
                   "--role", "部门正职", "--unit", "区财政局"]
        added = subprocess.run(command, cwd=first.workdir, env=first.env, capture_output=True, text=True, timeout=60)
        assert added.returncode == 0, added.stderr
        first.user(HEAD, "孙局长")
        due = clock.now().date() + timedelta(days=5)

        replies = [first.reply_to(first.send(HEAD, text))
                   for text in ("/deadline", f"{due} 17:00", "提交整改报告", "区财政局", "/deadlines")]
    finally:
        second_exit = second.stop()
        first.emulator.run_async(proxy.stop())

    asked, title_question, target_question, recorded, listed = (reply["text"] for reply in replies)
    assert "截止日期" in asked and "事项内容" in title_question and "由谁负责" in target_question
    assert "已登记期限 #1" in recorded and "#1 提交整改报告" in listed and "#2" not in listed
    assert [index for _, index in proxy.routed[-5:]] in ([0, 1, 0, 1, 0], [1, 0, 1, 0, 1])  # steps alternated
    answered = [m for m in first.messages(HEAD) if m.get("reply_to_message")]
    assert len(answered) == 5  # one reply per message, however many replicas
    assert second_exit == 0


def test_a_webhook_retry_of_an_update_changes_nothing(start_bot, clock):
    port = free_port()
    secret = "retry-Secret_1"
    bot = start_bot(WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram-hook", WEBHOOK_SECRET=secret,
                    WEBHOOK_LISTEN="127.0.0.1", WEBHOOK_PORT=str(port))
    command = [sys.executable, "-m", "bot.cli", "users", "add", "--telegram-id", str(HEAD), "--name", "孙局长",
               "--role", "部门正职", "--unit", "区财政局"]
    added = subprocess.run(command, cwd=bot.workdir, env=bot.env, capture_output=True, text=True, timeout=60)
    assert added.returncode == 0, added.stderr
    bot.user(HEAD, "孙局长")
    due = clock.now().date() + timedelta(days=5)
    recorded = bot.reply_to(bot.send(HEAD, f"/deadline {due} 17:00 提交整改报告"))
    update = bot.api.last_update

    async def telegram_retries() -> int:  # as Telegram does when our 200 did not reach it
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret}
        async with aiohttp.ClientSession() as session:
            async with session.post(f"http://127.0.0.1:{port}/telegram-hook", json=update, headers=headers) as answer:
                return answer.status

    assert bot.emulator.run_async(telegram_retries()) == 200
    listed = bot.reply_to(bot.send(HEAD, "/deadlines"))  # the same chat's updates are handled in order
    assert "已登记期限 #1" in recorded["text"]
    assert "#1 提交整改报告" in listed["text"] and "#2" not in listed["text"]
    assert len([m for m in bot.messages(HEAD) if m.get("reply_to_message")]) == 2  # the retry got no reply
