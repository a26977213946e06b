"""The running `officebot run` process connected to the DingTalk emulator, and its people.

Built by the `start_dingtalk_bot` fixture (tests/e2e/conftest.py)::

    bot = start_dingtalk_bot(ADMIN_TELEGRAM_IDS="1001")      # returns once the stream is open
    bot.add_person("u1", "李科长", "工作人员", "区政府办公室")  # officebot users add --dingtalk-id u1 …
    message = bot.send("u1", "常务会议材料提前几天报送?")      # private; returns the delivered message
    reply = bot.reply(to="u1")                               # the next thing the bot sent to u1
    bot.send_group("u1", "cidGROUP1", "问题")                # an @-mention in a group (mention=False: not)
    bot.press("u1", reply, "👍")                             # a card button
    bot.redeliver(message)                                   # the same msgId again
    bot.drop()                                               # the gateway drops the stream
    bot.sent(after=n), bot.app.opens, bot.kill(), bot.stop(), bot.log()
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from dingtalk_emulator import MESSAGE_TOPIC, App, DingTalkEmulator, Sent
from harness import officebot_command

STARTUP_SECONDS = 120
STOP_SECONDS = 30
TIMEOUT = 20.0


class DingTalkPeople:
    """The people of one DingTalk app writing to its robot, and what the robot sent them."""

    def __init__(self, emulator: DingTalkEmulator, app: App, log: Callable[[], str]) -> None:
        self.emulator = emulator
        self.app = app
        self.log = log

    def _wait(self, predicate: Callable[[], bool], timeout: float) -> None:
        self.emulator.run_async(self.app.wait_for(predicate, timeout=timeout), timeout + 5)

    def wait(self, predicate: Callable[[], bool], *, what: str, timeout: float = TIMEOUT) -> None:
        """Until `predicate()` holds of the emulator's state (checked on its loop)."""
        try:
            self._wait(predicate, timeout)
        except TimeoutError:
            raise TimeoutError(f"not within {timeout} s: {what}\nbot log:\n{self.log()[-3000:]}") from None

    def send(self, staff_id: str, text: str, *, msg_id: str | None = None) -> dict:
        return self.emulator.run_async(self.app.send_private(staff_id, text, msg_id=msg_id))

    def send_group(self, staff_id: str, group: str, text: str, *, mention: bool = True) -> dict:
        return self.emulator.run_async(self.app.send_group(staff_id, group, text, mention=mention))

    def redeliver(self, message: dict) -> str:
        """DingTalk delivers the same robot message (same msgId) again, in a new frame."""
        return self.emulator.run_async(self.app.deliver(MESSAGE_TOPIC, message))

    def press(self, staff_id: str, card: Sent, label: str) -> str:
        return self.emulator.run_async(self.app.press(staff_id, card, label))

    def drop(self) -> None:
        self.emulator.run_async(self.app.drop())

    def sent(self, *, after: int = 0) -> list[Sent]:
        return self.emulator.run(lambda: list(self.app.sent[after:]))

    def reply(self, *, to: str, after: int = 0, contains: str = "", timeout: float = TIMEOUT) -> Sent:
        """The first message (or card) sent to `to` at index `after` or later, containing `contains`."""
        try:
            return self.emulator.run_async(
                self.app.wait_sent(lambda s: s.chat == to and contains in s.text, after=after, timeout=timeout),
                timeout + 5)
        except TimeoutError:
            raise TimeoutError(f"nothing sent to {to} containing {contains!r} within {timeout} s; sent: "
                               f"{[(s.chat, s.text[:80]) for s in self.sent()][-6:]}\nbot log:\n{self.log()[-3000:]}"
                               ) from None

    def acked(self, frame_id: str, timeout: float = TIMEOUT) -> dict:
        self._wait(lambda: frame_id in self.app.acks, timeout)
        return self.app.acks[frame_id]


class DingTalkBot(DingTalkPeople):
    """One running `officebot run` process connected to `app`, and its people."""

    def __init__(self, emulator: DingTalkEmulator, app: App, workdir: Path, env: dict[str, str]) -> None:
        super().__init__(emulator, app, self._read_log)
        self.workdir = workdir
        self.env = env
        self._log_path = workdir / "bot.log"
        self._log = open(self._log_path, "w", encoding="utf-8")  # noqa: SIM115 - lives as long as the process
        self._spawn()

    def _spawn(self) -> None:
        self._opens_at_start = self.app.opens
        self.process = subprocess.Popen(officebot_command("run"), cwd=self.workdir, env=self.env, stdout=self._log,
                                        stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self) -> None:
        """Until the process has opened its stream (it loads the Q&A index first)."""
        for _ in range(STARTUP_SECONDS):
            if self.process.poll() is not None:
                raise RuntimeError(f"officebot run exited with {self.process.returncode}:\n{self.log()}")
            try:
                self._wait(lambda: self.app.opens > self._opens_at_start and bool(self.app.sockets), 1.0)
                return
            except TimeoutError:
                continue
        raise TimeoutError(f"officebot run did not connect within {STARTUP_SECONDS} s:\n{self.log()}")

    def wait_logged(self, text: str, *, timeout: float = TIMEOUT) -> None:
        """Until the bot's log says `text`: for what the bot records without messaging anyone."""
        end = time.monotonic() + timeout
        while text not in self._read_log():
            if time.monotonic() > end:
                raise TimeoutError(f"the bot did not log {text!r} within {timeout} s:\n{self._read_log()[-3000:]}")
            time.sleep(0.1)

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()

    def restart(self) -> None:
        self._spawn()
        self.wait_ready()

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(STOP_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
        return self.process.returncode

    def _read_log(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self._log_path.read_text(encoding="utf-8", errors="replace")

    def add_person(self, staff_id: str, name: str, role: str, unit: str, *, oversees: str = "") -> None:
        """Register someone on DingTalk alone, as `officebot users add --dingtalk-id` does."""
        command = [sys.executable, "-m", "bot.cli", "users", "add", "--dingtalk-id", staff_id, "--name", name,
                   "--role", role, "--unit", unit, "--oversees", oversees]
        subprocess.run(command, cwd=self.workdir, env=self.env, check=True, capture_output=True)
