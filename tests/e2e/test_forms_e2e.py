"""Guided forms survive the bot process: kill -9 in the middle of one, start the bot again, and the
person's next answer lands on the step they were at; the form records once. And (slow) the crash
bench of update handling, small: commands sent in bursts while the bot is killed again and again."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import crash_test_updates  # noqa: E402

HEAD = 4001


def test_a_guided_form_cut_by_kill_9_is_finished_after_the_restart(start_bot, clock):
    bot = start_bot()
    command = [sys.executable, "-m", "bot.cli", "users", "add", "--telegram-id", str(HEAD), "--name", "孙局长",
               "--role", "部门正职", "--unit", "区财政局"]
    result = subprocess.run(command, cwd=bot.workdir, env=bot.env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    bot.user(HEAD, "孙局长")
    due = clock.now().date() + timedelta(days=5)

    asked = bot.reply_to(bot.send(HEAD, "/deadline"))
    title_question = bot.reply_to(bot.send(HEAD, f"{due} 17:00"))
    assert "截止日期" in asked["text"] and "事项内容" in title_question["text"]

    bot.kill()
    title = bot.send(HEAD, "提交整改报告")  # typed while the bot is down: it waits at the Bot API
    bot.restart()
    target_question = bot.reply_to(title)
    recorded = bot.reply_to(bot.send(HEAD, "区财政局"))
    listed = bot.reply_to(bot.send(HEAD, "/deadlines"))

    assert "由谁负责" in target_question["text"]
    assert "已登记期限 #1" in recorded["text"] and f"{due}" in recorded["text"] and "17:00" in recorded["text"]
    assert "#1 提交整改报告" in listed["text"] and "#2" not in listed["text"]


@pytest.mark.slow
def test_kill_9_under_bursts_of_commands_loses_none_and_applies_none_twice(rules_index, tmp_path):
    result = crash_test_updates.run(kills=5, messages=60, workdir=tmp_path, chroma_path=rules_index, seed=11)
    print(result)
    assert (result.lost, result.applied_twice, result.recorded, result.replies_missing) == (0, 0, 60, 0)
    assert result.final_exit_code == 0
