"""End to end over the Bot API emulator: a 常务会议 is registered, an item filed with the guided form,
reviewed by the 分管副区长, approved by the 区长, and shown by `/agenda DATE`."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from office.directory import add_member
from storage.db import Database
from storage.people import Role

MAYOR, VICE, OFFICE, HEAD, OTHER_HEAD = 2001, 2002, 2003, 2004, 2005
OFFICE_GROUP = -100777
TITLE = "关于老旧小区改造资金安排的请示"


@pytest.fixture(scope="module")
def day(clock) -> str:
    """The meeting's day: two weeks after the office's today."""
    return (clock.now().date() + timedelta(days=14)).isoformat()


@pytest.fixture(scope="module")
def bot(start_bot):
    bot = start_bot(OFFICE_CHAT_ID=str(OFFICE_GROUP))
    database = Database(bot.database_url)
    with database.transaction() as session:
        for telegram_id, name, unit, role, oversees in (
            (MAYOR, "王区长", "区政府", Role.MAYOR, ()),
            (VICE, "赵副区长", "区政府", Role.VICE_MAYOR, ("区财政局", "区发改委")),
            (OFFICE, "钱主任", "区政府办公室", Role.OFFICE, ()),
            (HEAD, "孙局长", "区财政局", Role.UNIT_HEAD, ()),
            (OTHER_HEAD, "吴主任", "区发改委", Role.UNIT_HEAD, ()),
        ):
            add_member(session=session, actor=None, telegram_id=telegram_id, name=name, unit=unit,
                       role=role, oversees=oversees)
            bot.user(telegram_id, name)
    database.dispose()
    bot.group(OFFICE_GROUP, "区政府办公室群", members=[OFFICE], admins=[OFFICE])
    return bot


def said(bot, chat: int, after: int, text: str) -> dict:
    return bot.wait_message(chat, lambda m: text in m.get("text", ""), after=after)


def test_item_goes_from_the_guided_form_to_the_agenda(bot, day):
    sent = bot.send(OFFICE, f"/meeting {day} 09:00 常务会议 区政府第一会议室")
    said(bot, OFFICE, sent["message_id"], "已登记 1 次会议")

    sent = bot.send(HEAD, f"/agenda {day} 常务会议 {TITLE}")
    plan = said(bot, HEAD, sent["message_id"], "材料截止")
    assert "分管副区长:赵副区长" in plan["text"] and "汇报人:孙局长" in plan["text"]

    sent = bot.send(HEAD, "拟安排2027年老旧小区改造资金1.2亿元")
    units = said(bot, HEAD, sent["message_id"], "是否涉及其他部门")
    bot.press(HEAD, units, "不涉及")
    major = said(bot, HEAD, units["message_id"], "第五十一条")
    bot.press(HEAD, major, "都不是")
    question = major
    for number in range(1, 7):
        question = said(bot, HEAD, question["message_id"], f"第五十条检查({number}/6)")
        bot.press(HEAD, question, "否")
    draft = said(bot, HEAD, question["message_id"], "草稿已保存")
    assert "材料截止" in draft["text"]

    assert bot.press(HEAD, draft, "提交审核")["text"] == "已提交"

    # The proposer cannot approve their own item, even with a forged button.
    item_id = re.search(r"编号 (\d+)", draft["text"])[1]
    refusal = bot.press_data(HEAD, draft, f"ag:ok:{item_id}")
    assert refusal["show_alert"] and "待分管副区长赵副区长审核" in refusal["text"]
    review = said(bot, VICE, 0, "请审核议题")
    assert TITLE in review["text"] and bot.buttons(review) == ["通过", "退回"]

    bot.press(VICE, review, "通过")
    approval = said(bot, MAYOR, 0, "请批准议题")
    said(bot, HEAD, draft["message_id"], "已通过分管副区长赵副区长审核")

    used = next(m for m in bot.messages(VICE) if m["message_id"] == review["message_id"])
    assert bot.buttons(used) == [] and "您已通过" in used["text"]  # the buttons go once used
    refusal = bot.press_data(VICE, review, f"ag:ok:{item_id}")  # a stale second press
    assert refusal["show_alert"] and "待区长或常务副区长批准" in refusal["text"]

    bot.press(MAYOR, approval, "通过")
    said(bot, HEAD, draft["message_id"], "议程第 1 项")
    said(bot, OFFICE_GROUP, 0, "议程第 1 项")

    sent = bot.send(HEAD, f"/agenda {day}")
    agenda = said(bot, HEAD, sent["message_id"], "区政府常务会议")
    assert f"1. {TITLE}" in agenda["text"] and "汇报:区财政局 孙局长" in agenda["text"]


def test_article_50_answer_ends_the_form_naming_the_clause(bot, day):
    sent = bot.send(OTHER_HEAD, f"/agenda {day} 关于产业园区道路命名的请示")
    said(bot, OTHER_HEAD, sent["message_id"], "请用一两句话")
    sent = bot.send(OTHER_HEAD, "为园区内三条道路命名")
    units = said(bot, OTHER_HEAD, sent["message_id"], "是否涉及其他部门")
    bot.press(OTHER_HEAD, units, "不涉及")
    major = said(bot, OTHER_HEAD, units["message_id"], "第五十一条")
    bot.press(OTHER_HEAD, major, "都不是")
    first = said(bot, OTHER_HEAD, major["message_id"], "第五十条检查(1/6)")
    bot.press(OTHER_HEAD, first, "否")
    second = said(bot, OTHER_HEAD, first["message_id"], "第五十条检查(2/6)")
    bot.press(OTHER_HEAD, second, "是")
    refused = said(bot, OTHER_HEAD, second["message_id"], "不予受理")
    assert "第五十条第(二)项" in refused["text"] and "未保存任何内容" in refused["text"]

    sent = bot.send(OTHER_HEAD, "/agenda mine")
    assert "暂无" in said(bot, OTHER_HEAD, sent["message_id"], "本单位议题")["text"]


def test_meeting_registration_is_for_the_office_only(bot, day):
    sent = bot.send(HEAD, f"/meeting {day} 15:00 区长专题会议")
    assert "只有区政府办公室" in said(bot, HEAD, sent["message_id"], "办公室")["text"]
