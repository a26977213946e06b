"""👍/👎: stored for the asker, refused for others (another account, or the same id on another
messenger), exported as CSV; on Telegram through the real application, on DingTalk through the
conversation core its adapter drives."""

from __future__ import annotations

import csv
import io

import pytest
from qa_bot import ScriptedQA, qa_bot

from bootstrap.services import Services
from bootstrap.settings import Settings
from handlers import expired, feedback, qa
from handlers.conversation import Conversation
from handlers.messages import Incoming, Response
from office.directory import add_member
from office.feedback_export import feedback_csv
from storage.feedback import rated_answers
from storage.people import DINGTALK, TELEGRAM, Role

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
        assert (row.question, row.channel, row.account, row.rating) == (
            "常务会议材料提前几天报送?", TELEGRAM, str(ASKER), "down")
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


# ------------------------------------------------------------------ DingTalk

DINGTALK_ASKER, DINGTALK_COLLEAGUE = "4521", "clerk2001"  # DingTalk staff ids may be digits only
DINGTALK_GROUP = "cidGROUPoffice01=="
_update_ids = iter(range(1, 10_000))


@pytest.fixture
def core(db, tmp_path, clock) -> Conversation:
    services = Services(Settings(_env_file=None, data_dir=tmp_path, database_url=db.url), db, clock=clock)
    services.qa = ScriptedQA()  # replaces the lazily loaded engine
    with db.transaction() as session:
        add_member(session=session, actor=None, dingtalk_id=DINGTALK_ASKER, name="王主任",
                   unit="区政府办公室", role=Role.OFFICE)
    return Conversation(services, [feedback, qa, expired])


def _respond(core: Conversation, incoming: Incoming) -> Response:
    response = core.respond(incoming)
    core.delivered(incoming)
    return response


def _press(core: Conversation, channel: str, chat: str, account: str, answer: Response, label: str) -> Response:
    (reply,) = answer.replies
    data = next(button.data for row in reply.buttons for button in row if button.label == label)
    return _respond(core, Incoming(channel, chat, chat == account, account, button=data,
                                   update_id=str(next(_update_ids)), shown_buttons=reply.buttons))


def test_a_dingtalk_askers_thumbs_down_is_recorded_and_exported_with_their_name(core, db):
    answer = _respond(core, Incoming(DINGTALK, DINGTALK_GROUP, False, DINGTALK_ASKER, text="常务会议材料提前几天报送?",
                                     addressed=True, update_id=str(next(_update_ids))))

    pressed = _press(core, DINGTALK, DINGTALK_GROUP, DINGTALK_ASKER, answer, "👎")

    assert pressed.toast == "已记录,谢谢您的反馈!"
    (marked,) = pressed.replies
    assert "✅👎" in {button.label for row in marked.buttons for button in row}
    with db.transaction() as session:
        (row,) = rated_answers(session)
        assert (row.channel, row.account, row.chat_id, row.rating) == (
            DINGTALK, DINGTALK_ASKER, DINGTALK_GROUP, "down")
        content, _ = feedback_csv(session=session, timezone="Asia/Shanghai")
    (exported,) = csv.DictReader(io.StringIO(content.removeprefix("\ufeff")))
    assert (exported["提问人"], exported["提问人ID"], exported["评价"]) == ("王主任", "钉钉:4521", "没用")


def test_only_the_dingtalk_asker_may_rate_not_a_colleague_nor_the_same_id_on_telegram(core, db):
    answer = _respond(core, Incoming(DINGTALK, DINGTALK_GROUP, False, DINGTALK_ASKER, text="常务会议材料提前几天报送?",
                                     addressed=True, update_id=str(next(_update_ids))))

    colleague = _press(core, DINGTALK, DINGTALK_GROUP, DINGTALK_COLLEAGUE, answer, "👎")
    on_telegram = _press(core, TELEGRAM, DINGTALK_ASKER, DINGTALK_ASKER, answer, "👎")

    assert colleague.toast == on_telegram.toast == "只有提问的人可以评价这条回答。"
    assert colleague.replies == on_telegram.replies == []
    with db.transaction() as session:
        assert rated_answers(session) == []
