"""`officebot chat`: the Telegram bot in the terminal, for trying it without Telegram.

The real `Application` (every handler, the database, the Q&A engine) runs in-process against
`bot.local_api.LocalBotApi` through `LocalRequest`, so what you see is exactly what the bot does
on Telegram. You are a person in a private chat with the bot: type a question or a command; the
bot's replies are printed as plain text, inline buttons as numbered choices ([1] 全文 第四十八条).
Every printed button has its own number (bot/chat_buttons.py), so typing a number presses exactly
the button printed with it, on whichever card; a number that names no button gets 「没有这个按钮」
and is not sent (a bare number is never a question). Messages the bot sends to other chats (a
group, another person of the directory) are printed with the chat's name. The bot's log goes to
`DATA_DIR/officebot-chat.log`, not into the conversation. Ctrl-D, /quit or /exit ends the chat.

Try it: `officebot chat` (or `make run` without TELEGRAM_BOT_TOKEN).
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable
from pathlib import Path

from telegram import Update

from bot.chat_buttons import ButtonNumbers
from bot.local_api import LocalBotApi, LocalRequest
from bootstrap.settings import Settings, get_settings

LOCAL_TOKEN = "100000:local-terminal-chat"
DEFAULT_USER_ID = 10_000
QUIT = {"/quit", "/exit", "退出"}
NO_SUCH_BUTTON = "没有这个按钮。请输入按钮前方括号里的编号,例如 1。"
LOG_FILE = "officebot-chat.log"


class TerminalChat:
    """Feeds typed lines to the application as updates and prints what the bot did."""

    def __init__(self, application, api: LocalBotApi, user_id: int, write: Callable[[str], None] = print) -> None:
        self.application = application
        self.api = api
        self.user_id = user_id
        self.write = write
        self._seen_events = 0
        self._buttons = ButtonNumbers()
        self._offset = 0

    async def handle_line(self, line: str) -> None:
        """One line typed by the user: a button number or a message."""
        line = line.strip()
        if not line:
            return
        # The number is read against the cards as printed, before anything that arrived since is shown.
        pressed = self._buttons.press(int(line)) if line.isdigit() else None
        self.print_events()
        if line.isdigit() and pressed is None:
            self.write(f"  (提示) {NO_SUCH_BUTTON}")
            self.write("")
            return
        if pressed is not None:
            self.api.press_data(self.user_id, *pressed)
        else:
            self.api.send_text(self.user_id, line)
        await self._process_pending()
        self.print_events()

    async def _process_pending(self) -> None:
        # process_update returns when every handler for the update has finished, so the
        # replies are complete before the next prompt.
        for raw in await self.api.next_updates(self._offset):
            self._offset = raw["update_id"] + 1
            await self.application.process_update(Update.de_json(raw, self.application.bot))
        await self.api.next_updates(self._offset)

    def print_events(self) -> None:
        for kind, payload in self.api.events[self._seen_events :]:
            if kind == "message":
                self._print_message(payload)
            elif kind == "edit":
                self._print_message(payload, edited=True)
            elif kind == "delete" and payload["chat"]["id"] == self.user_id:
                self._buttons.forget(payload)
            elif kind == "callback_answer" and payload["text"]:
                self.write(f"  (提示) {payload['text']}")
        self._seen_events = len(self.api.events)

    def _print_message(self, message: dict, *, edited: bool = False) -> None:
        chat = message["chat"]
        where = "" if chat["id"] == self.user_id else f"[发往 {chat.get('title') or chat.get('first_name') or chat['id']}] "
        body = message.get("text") or message.get("caption") or ""
        if "document" in message:
            body = f"📎 {message['document']['file_name']} {body}".rstrip()
        self.write(f"{'(已更新) ' if edited else ''}{where}机器人:\n{body}")
        buttons = [b for row in message.get("reply_markup", {}).get("inline_keyboard", []) for b in row if "callback_data" in b]
        if chat["id"] == self.user_id:
            numbers = self._buttons.show(message, buttons)
            if buttons:
                self.write("  " + "  ".join(f"[{n}] {b['text']}" for n, b in zip(numbers, buttons)))
        self.write("")


async def chat_loop(chat: TerminalChat, read_line: Callable[[], str]) -> None:
    while True:
        try:
            line = await asyncio.to_thread(read_line)
        except EOFError:
            return
        if line.strip() in QUIT:
            return
        await chat.handle_line(line)


def run_chat(*, user_id: int | None = None, name: str = "我") -> int:
    from bot.app import build_application
    from bootstrap.services import Services
    from bot.startup_checks import config_problem

    configured = get_settings()
    settings = configured.model_copy(update={"telegram_bot_token": LOCAL_TOKEN})
    if user_id is None:
        user_id = settings.admin_telegram_ids[0] if settings.admin_telegram_ids else DEFAULT_USER_ID
    services = Services.create(settings)
    problem = config_problem(services)
    if problem:
        print(f"错误:{problem}", file=sys.stderr)
        return 2
    log_file = settings.data_dir / LOG_FILE
    log_to(log_file)

    async def main() -> None:
        api = local_api(services, user_id, name)
        alerts = sends_alerts(configured)
        application = build_application(services, request=LocalRequest(api), dispatch_alerts=alerts)
        if not alerts:
            print(REAL_BOT_SENDS_ALERTS)
        print("正在加载规则库……")
        async with application:
            # run_polling would call post_init (command menu, index warm-up); here we drive it.
            await application.post_init(application)
            await application.start()
            chat = TerminalChat(application, api, user_id)
            chat.print_events()
            print(f"终端对话已开始(你是用户 {user_id};运行日志写在 {log_file})。"
                  "输入问题或命令,例如 /help;输入数字按按钮;Ctrl-D 退出。\n")
            try:
                await chat_loop(chat, lambda: input("你: "))
            finally:
                await application.stop()

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
    print("再见。", file=sys.stderr)
    return 0


REAL_BOT_SENDS_ALERTS = ("已配置正式机器人或共用数据库(DATABASE_URL):终端对话不发送期限提醒,"
                         "提醒由正式机器人发出。")


def sends_alerts(configured: Settings) -> bool:
    """Whether the terminal chat may send the outbox's reminders: only on a database of its own. Not
    when a real bot is configured, nor on a database named by DATABASE_URL (which a real bot may
    share): the in-memory Bot API knows none of the office's real chats, so it would take their
    reminders as sent and end the subscriptions of groups it has never heard of."""
    return not (configured.telegram_bot_token or configured.dingtalk_configured or configured.database_url)


def log_to(path: Path) -> None:
    """The bot's log lines (the alert dispatcher's, a message that could not be delivered, an
    error's traceback) go to `path`: printed, they would interleave with the conversation."""
    path.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    logging.captureWarnings(True)


def local_api(services, user_id: int, name: str, token: str = LOCAL_TOKEN) -> LocalBotApi:  # type: ignore[no-untyped-def]
    """The in-memory Telegram of the terminal chat: you (`user_id`), and everyone of the directory
    with a Telegram id, each with a chat with the bot, so that what the bot sends them (an approval
    request, a decision) is printed as 「[发往 王区长]」 instead of failing as an unknown chat."""
    from office.directory import all_members

    api = LocalBotApi(token)
    with services.db.transaction() as session:
        for member in all_members(session=session):
            if member.telegram_id is not None:
                api.add_user(member.telegram_id, member.name)
    api.add_user(user_id, name)
    return api
