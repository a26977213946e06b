"""DingTalk end to end: a group subscribes to deadline alerts with an @-mention, and a reminder
reaches the group and the responsible person on DingTalk once, across kill -9 of the bot."""

from __future__ import annotations

from datetime import timedelta

import pytest

OFFICE, CLERK = "office5", "clerk2001"
GROUP = "cidGROUPalerts01=="


@pytest.fixture(scope="module")
def bot(start_dingtalk_bot):
    # Lead time 3 days, so a deadline due tomorrow owes its alert at once (the catch-up rule);
    # one dispatcher tick at each start and none after, so only a restart can send it.
    bot = start_dingtalk_bot(ALERT_LEAD_TIMES="3d", ALERT_LEAD_TIMES_BY_KIND="", ALERT_POLL_SECONDS="3600")
    bot.add_person(OFFICE, "王主任", "办公室", "区政府办公室")
    bot.add_person(CLERK, "李科长", "工作人员", "区政府办公室")
    return bot


def alerts(bot, chat: str) -> list:  # type: ignore[no-untyped-def]
    """The alerts the bot sent to `chat` (read on the emulator's loop: usable inside `bot.wait`)."""
    return [sent for sent in bot.app.sent if sent.chat == chat and sent.text.startswith("⏰")]


def test_a_reminder_reaches_the_subscribed_group_and_the_person_once_across_kill_9(bot, clock):
    after = len(bot.sent())
    bot.send_group(OFFICE, GROUP, "subscribe 全部")
    assert "已订阅:全部" in bot.reply(to=GROUP, after=after).text

    due = clock.now().date() + timedelta(days=1)
    after = len(bot.sent())
    bot.send(CLERK, f"deadline {due.isoformat()} 17:00 提交整改报告")
    assert "已登记" in bot.reply(to=CLERK, after=after).text
    assert alerts(bot, GROUP) == []  # owed, but this process's only tick is behind it

    bot.kill()
    bot.restart()
    bot.wait(lambda: len(alerts(bot, GROUP)) == 1 and len(alerts(bot, CLERK)) == 1,
             what="the alert in the group and privately after the restart")
    (group_alert,) = alerts(bot, GROUP)
    assert "提交整改报告" in group_alert.text and group_alert.button_labels() == ["完成", "推迟"]

    bot.kill()
    bot.restart()
    after = len(bot.sent())
    bot.send(CLERK, "help")  # a round trip: the new process has made its start tick
    bot.reply(to=CLERK, after=after, contains="可用命令")
    assert len(alerts(bot, GROUP)) == 1 and len(alerts(bot, CLERK)) == 1, "sent once, not again after kill -9"


def test_done_on_the_group_card_is_for_the_responsible_person_and_ends_the_reminders(bot):
    (group_alert,) = alerts(bot, GROUP)
    after = len(bot.sent())
    bot.acked(bot.press("stranger9", group_alert, "完成"))
    assert "尚未登记" in bot.reply(to=GROUP, after=after).text

    after = len(bot.sent())
    bot.acked(bot.press(CLERK, group_alert, "完成"))
    assert "办结" in bot.reply(to=GROUP, after=after, contains="办结").text
    after = len(bot.sent())
    bot.send(CLERK, "deadlines")
    assert "提交整改报告" not in bot.reply(to=CLERK, after=after).text


def test_a_group_that_removed_the_robot_loses_its_subscription_not_the_others(bot, clock):
    left = "cidGROUPleft02=="
    after = len(bot.sent())
    bot.send_group(OFFICE, left, "subscribe 全部")
    assert "已订阅:全部" in bot.reply(to=left, after=after).text
    bot.app.removed_from.add(left)  # the group's members remove the robot

    due = clock.now().date() + timedelta(days=1)
    after = len(bot.sent())
    bot.send(CLERK, f"deadline {due.isoformat()} 17:00 报送年度总结")
    assert "已登记" in bot.reply(to=CLERK, after=after).text
    bot.kill()
    bot.restart()  # the start tick sends the owed alerts
    bot.wait(lambda: any("报送年度总结" in sent.text for sent in alerts(bot, GROUP))
             and any("报送年度总结" in sent.text for sent in alerts(bot, CLERK)) and left in bot.app.refused,
             what="the alert in the group that kept the robot and privately, and DingTalk refusing the other")
    assert alerts(bot, left) == []
    bot.wait_logged(f"DingTalk chat {left} cannot receive alerts")  # its subscriptions ended, then logged

    bot.app.removed_from.discard(left)  # added back later: it starts with no subscription
    after = len(bot.sent())
    bot.send_group(OFFICE, left, "subscribe")
    assert "本群当前订阅:无" in bot.reply(to=left, after=after).text
