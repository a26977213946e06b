"""👍/👎: stored for the asker, refused for others, exported as CSV."""

from __future__ import annotations

import csv
import io

import pytest
from qa_bot import qa_bot

from office.feedback_export import feedback_csv
from storage.feedback import rated_answers

ASKER, OTHER = 601, 602
GROUP = -100_601


@pytest.fixture
async def bot(db, tmp_path):
    async with qa_bot(db, tmp_path) as bot:
        bot.api.add_user(ASKER, "Asker")
        bot.api.add_user(OTHER, "Other")
        bot.api.add_group(GROUP, "办公室", members=[ASKER, OTHER])
        yield bot


async def test_the_asker_rates_and_may_change_the_rating(bot, db):
    reply = bot.reply(await bot.send(ASKER, "常务会议材料提前几天报送?"))

    assert (await bot.press(ASKER, reply, "👍"))["text"] == "已记录,谢谢您的反馈!"
    assert "✅👍" in bot.buttons(bot.api.messages[(ASKER, reply["message_id"])])
    assert (await bot.press(ASKER, reply, "👎"))["text"] == "已记录,谢谢您的反馈!"
    assert {"👍", "✅👎"} <= set(bot.buttons(bot.api.messages[(ASKER, reply["message_id"])]))

    with db.transaction() as session:
        (row,) = rated_answers(session)
        assert (row.question, row.telegram_user_id, row.rating) == ("常务会议材料提前几天报送?", ASKER, "down")
        assert row.citations == ["《通州区人民政府工作规则》第四十八条(第十章 会议制度)"]


async def test_others_cannot_rate_someone_elses_answer(bot, db):
    reply = bot.reply(await bot.send(ASKER, "@officebot_bot 常务会议材料提前几天报送?", chat=GROUP))

    assert (await bot.press(OTHER, reply, "👎"))["text"] == "只有提问的人可以评价这条回答。"
    with db.transaction() as session:
        assert rated_answers(session) == []


async def test_rating_an_unknown_answer_is_expired(bot):
    reply = bot.reply(await bot.send(ASKER, "常务会议材料提前几天报送?"))

    assert (await bot.press_data(ASKER, reply, "qa:fb:987654:up"))["text"] == "已过期"


async def test_feedback_csv_lists_rated_answers_only(bot, db):
    rated = bot.reply(await bot.send(ASKER, "常务会议材料提前几天报送?"))
    bot.reply(await bot.send(ASKER, "今天天气怎么样?"))
    await bot.press(ASKER, rated, "👍")

    with db.transaction() as session:
        content, count = feedback_csv(session=session, timezone="Asia/Shanghai")
    assert count == 1
    (row,) = csv.DictReader(io.StringIO(content.removeprefix("\ufeff")))
    assert row["问题"] == "常务会议材料提前几天报送?"
    assert row["评价"] == "有用" and row["找到规定"] == "是"
    assert row["引用条款"] == "《通州区人民政府工作规则》第四十八条(第十章 会议制度)"
