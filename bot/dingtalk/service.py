"""Runs the DingTalk channel inside `officebot run` until it is told to stop.

    stop = asyncio.Event()
    channel = DingTalkChannel(services, FEATURES)      # registers Services.outgoing["dingtalk"]
    await run_dingtalk(channel, stop)                  # returns after stop.set()
"""

from __future__ import annotations

import asyncio
import logging

from bot.dingtalk.channel import DingTalkChannel
from bot.dingtalk.stream import StreamConnection

logger = logging.getLogger(__name__)


async def run_dingtalk(channel: DingTalkChannel, stop: asyncio.Event) -> None:
    """Open the stream (after the Q&A index is loaded, so the first question is not the slow one)."""
    services = channel.services
    settings = services.settings
    try:
        await asyncio.to_thread(lambda: services.qa)
    except Exception:
        logger.exception("the rules Q&A engine could not be loaded; questions will fail")
    stream = StreamConnection(api_url=settings.dingtalk_api_url, client_id=settings.dingtalk_client_id or "",
                              client_secret=settings.dingtalk_client_secret or "",
                              on_message=channel.on_message, on_card_press=channel.on_card_press)
    try:
        await stream.run(stop)
    finally:
        await channel.api.close()
