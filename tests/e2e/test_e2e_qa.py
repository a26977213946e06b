"""Rules Q&A through Telegram: the real bot process, people in private and group chats."""

from __future__ import annotations

import csv
import io
import subprocess

import pytest
from harness import officebot_command

ASKER = 2001
COLLEAGUE = 2002
NEWCOMER = 2003  # asks nothing else, so no follow-up context colours the answers
GROUP = -100_2000


@pytest.fixture(scope="module")
def bot(start_bot):
    bot = start_bot()
    bot.user(ASKER, "李科长")
    bot.user(COLLEAGUE, "张干事")
    bot.user(NEWCOMER, "王新")
    bot.group(GROUP, "区政府办公室", members=[ASKER, COLLEAGUE])
    return bot


def test_start_greets_in_chinese_and_the_command_menu_is_set(bot):
    reply = bot.reply_to(bot.send(ASKER, "/start"))

    assert "区政府办公助手" in reply["text"]
    assert {"start", "help", "ask"} <= {command["command"] for command in bot.commands()}


def test_private_question_gets_the_cited_article_with_buttons(bot):
    sent = bot.send(ASKER, "常务会议的材料要提前几天报送?")
    reply = bot.reply_to(sent)

    assert "第四十八条" in reply["text"]
    assert "3天" in reply["text"]
    assert "《通州区人民政府工作规则》第四十八条" in reply["text"]
    bold = [e for e in reply.get("entities", []) if e["type"] == "bold"]
    assert bold, "the answering sentences are highlighted"
    assert {"全文 第四十八条", "👍", "👎"} <= set(bot.buttons(reply))


def test_full_article_button_sends_the_whole_article(bot):
    reply = bot.reply_to(bot.send(ASKER, "常务会议材料提前几天报送?"))

    assert bot.press(ASKER, reply, "全文 第四十八条")["text"] == ""
    article = bot.wait_message(ASKER, lambda m: m["text"].startswith("《"), after=reply["message_id"])
    assert article["text"].startswith("《通州区人民政府工作规则》第四十八条")
    assert "根据需要,区长可委托常务副区长审议" in article["text"]  # the article's last sentence


def test_thumbs_up_is_stored_and_exported(bot):
    question = "副区长出差跟谁请假?"
    reply = bot.reply_to(bot.send(ASKER, question))

    assert bot.press(ASKER, reply, "👍")["text"] == "已记录,谢谢您的反馈!"
    marked = bot.wait_message(ASKER, lambda m: "✅👍" in bot.buttons(m), after=reply["message_id"] - 1)
    assert marked["message_id"] == reply["message_id"]

    export = subprocess.run(officebot_command("feedback", "--csv"), env=bot.env, cwd=bot.workdir,
                            capture_output=True, text=True, timeout=120)
    assert export.returncode == 0, export.stderr
    rows = list(csv.DictReader(io.StringIO(export.stdout)))
    row = next(r for r in rows if r["问题"] == question)
    assert row["评价"] == "有用"
    assert row["提问人ID"] == str(ASKER)
    assert "第八十二条" in row["引用条款"]


def test_only_the_asker_may_rate_an_answer(bot):
    reply = bot.reply_to(bot.send(ASKER, f"@{bot.username} 区长专题会议多久开一次?", chat=GROUP))

    assert bot.press(COLLEAGUE, reply, "👎")["text"] == "只有提问的人可以评价这条回答。"


def test_group_answers_only_when_addressed(bot):
    ignored = bot.send(ASKER, "常务会议材料提前几天报送?", chat=GROUP)
    mentioned = bot.send(ASKER, f"@{bot.username} 常务会议材料提前几天报送?", chat=GROUP)

    reply = bot.reply_to(mentioned)
    assert "第四十八条" in reply["text"]
    # Updates are handled in order: had the first message been answered, it would be by now.
    replied_to = [m.get("reply_to_message", {}).get("message_id") for m in bot.messages(GROUP)]
    assert ignored["message_id"] not in replied_to


def test_group_reply_to_the_bot_and_ask_command_are_answered(bot):
    first = bot.reply_to(bot.send(ASKER, "/ask 副区长出差跟谁请假?", chat=GROUP))
    assert "第八十二条" in first["text"]

    follow_up = bot.reply_to(bot.send(ASKER, "请问区政府全体会议是由谁召集和主持的?", chat=GROUP, reply_to=first))
    assert "第五条" in follow_up["text"]


def test_ask_without_a_question_explains_how(bot):
    reply = bot.reply_to(bot.send(ASKER, "/ask", chat=GROUP))

    assert "请在 /ask 后面写上问题" in reply["text"]


def test_unanswerable_question_says_so(bot):
    reply = bot.reply_to(bot.send(NEWCOMER, "今天北京天气怎么样?"))

    assert "未在规则中找到相关规定" in reply["text"]


def test_html_in_a_question_comes_back_as_text(bot):
    question = "<script>alert('x')</script> & <b>停车位</b>"
    reply = bot.reply_to(bot.send(NEWCOMER, question))

    assert question in reply["text"]


def test_a_ten_thousand_character_message_gets_a_clear_reply(bot):
    reply = bot.reply_to(bot.send(ASKER, "请问" + "会议" * 5000))

    assert "问题太长了" in reply["text"]


def test_forged_and_stale_buttons_get_expired(bot):
    reply = bot.reply_to(bot.send(ASKER, "常务会议材料提前几天报送?"))

    assert bot.press_data(ASKER, reply, "qa:full:no-such-document:48")["text"] == "已过期"
    assert bot.press_data(ASKER, reply, "qa:fb:999999:up")["text"] == "已过期"
    assert bot.press_data(ASKER, reply, "zz:<script>")["text"] == "已过期"


def test_retry_after_from_telegram_is_honoured(bot):
    bot.inject_retry_after("sendMessage", seconds=1, times=1)

    reply = bot.reply_to(bot.send(ASKER, "常务会议材料提前几天报送?"))

    assert "第四十八条" in reply["text"]
