"""The running bot process and its user side, for the e2e tests and bench/bench_telegram_qa.py.

The API is described in tests/e2e/conftest.py, which builds `Bot`s with the `start_bot` fixture.
"""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from emulator import Emulator

from bot.local_api import LocalBotApi

STARTUP_SECONDS = 120
STOP_SECONDS = 30
DEFAULT_TIMEOUT = 20.0

# Settings the developer's shell or .env might carry that must not leak into a test bot.
_ISOLATED = ("TELEGRAM_", "WEBHOOK_", "ADMIN_TELEGRAM_IDS", "OFFICE_CHAT_ID", "DATA_DIR", "DATABASE_URL",
             "CHROMA_", "CORPUS_PATHS", "LLM_", "EMBEDDING_API", "ALERT_", "FOLLOWUP_SECONDS", "DINGTALK_")


def base_env(**overrides: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(_ISOLATED)}
    env.update(PYTHONUNBUFFERED="1", LOG_LEVEL="INFO", HF_HUB_OFFLINE="1", ANONYMIZED_TELEMETRY="False")
    env.update({key: str(value) for key, value in overrides.items()})
    return env


def officebot_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "bot.cli", *args]


class Bot:
    """One running `officebot run` process and the Telegram world it lives in."""

    def __init__(self, emulator: Emulator, world: LocalBotApi, workdir: Path, env: dict[str, str]) -> None:
        self.emulator = emulator
        self.api = world
        self.username: str = world.bot_user["username"]
        self.workdir = workdir
        self.env = env
        self.data_dir = Path(env["DATA_DIR"])
        self.database_url = env.get("DATABASE_URL") or f"sqlite:///{(self.data_dir / 'officebot.db').resolve()}"
        self._log_path = workdir / "bot.log"
        self._log = open(self._log_path, "w", encoding="utf-8")  # noqa: SIM115 - lives as long as the process
        self._spawn()

    # ---- process

    def _spawn(self) -> None:
        self._calls_at_start = len(self.api.calls)
        self.process = subprocess.Popen(
            officebot_command("run"), cwd=self.workdir, env=self.env, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self) -> None:
        """kill -9: no shutdown, nothing flushed, the last updates it fetched left unconfirmed."""
        self.process.kill()
        self.process.wait()

    def restart(self) -> None:
        """A new `officebot run` on the same database and Telegram world; returns when it polls."""
        if self.process.poll() is None:
            raise RuntimeError("stop or kill the bot before restarting it")
        self._spawn()
        self.wait_ready()

    def wait_ready(self) -> None:
        webhook = bool(self.env.get("WEBHOOK_URL"))

        def ready() -> bool:
            methods = {method for method, _ in itertools.islice(self.api.calls, self._calls_at_start, None)}
            return "setMyCommands" in methods and ("setWebhook" if webhook else "getUpdates") in methods

        deadline = STARTUP_SECONDS
        while deadline > 0:
            if self.run(ready):
                return
            if self.process.poll() is not None:
                raise RuntimeError(f"officebot run exited with {self.process.returncode}:\n{self.log()}")
            self.emulator.run_async(self.api.wait_until(ready, 1.0, raise_timeout=False))
            deadline -= 1
        raise TimeoutError(f"officebot run did not start within {STARTUP_SECONDS} s:\n{self.log()}")

    def stop(self) -> int:
        """SIGTERM, wait for the exit, return the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(STOP_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
        return self.process.returncode

    def log(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self._log_path.read_text(encoding="utf-8", errors="replace")

    # ---- the people

    def run(self, function: Callable[[], Any]) -> Any:
        """Run `function()` on the emulator's event loop (where `self.api` lives)."""
        return self.emulator.run(function)

    def user(self, user_id: int, first_name: str, *, username: str | None = None) -> int:
        self.run(lambda: self.api.add_user(user_id, first_name, username=username))
        return user_id

    def group(self, chat_id: int, title: str, *, members: list[int] = (), admins: list[int] = (),
              supergroup: bool = False) -> int:
        self.run(lambda: self.api.add_group(chat_id, title, members=members, admins=admins, supergroup=supergroup))
        return chat_id

    def send(self, user_id: int, text: str, *, chat: int | None = None, reply_to: int | dict | None = None) -> dict:
        if isinstance(reply_to, dict):
            reply_to = reply_to["message_id"]
        return self.run(lambda: self.api.send_text(user_id, text, chat_id=chat, reply_to=reply_to))

    def reply_to(self, sent: dict, *, timeout: float = DEFAULT_TIMEOUT) -> dict:
        def replies(message: dict) -> bool:
            return message.get("reply_to_message", {}).get("message_id") == sent["message_id"]

        return self.wait_message(sent["chat"]["id"], replies, after=sent["message_id"], timeout=timeout)

    def wait_message(self, chat: int, predicate: Callable[[dict], bool] | None = None, *, after: int = 0,
                     timeout: float = DEFAULT_TIMEOUT) -> dict:
        try:
            return self.emulator.run_async(self.api.wait_message(chat, predicate, after=after, timeout=timeout),
                                           timeout + 5)
        except TimeoutError:
            raise TimeoutError(
                f"no such bot message in chat {chat} within {timeout} s; bot messages: "
                f"{[m.get('text', m.get('document')) for m in self.messages(chat)][-5:]}\nbot log:\n{self.log()[-3000:]}"
            ) from None

    def messages(self, chat: int) -> list[dict]:
        return self.run(lambda: [dict(m) for m in self.api.bot_messages(chat)])

    @staticmethod
    def buttons(message: dict) -> list[str]:
        return [button["text"] for row in message.get("reply_markup", {}).get("inline_keyboard", []) for button in row]

    def press(self, user_id: int, message: dict, button: str, *, timeout: float = DEFAULT_TIMEOUT) -> dict:
        query_id = self.run(lambda: self.api.press(user_id, message, button))
        return self._callback_answer(query_id, timeout)

    def press_data(self, user_id: int, message: dict, data: str, *, timeout: float = DEFAULT_TIMEOUT) -> dict:
        query_id = self.run(lambda: self.api.press_data(user_id, message, data))
        return self._callback_answer(query_id, timeout)

    def _callback_answer(self, query_id: str, timeout: float) -> dict:
        try:
            return self.emulator.run_async(self.api.wait_callback_answer(query_id, timeout), timeout + 5)
        except TimeoutError:
            raise TimeoutError(f"the bot did not answer the button press within {timeout} s\n{self.log()[-3000:]}") from None

    def document(self, message: dict) -> bytes:
        return self.run(lambda: self.api.file_content(message["document"]["file_id"]))

    def calls(self, method: str) -> list[dict]:
        return self.run(lambda: [params for name, params in self.api.calls if name == method])

    def commands(self) -> list[dict]:
        return self.run(lambda: list(self.api.commands))

    def inject_retry_after(self, method: str, *, seconds: int = 1, times: int = 1) -> None:
        self.run(lambda: self.api.inject_retry_after(method, seconds, times))


