"""The in-memory Bot API, driven by a real PTB `Bot`: it must look like Telegram to PTB 22."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Conflict, RetryAfter

from bot.local_api import LocalBotApi, LocalRequest

TOKEN = "123456:local"
USER, GROUP = 77, -100_77


@pytest.fixture
async def world():
    api = LocalBotApi(TOKEN)
    api.add_user(USER, "小王", username="xiaowang")
    api.add_group(GROUP, "办公室", members=[USER], admins=[])
    return api


@pytest.fixture
async def bot(world):
    bot = Bot(TOKEN, request=LocalRequest(world), get_updates_request=LocalRequest(world))
    async with bot:
        yield bot


async def test_get_me_is_a_bot(bot):
    me = await bot.get_me()
    assert me.is_bot and me.username == "officebot_bot"


async def test_user_messages_arrive_with_sender_date_and_entities(bot, world):
    world.send_text(USER, "/ask@officebot_bot 问题 @officebot_bot", chat_id=GROUP)

    (update,) = await bot.get_updates(timeout=0)
    message = update.message
    assert message.from_user.id == USER and message.chat.type == "group"
    assert abs(message.date.timestamp() - time.time()) < 60  # seconds, not milliseconds
    assert [e.type for e in message.entities] == ["bot_command", "mention"]
    assert list(message.parse_entities(["mention"]).values()) == ["@officebot_bot"]


async def test_get_updates_long_polls_and_confirms_with_offset(bot, world):
    waiting = asyncio.create_task(bot.get_updates(timeout=30))
    await asyncio.sleep(0)
    assert not waiting.done()
    world.send_text(USER, "你好")
    (first,) = await waiting

    assert [u.update_id for u in await bot.get_updates(timeout=0)] == [first.update_id]  # not confirmed yet
    assert await bot.get_updates(offset=first.update_id + 1, timeout=0) == ()
    assert not world.updates


async def test_send_message_parses_html_and_replies(bot, world):
    question = world.send_text(USER, "问题")
    sent = await bot.send_message(USER, "<b>答</b> &lt;ok&gt;", parse_mode="HTML", reply_to_message_id=question["message_id"])

    assert sent.text == "答 <ok>" and sent.from_user.is_bot
    assert sent.reply_to_message.message_id == question["message_id"]
    assert world.bot_messages(USER)[-1]["entities"] == [{"type": "bold", "offset": 0, "length": 1}]


async def test_telegram_limits_are_enforced(bot):
    with pytest.raises(BadRequest, match="(?i)too long"):
        await bot.send_message(USER, "😀" * 2049)  # 4098 UTF-16 units
    await bot.send_message(USER, "😀" * 2048)
    with pytest.raises(BadRequest, match="(?i)parse entities"):
        await bot.send_message(USER, "<script>x</script>", parse_mode="HTML")
    with pytest.raises(BadRequest, match="(?i)empty"):
        await bot.send_message(USER, "   ")
    with pytest.raises(BadRequest, match="(?i)button_data_invalid"):
        await bot.send_message(USER, "x", reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("b", callback_data="x" * 65)]]))
    with pytest.raises(BadRequest, match="(?i)chat not found"):
        await bot.send_message(999, "x")


async def test_buttons_callbacks_and_edits(bot, world):
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("好", callback_data="t:ok")]])
    sent = await bot.send_message(USER, "选吧", reply_markup=keyboard)
    query_id = world.press(USER, world.bot_messages(USER)[-1], "好")

    (update,) = await bot.get_updates(timeout=0)
    assert update.callback_query.data == "t:ok" and update.callback_query.chat_instance
    assert await update.callback_query.answer("收到")
    assert world.callback_answers[query_id] == {"text": "收到", "show_alert": False}
    with pytest.raises(BadRequest, match="(?i)query is too old"):
        await update.callback_query.answer("again")

    edited = await bot.edit_message_text("已选", chat_id=USER, message_id=sent.message_id)
    assert edited.text == "已选" and world.bot_messages(USER)[-1]["text"] == "已选"
    with pytest.raises(BadRequest, match="(?i)not modified"):
        await bot.edit_message_text("已选", chat_id=USER, message_id=sent.message_id)


async def test_retry_after_can_be_injected(bot, world):
    world.inject_retry_after("sendMessage", seconds=3)

    with pytest.raises(RetryAfter) as error:
        await bot.send_message(USER, "x")
    assert error.value.retry_after in (3, timedelta(seconds=3))  # PTB gives int or timedelta by its settings
    await bot.send_message(USER, "x")


async def test_webhook_settings_and_polling_conflict(bot, world):
    with pytest.raises(BadRequest, match="(?i)unallowed"):
        await bot.set_webhook("https://bot.example/hook", secret_token="bad token!")
    await bot.set_webhook("https://bot.example/hook", secret_token="Good_token-1")
    assert world.webhook == {"url": "https://bot.example/hook", "secret_token": "Good_token-1"}
    assert (await bot.get_webhook_info()).url == "https://bot.example/hook"
    with pytest.raises(Conflict):
        await bot.get_updates(timeout=0)
    await bot.delete_webhook()
    assert await bot.get_updates(timeout=0) == ()


async def test_chat_members_commands_documents(bot, world):
    world.set_admins(GROUP, [USER])
    assert (await bot.get_chat_member(GROUP, USER)).status == "administrator"
    assert (await bot.get_chat(GROUP)).title == "办公室"
    await bot.set_my_commands([("ask", "查询规定")])
    assert [c.command for c in await bot.get_my_commands()] == ["ask"]

    sent = await bot.send_document(USER, b"a,b\n1,2\n", filename="export.csv", caption="导出")
    assert sent.document.file_name == "export.csv" and sent.caption == "导出"
    downloaded = await (await bot.get_file(sent.document.file_id)).download_as_bytearray()
    assert bytes(downloaded) == b"a,b\n1,2\n"
