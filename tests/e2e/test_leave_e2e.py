"""End to end over the Bot API emulator: people registered with `officebot users add`, a 部门正职 files
a trip in one line, the 区长 and the 分管副区长 both approve by button, the office group receives the
报备, and the filer's /back records the return (销假)."""

from __future__ import annotations

import subprocess
import sys

import pytest

MAYOR, VICE, HEAD, ADMIN = 2001, 2002, 2003, 2009
OFFICE_GROUP = -100500


@pytest.fixture(scope="module")
def bot(start_bot):
    bot = start_bot(ADMIN_TELEGRAM_IDS=str(ADMIN), OFFICE_CHAT_ID=str(OFFICE_GROUP))
    for telegram_id, name, role, unit, oversees in (
        (MAYOR, "王区长", "区长", "区政府", ""),
        (VICE, "赵副区长", "副区长", "区政府", "区财政局,区审计局"),
        (HEAD, "孙局长", "部门正职", "区财政局", ""),
    ):
        command = [sys.executable, "-m", "bot.cli", "users", "add", "--telegram-id", str(telegram_id), "--name", name,
                   "--role", role, "--unit", unit, "--oversees", oversees]
        result = subprocess.run(command, cwd=bot.workdir, env=bot.env, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        assert "已登记" in result.stdout
        bot.user(telegram_id, name)
    bot.user(ADMIN, "办公室")
    bot.group(OFFICE_GROUP, "区政府办公室群", members=[ADMIN])
    return bot


def test_unit_head_files_both_approve_office_is_told_and_filer_returns(bot):
    sent = bot.send(HEAD, "/leave 出差 今天 明天 上海 参加长三角协作会")
    card = bot.wait_message(HEAD, lambda m: "请确认" in m["text"], after=sent["message_id"])
    assert "区长 王区长" in card["text"] and "分管副区长 赵副区长" in card["text"]

    assert bot.press(HEAD, card, "确认提交")["text"] == "已提交"
    to_mayor = bot.wait_message(MAYOR, lambda m: "请审批" in m["text"])
    to_vice = bot.wait_message(VICE, lambda m: "请审批" in m["text"])
    assert "上海" in to_mayor["text"] and "孙局长" in to_vice["text"]

    assert bot.press(MAYOR, to_mayor, "同意")["text"] == "已同意"
    assert bot.press(VICE, to_vice, "同意")["text"] == "已同意"
    approved = bot.wait_message(HEAD, lambda m: "请假已批准" in m["text"])
    assert "/back" in approved["text"]
    report = bot.wait_message(OFFICE_GROUP, lambda m: "请假报备" in m["text"])
    assert "孙局长" in report["text"]
    assert "区长 王区长:同意" in report["text"] and "分管副区长 赵副区长:同意" in report["text"]

    # The 区长's decision replayed (the first approval of a fresh database) changes nothing.
    assert "无需再审批" in bot.press_data(MAYOR, to_mayor, "lv:ok:1")["text"]

    back = bot.send(HEAD, "/back")
    returned = bot.wait_message(HEAD, lambda m: "已销假" in m["text"], after=back["message_id"])
    assert "出差" in returned["text"]
    assert bot.wait_message(OFFICE_GROUP, lambda m: m["text"].startswith("销假"), after=report["message_id"])


def test_a_guided_leave_and_a_card_cut_by_kill_9_are_finished_after_the_restart_and_sent_once(start_bot):
    bot = start_bot()
    for telegram_id, name, role in ((MAYOR, "王区长", "区长"), (VICE, "赵副区长", "副区长")):
        command = [sys.executable, "-m", "bot.cli", "users", "add", "--telegram-id", str(telegram_id), "--name", name,
                   "--role", role, "--unit", "区政府"]
        result = subprocess.run(command, cwd=bot.workdir, env=bot.env, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        bot.user(telegram_id, name)

    kinds = bot.reply_to(bot.send(VICE, "/leave"))
    bot.press(VICE, kinds, "休假")  # the first answer
    bot.wait_message(VICE, lambda m: "开始日期" in m["text"], after=kinds["message_id"])
    end_question = bot.reply_to(bot.send(VICE, "明天"))  # the second answer
    assert "结束日期" in end_question["text"]
    bot.kill()
    end = bot.send(VICE, "明天")  # typed while the bot is down: it waits at the Bot API
    bot.restart()
    assert "地点" in bot.reply_to(end)["text"]
    assert "事由" in bot.reply_to(bot.send(VICE, "本市"))["text"]
    guided_card = bot.reply_to(bot.send(VICE, "家中有事"))
    assert "请确认" in guided_card["text"] and "共 1 天" in guided_card["text"]
    assert bot.press(VICE, guided_card, "确认提交")["text"] == "已提交"

    line_card = bot.reply_to(bot.send(VICE, "/leave 出差 后天 大后天 天津 调研"))
    assert "请确认" in line_card["text"]
    bot.kill()
    bot.restart()
    assert bot.press(VICE, line_card, "确认提交")["text"] == "已提交"
    bot.wait_message(MAYOR, lambda m: "请审批" in m["text"] and "天津" in m["text"])
    requests = [m for m in bot.messages(MAYOR) if "请审批" in m["text"]]
    assert len(requests) == 2 and sum("天津" in m["text"] for m in requests) == 1  # each reached the 区长 once
