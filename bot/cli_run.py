"""`officebot run` (the Telegram bot) and `officebot chat` (the same bot in the terminal).

Try it: `officebot chat` needs no Telegram at all; `TELEGRAM_BOT_TOKEN=... officebot run` polls
Telegram, or serves a webhook when `WEBHOOK_URL` is set.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from urllib.parse import urlparse


def register(subparsers: argparse._SubParsersAction) -> None:
    run_parser = subparsers.add_parser("run", help="启动 Telegram 机器人 (长轮询,设置 WEBHOOK_URL 时用 webhook)")
    run_parser.set_defaults(func=_run)
    chat_parser = subparsers.add_parser("chat", help="终端对话:不用 Telegram 试用机器人")
    chat_parser.add_argument("--user-id", type=int, help="扮演的 Telegram 用户 id (默认第一个管理员)")
    chat_parser.add_argument("--name", default="我", help="扮演的用户名字")
    chat_parser.set_defaults(func=_chat)


def _run(args: argparse.Namespace) -> int:
    from telegram import Update

    from bot.app import build_application
    from bot.services import Services

    services = Services.create()
    settings = services.settings
    if not settings.telegram_bot_token:
        print("未配置 TELEGRAM_BOT_TOKEN(见 .env.example)。不用 Telegram 试用请运行 officebot chat。", file=sys.stderr)
        return 2
    from bot.update_inbox import InboxQueue

    # Each update is recorded before Telegram is told it arrived (bot/update_inbox.py).
    application = build_application(services, update_queue=InboxQueue(services))
    # Both stop on SIGINT, SIGTERM and SIGABRT: the updates in hand are finished and the polling
    # offset committed before they return, so the exit code is 0.
    if settings.webhook_url:
        application.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=urlparse(settings.webhook_url).path.lstrip("/"),
            webhook_url=settings.webhook_url,
            secret_token=settings.webhook_secret,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        asyncio.run(_poll(application))
    return 0


async def _poll(application) -> None:  # type: ignore[no-untyped-def]
    """Long polling through the update inbox (bot/update_inbox.py), stopped by SIGINT/SIGTERM/SIGABRT
    after the updates in hand are handled, like PTB's run_polling."""
    from bot.update_inbox import InboxPolling

    polling = InboxPolling(application)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGINT, signal.SIGTERM, signal.SIGABRT):
        loop.add_signal_handler(signal_number, stop.set)
    async with application:  # initialize … shutdown
        if application.post_init is not None:
            await application.post_init(application)
        await application.start()
        await polling.run(stop)
        await application.stop()


def _chat(args: argparse.Namespace) -> int:
    from bot.chat import run_chat

    return run_chat(user_id=args.user_id, name=args.name)
