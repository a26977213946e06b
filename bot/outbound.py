"""Messengers for a process that sends but receives nothing (the web console): each configured
channel's sender registered in `Services.outgoing`, so a notice reaches its person on Telegram, on
DingTalk, or both, exactly as from the bot process.

    async with outgoing_messengers(services):
        arrived = await services.outgoing["dingtalk"](notice)
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from telegram import Bot

from bot.dingtalk.openapi import OpenApi
from bot.dingtalk.sender import DingTalkSender
from bootstrap.services import Services
from bot.telegram_flows import send_notice
from storage.people import DINGTALK, TELEGRAM


@asynccontextmanager
async def outgoing_messengers(services: Services) -> AsyncIterator[Services]:
    settings = services.settings
    async with AsyncExitStack() as stack:
        if settings.telegram_bot_token:
            bot = Bot(settings.telegram_bot_token, base_url=settings.telegram_base_url,
                      base_file_url=settings.telegram_base_file_url)
            await stack.enter_async_context(bot)
            services.outgoing[TELEGRAM] = lambda notice: send_notice(bot, notice)
        if settings.dingtalk_configured:
            sender = DingTalkSender(OpenApi(settings))
            stack.push_async_callback(sender.api.close)
            services.outgoing[DINGTALK] = sender.send_notice
        try:
            yield services
        finally:
            services.outgoing.pop(TELEGRAM, None)
            services.outgoing.pop(DINGTALK, None)
