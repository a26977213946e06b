"""End-to-end harness: the real `officebot run` process against a Bot API emulator.

The emulator (tests/e2e/emulator.py, serving bot/local_api.py) runs once per session on a free
loopback port; the rules index is ingested once per session into a shared CHROMA_PATH. Each bot
process gets its own token (its own Telegram world), DATA_DIR and SQLite database.

Fixtures (the `Bot` class lives in tests/e2e/harness.py, which the benchmark reuses)
--------
``start_bot(**env) -> Bot``   (module-scoped; call it from a module-scoped fixture so one bot
process serves all the tests of a module)::

    @pytest.fixture(scope="module")
    def bot(start_bot):
        return start_bot(ADMIN_TELEGRAM_IDS="1001", OFFICE_CHAT_ID="-100500", ALERT_POLL_SECONDS="1")

Extra keyword arguments become environment variables of the process (any Settings field, upper
case). It returns once the bot has set its command menu and polls (or has set its webhook when
WEBHOOK_URL is given); every bot still running at the end of the module is stopped with SIGTERM
and must exit with code 0.

``Bot`` (the user side; every wait has a `timeout` in seconds, default 20, and raises
TimeoutError)::

    bot.username                              # the bot's @username, for mentions
    bot.user(1001, "王主任", username=None)    # a person + their private chat; returns the id
    bot.group(-100500, "办公室群", members=[1001, 1002], admins=[1001])   # returns the chat id
    sent = bot.send(1001, "常务会议材料提前几天报送?")                  # private chat by default
    sent = bot.send(1001, f"@{bot.username} 问题", chat=-100500)          # a group mention
    sent = bot.send(1001, "/ask 问题", chat=-100500, reply_to=message_id)  # commands get entities
    reply = bot.reply_to(sent)                # the bot's first message replying to `sent`
    msg = bot.wait_message(chat, lambda m: "已批准" in m["text"], after=sent["message_id"])
    bot.messages(chat)                        # every bot message in a chat, oldest first, edits applied
    bot.buttons(reply)                        # ["全文 第四十八条", "👍", ...]
    answer = bot.press(1001, reply, "👍")      # press by button text or callback data; returns
                                              # the callback answer {"text", "show_alert"}
    answer = bot.press_data(1001, reply, "qa:forged")   # a forged/outdated button press
    bot.document(message)                     # bytes of a document the bot sent (sendDocument)
    bot.calls("setMyCommands")                # parameters of each call the bot made of a method
    bot.commands()                            # the command menu the bot set
    bot.inject_retry_after("sendMessage", seconds=1, times=1)   # next call gets 429 RetryAfter
    bot.api                                   # the LocalBotApi itself (use via bot.run(fn))
    bot.stop() -> int                         # SIGTERM now; returns the exit code
    bot.kill(); bot.restart()                 # kill -9, then a new process on the same data and world
    bot.log()                                 # the process's stdout+stderr so far
    bot.data_dir, bot.database_url, bot.env

Messages are Bot API JSON dicts: m["text"] (HTML already parsed to plain text, as a client shows
it), m["entities"], m["reply_markup"], m["reply_to_message"], m["chat"]["id"], m["message_id"].

``start_dingtalk_bot(**env) -> DingTalkBot`` does the same with the DingTalk emulator
(tests/e2e/dingtalk_emulator.py; the API is in tests/e2e/dingtalk_harness.py): no Telegram token,
DINGTALK_CLIENT_ID / DINGTALK_CLIENT_SECRET / DINGTALK_CARD_TEMPLATE_ID set, DINGTALK_API_URL pointed
at the emulator; it returns once the bot has opened its stream.

The emulator delivers every group message to the bot (as if privacy mode were off), so a bot
that ignores a group message really decided to. To assert that nothing was answered, send a
second message that is answered and check that no reply to the first came before it: the bot
handles updates in order.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from dingtalk_emulator import DingTalkEmulator
from dingtalk_harness import DingTalkBot
from emulator import Emulator  # tests/e2e is on sys.path (rootdir conftest, no packages)
from harness import Bot, base_env

from bootstrap.clock import Clock


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


def stop_and_check_exits(bots: list[Any]) -> None:
    """SIGTERM each bot a test started; one that was running must exit 0 (its shutdown is tested too)."""
    failures = []
    for bot in bots:
        running = bot.process.poll() is None
        code = bot.stop()
        if running and code != 0:
            failures.append(f"bot exited with {code} on SIGTERM:\n{bot.log()[-3000:]}")
    assert not failures, "\n".join(failures)


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    server = Emulator().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def rules_index(qa, qa_settings) -> Path:
    """CHROMA_PATH holding the bundled rule book: the session's index (tests/conftest.py)."""
    return qa_settings.resolved_chroma_path


@pytest.fixture(scope="module")
def start_bot(
    emulator: Emulator, rules_index: Path, clock: Clock, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[..., Bot]]:
    started: list[Bot] = []

    def start(**env: Any) -> Bot:
        world = emulator.new_bot()
        workdir = tmp_path_factory.mktemp("bot")
        process_env = base_env(
            TELEGRAM_BOT_TOKEN=world.token,
            TELEGRAM_API_URL=emulator.url,
            DATA_DIR=str(workdir / "data"),
            CHROMA_PATH=str(rules_index),
            CLOCK_SHIFT_SECONDS=repr(clock.shift.total_seconds()),  # the bot's "now" is the test's
            **env,
        )
        bot = Bot(emulator, world, workdir, process_env)
        started.append(bot)
        bot.wait_ready()
        return bot

    yield start
    stop_and_check_exits(started)


@pytest.fixture(scope="session")
def dingtalk_emulator() -> Iterator[DingTalkEmulator]:
    server = DingTalkEmulator().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def start_dingtalk_bot(
    dingtalk_emulator: DingTalkEmulator, rules_index: Path, clock: Clock, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[..., DingTalkBot]]:
    started: list[DingTalkBot] = []

    def start(**env: Any) -> DingTalkBot:
        app = dingtalk_emulator.new_app()
        workdir = tmp_path_factory.mktemp("dingtalk-bot")
        process_env = base_env(
            DINGTALK_CLIENT_ID=app.client_id,
            DINGTALK_CLIENT_SECRET=app.client_secret,
            DINGTALK_CARD_TEMPLATE_ID="officebot-card.schema",
            DINGTALK_API_URL=dingtalk_emulator.url,
            DATA_DIR=str(workdir / "data"),
            CHROMA_PATH=str(rules_index),
            CLOCK_SHIFT_SECONDS=repr(clock.shift.total_seconds()),
            **env,
        )
        bot = DingTalkBot(dingtalk_emulator, app, workdir, process_env)
        started.append(bot)
        bot.wait_ready()
        return bot

    yield start
    stop_and_check_exits(started)
