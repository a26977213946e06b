"""`officebot chat`: the Telegram bot in the terminal, for trying it without Telegram.

The real `Application` (every handler, the database, the Q&A engine) runs in-process against
`bot.local_api.LocalBotApi` through `LocalRequest`, so what you see is exactly what the bot does
on Telegram. You are a person in a private chat with the bot: type a question or a command; the
bot's replies are printed as plain text, inline buttons as numbered choices ([1] 全文 第四十八条),
and typing a number presses that button of the newest message that has buttons. Messages the bot
sends to other chats (a group, another person) are printed with the chat's name. Ctrl-D, /quit or
/exit ends the chat.

Try it: `officebot chat` (or `make run` without TELEGRAM_BOT_TOKEN).
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable

from telegram import Update

from bot.local_api import LocalBotApi, LocalRequest

LOCAL_TOKEN = "100000:local-terminal-chat"
DEFAULT_USER_ID = 10_000
QUIT = {"/quit", "/exit", "退出"}


class TerminalChat:
    """Feeds typed lines to the application as updates and prints what the bot did."""

    def __init__(self, application, api: LocalBotApi, user_id: int, write: Callable[[str], None] = print) -> None:
        self.application = application
        self.api = api
        self.user_id = user_id
        self.write = write
        self._seen_events = 0
        self._buttons: tuple[dict, list[dict]] | None = None  # (message, its buttons in order)
        self._offset = 0

    async def handle_line(self, line: str) -> None:
        """One line typed by the user: a button number or a message."""
        line = line.strip()
        if not line:
            return
        if line.isdigit() and self._buttons and 1 <= int(line) <= len(self._buttons[1]):
            message, buttons = self._buttons
            self.api.press_data(self.user_id, message, buttons[int(line) - 1]["callback_data"])
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
        if buttons and chat["id"] == self.user_id:
            self._buttons = (message, buttons)
            self.write("  " + "  ".join(f"[{i}] {b['text']}" for i, b in enumerate(buttons, 1)))
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
    from bot.services import Services
    from bot.settings import get_settings

    # Routine log lines would interleave with the conversation; warnings and errors still show.
    root = logging.getLogger()
    root.setLevel(max(root.level, logging.WARNING))
    settings = get_settings().model_copy(update={"telegram_bot_token": LOCAL_TOKEN})
    if user_id is None:
        user_id = settings.admin_telegram_ids[0] if settings.admin_telegram_ids else DEFAULT_USER_ID
    services = Services.create(settings)

    async def main() -> None:
        api = LocalBotApi(LOCAL_TOKEN)
        api.add_user(user_id, name)
        application = build_application(services, request=LocalRequest(api))
        print("正在加载规则库……")
        async with application:
            # run_polling would call post_init (command menu, index warm-up); here we drive it.
            await application.post_init(application)
            await application.start()
            chat = TerminalChat(application, api, user_id)
            chat.print_events()
            print(f"终端对话已开始(你是用户 {user_id})。输入问题或命令,例如 /help;输入数字按按钮;Ctrl-D 退出。\n")
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
