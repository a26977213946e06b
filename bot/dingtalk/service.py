"""Runs the DingTalk channel inside `officebot run` until it is told to stop: the stream of robot
messages and card presses, and the deadline alerts to DingTalk users and groups.

    stop = asyncio.Event()
    channel = DingTalkChannel(services, FEATURES)      # registers Services.outgoing["dingtalk"]
    await run_dingtalk(channel, stop)                  # the stream and the alerts, until stop.set()
"""

from __future__ import annotations

import asyncio
import logging

from bot.dingtalk.alerts import DingTalkDispatcher, send_alerts
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
    dispatcher = DingTalkDispatcher.for_office(services.db, tz=settings.tz, clock=services.clock.utcnow)
    alerts = asyncio.create_task(send_alerts(dispatcher, channel.sender, stop, poll_seconds=settings.alert_poll_seconds))
    try:
        await stream.run(stop)
    finally:
        stop.set()
        await alerts
        await channel.api.close()
