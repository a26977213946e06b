"""DingTalk end to end, with everyone registered on DingTalk alone: the office registers a 常务会议
and a new colleague (`staff add 钉钉:…`), a 部门正职 files an agenda item through the guided form's
cards, the 分管副区长 reviews it, the 区长 approves it, and the office's DingTalk group hears of it."""

from __future__ import annotations

from datetime import timedelta

import pytest

MAYOR, VICE, OFFICE, HEAD = "mayor11", "vice12", "office13", "head14"
NEWCOMER = "newhead15"
OFFICE_GROUP = "cidOFFICEagenda01=="
TITLE = "关于老旧小区改造资金安排的请示"


@pytest.fixture(scope="module")
def bot(start_dingtalk_bot):
    bot = start_dingtalk_bot(DINGTALK_OFFICE_CONVERSATION_ID=OFFICE_GROUP)
    bot.add_person(MAYOR, "王区长", "区长", "区政府")
    bot.add_person(VICE, "赵副区长", "副区长", "区政府", oversees="区财政局,区发改委")
    bot.add_person(OFFICE, "钱主任", "办公室", "区政府办公室")
    bot.add_person(HEAD, "孙局长", "部门正职", "区财政局")
    return bot


@pytest.fixture(scope="module")
def day(clock) -> str:
    """The meeting's day: two weeks after the office's today."""
    return (clock.now().date() + timedelta(days=14)).isoformat()


def test_an_item_goes_from_the_guided_form_to_the_agenda(bot, day):
    after = len(bot.sent())
    bot.send(OFFICE, f"meeting {day} 09:00 常务会议 区政府第一会议室")
    bot.reply(to=OFFICE, after=after, contains="已登记 1 次会议")

    after = len(bot.sent())
    bot.send(HEAD, f"agenda {day} 常务会议 {TITLE}")
    plan = bot.reply(to=HEAD, after=after, contains="材料截止")
    assert "分管副区长:赵副区长" in plan.text

    after = len(bot.sent())
    bot.send(HEAD, "拟安排2027年老旧小区改造资金1.2亿元")
    card = bot.reply(to=HEAD, after=after, contains="是否涉及其他部门")
    for label, next_question in [("不涉及", "第五十一条"), ("都不是", "第五十条检查(1/6)"),
                                 *[("否", f"第五十条检查({n}/6)") for n in range(2, 7)], ("否", "草稿已保存")]:
        after = len(bot.sent())
        bot.acked(bot.press(HEAD, card, label))
        card = bot.reply(to=HEAD, after=after, contains=next_question)

    after = len(bot.sent())
    bot.acked(bot.press(HEAD, card, "提交审核"))
    review = bot.reply(to=VICE, after=after, contains="请审核议题")
    assert TITLE in review.text and review.button_labels() == ["通过", "退回"]

    after = len(bot.sent())
    bot.acked(bot.press(HEAD, review, "通过"))  # the proposer pressing the reviewer's (forwarded) card
    bot.reply(to=VICE, after=after, contains="您无权操作")
    assert review.button_labels() == ["通过", "退回"], "the card is unchanged"

    after = len(bot.sent())
    bot.acked(bot.press(VICE, review, "通过"))
    approval = bot.reply(to=MAYOR, after=after, contains="请批准议题")
    bot.reply(to=HEAD, after=after, contains="已通过分管副区长赵副区长审核")

    after = len(bot.sent())
    bot.acked(bot.press(MAYOR, approval, "通过"))
    bot.reply(to=HEAD, after=after, contains="议程第 1 项")
    bot.reply(to=OFFICE_GROUP, after=after, contains="议程第 1 项")

    after = len(bot.sent())
    bot.send(HEAD, f"agenda {day}")
    agenda = bot.reply(to=HEAD, after=after, contains="区政府常务会议")
    assert f"1． {TITLE}" in agenda.text and "汇报:区财政局 孙局长" in agenda.text  # "1." would make a markdown list


def test_the_office_registers_a_colleague_who_then_files_on_dingtalk(bot, day):
    after = len(bot.sent())
    bot.send(NEWCOMER, f"agenda {day} 常务会议 关于产业园区道路命名的请示")
    assert "尚未登记" in bot.reply(to=NEWCOMER, after=after).text

    after = len(bot.sent())
    bot.send(HEAD, f"staff add 钉钉:{NEWCOMER} 吴主任 部门正职 区发改委")  # not an administrator
    assert "仅限区政府办公室管理员" in bot.reply(to=HEAD, after=after).text
    after = len(bot.sent())
    bot.send(OFFICE, f"staff add 钉钉:{NEWCOMER} 吴主任 部门正职 区发改委")
    assert "吴主任" in bot.reply(to=OFFICE, after=after, contains="吴主任").text

    after = len(bot.sent())
    bot.send(NEWCOMER, f"agenda {day} 常务会议 关于产业园区道路命名的请示")
    assert "分管副区长:赵副区长" in bot.reply(to=NEWCOMER, after=after, contains="材料截止").text
