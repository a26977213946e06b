"""Deadline alerts on DingTalk: the outbox rows addressed to DingTalk users and groups, each sent once.

The same outbox, claims and catch-up rules as on Telegram (bot/scheduler.py, office/reminders.py):
a row is claimed in its own transaction (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so replicas never
take the same row), sent as the alert card with 完成 / 推迟, and its outcome recorded right after.
A request that never reached DingTalk (no connection, no access token), or that DingTalk throttled
(HTTP 429, or a user it flow-controls), is tried again; one that left but got no clear answer (a
timeout, a 5xx) is marked uncertain and not repeated; a refusal (4xx, an unknown user) is recorded
as failed and shown on the web console's 今日. A group the robot was removed from (or that was
dissolved) ends its subscriptions and its pending alerts, as a Telegram group that removed the bot
does. `run_dingtalk` ticks it every ALERT_POLL_SECONDS. Try it::

    ALERT_LEAD_TIMES=2m ALERT_POLL_SECONDS=1 officebot run    # with DINGTALK_* set; then in a
    # DingTalk group: @机器人 subscribe 全部, and privately: deadline <today> <in 3 minutes> 测试
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.dingtalk.openapi import DingTalkError
from bot.dingtalk.sender import DingTalkSender
from bot.scheduler import RETRY_LATER, Dispatcher, DispatchStats
from handlers.deadlines import alert_reply
from handlers.messages import Reply
from office import reminders
from office.reminders import Claim
from storage.db import Database
from storage.people import DINGTALK

logger = logging.getLogger(__name__)

THROTTLED_WAIT = timedelta(seconds=60)  # DingTalk's robot quotas are per minute
# Error codes of groupMessages/send and card delivery meaning the group cannot hear the robot any
# more: the robot is not (or no longer) in the group, the group id names no group, the robot was stopped there.
CHAT_GONE_CODES = frozenset({"invalidParameter.robotCode.notExsit", "invalid.openConversationId",
                             "invalidParameter.openConversationId.invalid", "bot.stopped"})


class DingTalkDispatcher(Dispatcher):
    """Sends the outbox's DingTalk rows through a `DingTalkSender`.

        dispatcher = DingTalkDispatcher.for_office(db, tz=ZoneInfo("Asia/Shanghai"), clock=clock.utcnow)
        stats = await dispatcher.run(sender)
    """

    channels = (DINGTALK,)

    @classmethod
    def for_office(cls, db: Database, *, tz: ZoneInfo, clock: Callable[[], datetime]) -> DingTalkDispatcher:
        return cls(db, lambda claim: alert_reply(claim, tz=tz, now=clock()), clock=clock)

    async def _deliver(self, sender: DingTalkSender, claim: Claim, stats: DispatchStats) -> bool:
        reply: Reply = self.render(claim)
        heartbeat = asyncio.create_task(self._heartbeat(claim))
        try:
            await sender.send(claim.chat_id, reply)
        except DingTalkError as error:
            heartbeat.cancel()
            return await self._not_delivered(claim, error, stats)
        except Exception as error:  # e.g. an unreadable answer to a request that left: it may have arrived
            heartbeat.cancel()
            logger.exception("reminder %s: sending to DingTalk failed; marked uncertain", claim.reminder_id)
            await self._db(reminders.record_uncertain, claim=claim, worker=self.worker, error=repr(error)[:500])
            stats.uncertain += 1
            return True
        recorded = self._transaction(reminders.record_sent, claim=claim, worker=self.worker, message_id=None,
                                     now=self.clock())
        heartbeat.cancel()
        if not recorded:
            logger.warning("reminder %s was sent after its claim expired", claim.reminder_id)
        stats.sent += 1
        return True

    async def _not_delivered(self, claim: Claim, error: DingTalkError, stats: DispatchStats) -> bool:
        """Record why; False when DingTalk asked to slow down (the next tick goes on)."""
        if error.status == 429 or not error.left:
            wait = THROTTLED_WAIT if error.status == 429 else RETRY_LATER
            await self._db(reminders.record_not_sent, claim=claim, worker=self.worker,
                           retry_at=self.clock() + wait, error=f"not sent: {error}")
            stats.retried += 1
            return error.status != 429
        if error.status is None or error.status >= 500:
            logger.warning("reminder %s: no clear answer from DingTalk (%s); marked uncertain, not repeated",
                           claim.reminder_id, error)
            await self._db(reminders.record_uncertain, claim=claim, worker=self.worker, error=str(error))
            stats.uncertain += 1
            return True
        if error.code in CHAT_GONE_CODES:
            kinds = await self._db(reminders.record_chat_gone, claim=claim, worker=self.worker, error=str(error))
            logger.warning("DingTalk chat %s cannot receive alerts (%s); subscriptions ended: %s",
                           claim.chat_id, error.code, ", ".join(kinds) or "none")
            stats.chats_gone.append(claim.chat_id)
            return True
        logger.error("reminder %s refused by DingTalk: %s", claim.reminder_id, error)
        await self._db(reminders.record_failed, claim=claim, worker=self.worker, error=str(error))
        stats.failed += 1
        return True


async def send_alerts(dispatcher: DingTalkDispatcher, sender: DingTalkSender, stop: asyncio.Event,
                      *, poll_seconds: float) -> None:
    """Tick the dispatcher from the start (the catch-up after downtime) until `stop` is set."""
    while not stop.is_set():
        try:
            await dispatcher.run(sender, keep_going=lambda: not stop.is_set())
        except Exception:  # one bad tick must not end the alerts; the next one tries again
            logger.exception("DingTalk alert dispatch failed")
        try:
            await asyncio.wait_for(stop.wait(), timeout=poll_seconds)
        except TimeoutError:
            pass
