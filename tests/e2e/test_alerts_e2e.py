"""End to end over the Bot API emulator: a custom deadline's alert reaches the person and the subscribed
group with 完成 / 推迟, 完成 closes it; and (slow) the crash and replica benches of the alert outbox."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import bench_dispatch_replicas  # noqa: E402
import crash_test_alerts  # noqa: E402

HEAD, CLERK, ADMIN = 3001, 3002, 3009
UNIT_GROUP = -100700


@pytest.fixture(scope="module")
def bot(start_bot):
    bot = start_bot(ADMIN_TELEGRAM_IDS=str(ADMIN), ALERT_LEAD_TIMES="2m", ALERT_LEAD_TIMES_BY_KIND="",
                    ALERT_POLL_SECONDS="1")
    for telegram_id, name, role in ((HEAD, "孙局长", "部门正职"), (CLERK, "周科员", "工作人员")):
        command = [sys.executable, "-m", "bot.cli", "users", "add", "--telegram-id", str(telegram_id), "--name", name,
                   "--role", role, "--unit", "区财政局"]
        result = subprocess.run(command, cwd=bot.workdir, env=bot.env, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        bot.user(telegram_id, name)
    bot.group(UNIT_GROUP, "财政局工作群", members=[CLERK], admins=[HEAD])
    return bot


def test_menu_lists_the_deadline_commands(bot):
    names = {command["command"] for command in bot.commands()}
    assert {"deadline", "deadlines", "done", "subscribe", "unsubscribe", "document", "foreign", "incident"} <= names


def test_alert_reaches_person_and_group_and_done_stops_it(bot, clock):
    refused = bot.send(CLERK, "/subscribe 全部", chat=UNIT_GROUP)
    assert "只有本群管理员" in bot.reply_to(refused)["text"]
    subscribed = bot.send(HEAD, "/subscribe 全部", chat=UNIT_GROUP)
    assert "已订阅:全部" in bot.reply_to(subscribed)["text"]

    # Due at the minute that puts its 2-minute alert 5–65 s from now.
    due = (clock.now() + timedelta(minutes=2, seconds=65)).replace(second=0, microsecond=0)
    sent = bot.send(HEAD, f"/deadline {due:%Y-%m-%d %H:%M} 提交整改报告")
    assert "已登记期限 #1" in bot.reply_to(sent)["text"]
    bot.inject_retry_after("sendMessage", seconds=1, times=1)  # the first alert meets flood control

    private = bot.wait_message(HEAD, lambda m: "期限提醒 #1" in m["text"], timeout=90)
    group = bot.wait_message(UNIT_GROUP, lambda m: "期限提醒 #1" in m["text"], timeout=30)
    assert "提交整改报告" in private["text"] and "还剩 " in private["text"]
    assert bot.buttons(group) == ["完成", "推迟"]

    assert "只有责任人" in bot.press(CLERK, group, "完成")["text"]
    assert bot.press(HEAD, group, "完成")["text"] == "已办结"
    listed = bot.send(HEAD, "/deadlines")
    assert "没有未办结的期限" in bot.reply_to(listed)["text"]
    alerts = [m for chat in (HEAD, UNIT_GROUP) for m in bot.messages(chat) if "期限提醒 #" in m["text"]]
    assert len(alerts) == 2, [m["text"] for m in alerts]  # one each; nothing more after 完成


@pytest.mark.slow
def test_kill_9_during_dispatch_loses_no_reminder(rules_index, tmp_path):
    # Six kills keep the suite short; `python bench/crash_test_alerts.py` runs twenty for the figures.
    result = crash_test_alerts.run(kills=6, reminders=60, workdir=tmp_path, chroma_path=rules_index)
    print(result)
    assert result.lost == 0 and result.delivered == 60
    assert result.duplicates <= 1
    assert result.final_exit_code == 0


@pytest.mark.slow
def test_two_replicas_on_postgresql_send_each_reminder_once(postgres_url):
    result = bench_dispatch_replicas.run(postgres_url, reminders=500, replicas=2)
    print(result)
    assert (result["delivered"], result["lost"], result["duplicates"]) == (500, 0, 0)
    assert all(count > 0 for count in result["sent_by_replica"].values()) and len(result["sent_by_replica"]) == 2
