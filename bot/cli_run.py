"""`officebot run` (every configured channel: Telegram, DingTalk, or both in one process) and
`officebot chat` (the same bot in the terminal).

Try it: `officebot chat` needs no Telegram at all; `TELEGRAM_BOT_TOKEN=... officebot run` polls
Telegram, or serves a webhook when `WEBHOOK_URL` is set; with `DINGTALK_CLIENT_ID` and
`DINGTALK_CLIENT_SECRET` set it also (or only) connects to DingTalk in Stream mode (bot/dingtalk).
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from urllib.parse import urlparse


def register(subparsers: argparse._SubParsersAction) -> None:
    run_parser = subparsers.add_parser("run", help="启动机器人:已配置的 Telegram (长轮询或 webhook) 和钉钉 (Stream 模式)")
    run_parser.set_defaults(func=_run)
    chat_parser = subparsers.add_parser("chat", help="终端对话:不用 Telegram 试用机器人")
    chat_parser.add_argument("--user-id", type=int, help="扮演的 Telegram 用户 id (默认第一个管理员)")
    chat_parser.add_argument("--name", default="我", help="扮演的用户名字")
    chat_parser.set_defaults(func=_chat)


def _run(args: argparse.Namespace) -> int:
    from bootstrap.services import Services

    services = Services.create()
    settings = services.settings
    if not settings.telegram_bot_token and not settings.dingtalk_configured:
        print("未配置 TELEGRAM_BOT_TOKEN,也未配置 DINGTALK_CLIENT_ID / DINGTALK_CLIENT_SECRET(见 .env.example)。"
              "不用 Telegram 试用请运行 officebot chat。", file=sys.stderr)
        return 2
    from bot.startup_checks import config_problem

    problem = config_problem(services)
    if problem:
        print(f"错误:{problem}", file=sys.stderr)
        return 2
    application = None
    if settings.telegram_bot_token:
        from bot.app import build_application
        from bot.update_inbox import InboxQueue

        # Each update is recorded before Telegram is told it arrived (bot/update_inbox.py).
        application = build_application(services, update_queue=InboxQueue(services))
        if settings.webhook_url and not settings.dingtalk_configured:
            # Stops on SIGINT, SIGTERM and SIGABRT after the updates in hand, exit code 0.
            application.run_webhook(**_webhook_arguments(settings))
            return 0
    asyncio.run(_serve(services, application))
    return 0


def _webhook_arguments(settings) -> dict:  # type: ignore[no-untyped-def]
    from telegram import Update

    return {"listen": settings.webhook_listen, "port": settings.webhook_port,
            "url_path": urlparse(settings.webhook_url).path.lstrip("/"), "webhook_url": settings.webhook_url,
            "secret_token": settings.webhook_secret, "allowed_updates": Update.ALL_TYPES}


async def _serve(services, application) -> None:  # type: ignore[no-untyped-def]
    """Every configured channel in this process (Telegram `application`, if any, and DingTalk),
    stopped together by SIGINT/SIGTERM/SIGABRT after the updates in hand are handled."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGINT, signal.SIGTERM, signal.SIGABRT):
        loop.add_signal_handler(signal_number, stop.set)
    channels = []
    if services.settings.dingtalk_configured:
        from bot.app import FEATURES
        from bot.dingtalk.channel import DingTalkChannel
        from bot.dingtalk.service import run_dingtalk

        # Built before Telegram starts, so a Telegram flow's notice to a DingTalk user finds its sender.
        channels.append(run_dingtalk(DingTalkChannel(services, FEATURES), stop))
    if application is not None:
        channels.append(_telegram(application, stop))
    await asyncio.gather(*channels)


async def _telegram(application, stop: asyncio.Event) -> None:  # type: ignore[no-untyped-def]
    """Long polling through the update inbox (bot/update_inbox.py), or the webhook, like PTB's
    run_polling / run_webhook, until `stop` is set."""
    from bot.update_inbox import InboxPolling

    settings = application.bot_data.services.settings
    async with application:  # initialize … shutdown
        if application.post_init is not None:
            await application.post_init(application)
        await application.start()
        if settings.webhook_url:
            await application.updater.start_webhook(**_webhook_arguments(settings))
            await stop.wait()
            await application.updater.stop()
        else:
            await InboxPolling(application).run(stop)
        await application.stop()


def _chat(args: argparse.Namespace) -> int:
    from bot.chat import run_chat

    return run_chat(user_id=args.user_id, name=args.name)
