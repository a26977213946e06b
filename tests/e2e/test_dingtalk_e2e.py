"""DingTalk end to end: the unmodified `officebot run` against the DingTalk emulator, people
writing to the robot privately and in a group, the stream dropped and messages delivered twice."""

from __future__ import annotations

import csv
import io
import subprocess
from datetime import timedelta

import pytest
from harness import officebot_command

CLERK = "clerk2001"
STRANGER = "stranger9"
GROUP = "cidGROUPoffice01=="


@pytest.fixture(scope="module")
def bot(start_dingtalk_bot):
    bot = start_dingtalk_bot()
    bot.add_person(CLERK, "李科长", "工作人员", "区政府办公室")
    return bot


def test_private_rules_question_gets_the_cited_article_on_a_card(bot):
    after = len(bot.sent())
    bot.send(CLERK, "常务会议的材料要提前几天报送?")
    reply = bot.reply(to=CLERK, after=after)

    assert reply.api == "card"
    assert "《通州区人民政府工作规则》第四十八条" in reply.text
    assert "3天" in reply.text
    assert "**" in reply.text, "the answering sentences are bold"
    assert {"全文 第四十八条", "👍", "👎"} <= set(reply.button_labels())


def test_the_full_article_button_on_the_card_sends_the_article(bot):
    after = len(bot.sent())
    bot.send(CLERK, "副区长出差跟谁请假?")
    card = bot.reply(to=CLERK, after=after)
    pressed_after = len(bot.sent())

    bot.acked(bot.press(CLERK, card, "全文 第八十二条"))
    article = bot.reply(to=CLERK, after=pressed_after, contains="《通州区人民政府工作规则》第八十二条")
    assert "副区长离京出访" in article.text


def test_thumbs_down_on_the_answer_card_is_recorded_for_the_asker_and_exported(bot):
    question = "区长专题会议多久开一次?"
    after = len(bot.sent())
    bot.send_group(CLERK, GROUP, question)
    card = bot.reply(to=GROUP, after=after)
    refused_after = len(bot.sent())

    bot.acked(bot.press(STRANGER, card, "👎"))
    assert "只有提问的人可以评价这条回答。" in bot.reply(to=GROUP, after=refused_after).text
    bot.acked(bot.press(CLERK, card, "👎"))
    bot.wait(lambda: "✅👎" in card.button_labels(), what="the card marks the asker's 👎")

    export = subprocess.run(officebot_command("feedback", "--csv"), env=bot.env, cwd=bot.workdir,
                            capture_output=True, text=True, timeout=120)
    assert export.returncode == 0, export.stderr
    (row,) = [r for r in csv.DictReader(io.StringIO(export.stdout)) if r["问题"] == question]
    assert (row["提问人"], row["提问人ID"], row["会话ID"], row["评价"]) == ("李科长", f"钉钉:{CLERK}", f"钉钉:{GROUP}", "没用")


def test_in_a_group_only_the_mention_is_answered(bot):
    after = len(bot.sent())
    bot.send_group(CLERK, GROUP, "常务会议的材料要提前几天报送?", mention=False)
    bot.send_group(CLERK, GROUP, "副区长出差跟谁请假?")
    answer = bot.reply(to=GROUP, after=after)

    assert "第八十二条" in answer.text
    assert [sent.chat for sent in bot.sent(after=after)] == [GROUP], "one answer, to the mention"


def test_a_command_typed_without_slash_works(bot):
    after = len(bot.sent())
    bot.send(CLERK, "help")
    reply = bot.reply(to=CLERK, after=after)

    assert "可用命令" in reply.text
    assert "deadline" in reply.text


def test_an_unknown_sender_is_refused(bot):
    after = len(bot.sent())
    bot.send(STRANGER, "deadlines")
    reply = bot.reply(to=STRANGER, after=after)

    assert "您尚未登记在区政府人员名录中" in reply.text


def test_user_text_is_neutralised(bot):
    after = len(bot.sent())
    bot.send(CLERK, "deadline 2026-13-45 **[点我](http://x)** # 标题")
    reply = bot.reply(to=CLERK, after=after)

    assert "[点我](http://x)" not in reply.text
    assert "**[" not in reply.text


def test_a_message_delivered_twice_is_answered_once(bot, clock):
    due = clock.now().date() + timedelta(days=10)
    after = len(bot.sent())
    message = bot.send(CLERK, f"deadline {due.isoformat()} 17:00 提交整改报告")
    first = bot.reply(to=CLERK, after=after)
    bot.acked(bot.redeliver(message))
    marker_after = len(bot.sent())
    bot.send(CLERK, "help")
    bot.reply(to=CLERK, after=marker_after, contains="可用命令")

    assert "已登记" in first.text
    assert [s for s in bot.sent(after=after) if "已登记" in s.text] == [first]


def test_a_dropped_stream_is_opened_again_and_keeps_working(bot):
    opens = bot.app.opens
    bot.drop()
    bot.wait(lambda: bot.app.opens > opens and bool(bot.app.sockets), what="the stream is opened again")
    after = len(bot.sent())
    bot.send(CLERK, "副区长出差跟谁请假?")

    assert "第八十二条" in bot.reply(to=CLERK, after=after).text
