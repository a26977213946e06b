"""Q&A handler: who gets answered where, what the answer looks like, follow-up context."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest
from qa_bot import ARTICLE_48, DOC_KEY, qa_bot

from bot.local_api import utf16_len
from retrieval.answer import Answer
from retrieval.service import QuestionError

ALICE, BOB = 501, 502
GROUP = -100_501


@pytest.fixture
async def bot(db, tmp_path):
    async with qa_bot(db, tmp_path) as bot:
        bot.api.add_user(ALICE, "Alice")
        bot.api.add_user(BOB, "Bob")
        bot.api.add_group(GROUP, "办公室", members=[ALICE, BOB])
        yield bot


async def test_answer_quotes_the_article_and_cites_it(bot):
    reply = bot.reply(await bot.send(ALICE, "常务会议材料提前几天报送?"))

    assert reply["text"].startswith("依据第四十八条")
    assert "📖 《通州区人民政府工作规则》第四十八条(第十章 会议制度)" in reply["text"]
    bold = [reply["text"][e["offset"] : e["offset"] + e["length"]] for e in reply["entities"] if e["type"] == "bold"]
    assert "会议请示至少于会议召开前3天报送区政府办公室。" in bold
    assert any(e["type"] == "blockquote" for e in reply["entities"])


async def test_answer_buttons_carry_bounded_qa_callback_data(bot):
    reply = bot.reply(await bot.send(ALICE, "常务会议材料提前几天报送?"))

    buttons = bot.buttons(reply)
    assert buttons["全文 第四十八条"] == f"qa:full:{DOC_KEY}:48"
    assert buttons["相关条款"] == f"qa:rel:{DOC_KEY}:53"
    assert buttons["👍"].startswith("qa:fb:") and buttons["👍"].endswith(":up")
    assert all(len(data.encode()) <= 64 for data in buttons.values())


async def test_full_and_related_buttons(bot):
    reply = bot.reply(await bot.send(ALICE, "常务会议材料提前几天报送?"))

    assert (await bot.press(ALICE, reply, "全文 第四十八条"))["text"] == ""
    full = bot.api.bot_messages(ALICE)[-1]
    assert full["text"] == f"《通州区人民政府工作规则》第四十八条(第十章 会议制度)\n\n{ARTICLE_48.text}"

    await bot.press(ALICE, reply, "相关条款")
    related = bot.api.bot_messages(ALICE)[-1]
    assert "第五十三条" in related["text"]
    assert "全文 第五十三条" in bot.buttons(related)


async def test_not_found_says_so_and_escapes_the_question(bot):
    question = "<b>天气</b> & <script>"
    reply = bot.reply(await bot.send(ALICE, question))

    assert reply["text"].startswith("未在规则中找到相关规定。")
    assert f"您的问题:{question}" in reply["text"]
    assert "可能相关的条款:\n• 《通州区人民政府工作规则》第五十三条" in reply["text"]


async def test_group_messages_need_a_mention_a_reply_or_ask(bot):
    plain = await bot.send(ALICE, "常务会议材料提前几天报送?", chat=GROUP)
    other_mention = await bot.send(ALICE, "@someone_else 常务会议材料提前几天报送?", chat=GROUP)
    reply_to_person = await bot.send(BOB, "同问", chat=GROUP, reply_to=plain["message_id"])
    assert not bot.replies(plain) and not bot.replies(other_mention) and not bot.replies(reply_to_person)

    mention = await bot.send(ALICE, "@officebot_bot 常务会议材料提前几天报送?", chat=GROUP)
    answer = bot.reply(mention)
    reply_to_bot = await bot.send(BOB, "那么全体会议呢?", chat=GROUP, reply_to=answer["message_id"])
    ask = await bot.send(BOB, "/ask 常务会议材料提前几天报送?", chat=GROUP)
    assert bot.replies(reply_to_bot) and bot.replies(ask)
    assert bot.qa.asked[0][0] == "常务会议材料提前几天报送?", "the mention is not part of the question"


async def test_follow_up_context_is_per_chat_and_per_user(bot):
    await bot.send(ALICE, "@officebot_bot 副区长出差跟谁请假?", chat=GROUP)
    await bot.send(BOB, "@officebot_bot 那区长呢?", chat=GROUP)
    await bot.send(ALICE, "@officebot_bot 那区长呢?", chat=GROUP)
    await bot.send(ALICE, "那区长呢?")  # her private chat

    assert bot.qa.asked == [
        ("副区长出差跟谁请假?", None),
        ("那区长呢?", None),  # Bob never asked before: Alice's question is not his context
        ("那区长呢?", "副区长出差跟谁请假?"),
        ("那区长呢?", None),  # another chat
    ]


async def test_follow_up_context_expires(db, tmp_path):
    async with qa_bot(db, tmp_path, followup_seconds=0) as bot:
        bot.api.add_user(ALICE, "Alice")
        await bot.send(ALICE, "副区长出差跟谁请假?")
        await bot.send(ALICE, "那区长呢?")

    assert bot.qa.asked[1] == ("那区长呢?", None)


async def test_question_errors_are_explained(bot):
    def refuse(question: str) -> Answer:
        raise QuestionError("问题里没有可检索的文字(只有表情或符号):请用文字描述想查询的规定。")

    bot.qa.reply = refuse
    reply = bot.reply(await bot.send(ALICE, "🤔🤔"))

    assert reply["text"].startswith("问题里没有可检索的文字")


async def test_empty_ask_and_overlong_questions_get_a_hint(bot):
    assert "请在 /ask 后面写上问题" in bot.reply(await bot.send(ALICE, "/ask"))["text"]
    assert "问题太长了" in bot.reply(await bot.send(ALICE, "会" * 10_000))["text"]
    assert bot.qa.asked == []


async def test_long_answers_are_split_below_the_limit_with_buttons_on_the_last_part(bot):
    long_article = replace(ARTICLE_48, text="\n".join(["第一段" * 300] * 6), highlights=("第一段" * 300,))
    bot.qa.reply = lambda question: Answer(question, True, "依据第四十八条。", (long_article,))

    parts = bot.replies(await bot.send(ALICE, "常务会议材料提前几天报送?"))

    assert len(parts) >= 2
    assert all(utf16_len(part["text"]) <= 4096 for part in parts)
    assert "".join(part["text"] for part in parts).count("第一段") == 1800
    assert [bool(part.get("reply_markup")) for part in parts] == [False] * (len(parts) - 1) + [True]


async def test_a_failing_engine_gets_the_polite_error_and_the_bot_goes_on(bot, caplog):
    def crash(question: str) -> Answer:
        raise RuntimeError("index file is corrupt at /secret/path")

    bot.qa.reply = crash
    with caplog.at_level(logging.ERROR):
        reply = bot.reply(await bot.send(ALICE, "常务会议材料提前几天报送?"))

    assert reply["text"] == "出错了,请稍后再试。"
    assert "secret" not in reply["text"]
    assert f"chat {ALICE}" in caplog.text and "index file is corrupt" in caplog.text

    bot.qa.reply = bot.qa.default_reply
    assert bot.reply(await bot.send(ALICE, "常务会议材料提前几天报送?"))["text"].startswith("依据第四十八条")


async def test_unknown_and_forged_buttons_are_expired(bot):
    reply = bot.reply(await bot.send(ALICE, "常务会议材料提前几天报送?"))
    before = len(bot.api.bot_messages(ALICE))

    for data in ("qa:full:other-doc:48", "qa:full:" + DOC_KEY + ":999", "qa:rel:x:1", "lv:nonsense", "💥"):
        assert (await bot.press_data(ALICE, reply, data))["text"] == "已过期"
    assert len(bot.api.bot_messages(ALICE)) == before


async def test_help_lists_the_commands_of_every_feature(bot):
    reply = bot.reply(await bot.send(ALICE, "/help"))

    assert reply["text"].startswith("您好,我是区政府办公助手。")
    for command in ("/ask — 查询规定", "/leave", "/agenda", "/meeting", "/deadline — 设置期限提醒", "/staff", "/subscribe"):
        assert command in reply["text"]


async def test_a_question_while_the_bot_is_restarted_keeps_its_follow_up(db, tmp_path):
    async with qa_bot(db, tmp_path) as before:
        before.api.add_user(ALICE, "Alice")
        await before.send(ALICE, "副区长出差跟谁请假?")
    async with qa_bot(db, tmp_path) as after:
        after.api.add_user(ALICE, "Alice")
        await after.send(ALICE, "那区长呢?")

    assert after.qa.asked == [("那区长呢?", "副区长出差跟谁请假?")]
