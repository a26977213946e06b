"""DingTalk end to end: a 部门正职's 出差 reaches the 区长 and the 分管副区长 as cards with 同意 / 退回,
a press by anyone else changes nothing, and both approvals tell the filer and post the 报备 to the
office's DingTalk group (第八十二条). Everyone here is registered on DingTalk alone: no Telegram id."""

from __future__ import annotations

import pytest

MAYOR, VICE, HEAD, CLERK = "mayor01", "vice02", "head03", "clerk04"
OFFICE_GROUP = "cidOFFICEgroup01=="


@pytest.fixture(scope="module")
def bot(start_dingtalk_bot):
    bot = start_dingtalk_bot(DINGTALK_OFFICE_CONVERSATION_ID=OFFICE_GROUP)
    bot.add_person(MAYOR, "王区长", "区长", "区政府")
    bot.add_person(VICE, "赵副区长", "副区长", "区政府", oversees="区财政局")
    bot.add_person(HEAD, "孙局长", "部门正职", "区财政局")
    bot.add_person(CLERK, "周科员", "工作人员", "区财政局")
    return bot


def test_a_trip_goes_to_both_approvers_as_cards_and_the_office_group_gets_the_report(bot):
    after = len(bot.sent())
    bot.send(HEAD, "leave 出差 明天 后天 上海 参加长三角协作会")
    card = bot.reply(to=HEAD, after=after, contains="请确认")
    assert "区长 王区长" in card.text and "分管副区长 赵副区长" in card.text

    after = len(bot.sent())
    bot.acked(bot.press(HEAD, card, "确认提交"))
    to_mayor = bot.reply(to=MAYOR, after=after, contains="请审批")
    to_vice = bot.reply(to=VICE, after=after, contains="请审批")
    assert {"同意", "退回"} <= set(to_mayor.button_labels()) and {"同意", "退回"} <= set(to_vice.button_labels())
    assert "上海" in to_mayor.text and "孙局长" in to_vice.text

    after = len(bot.sent())
    bot.acked(bot.press(CLERK, to_mayor, "同意"))  # a card forwarded to, or pressed by, someone else
    assert "无权审批" in bot.reply(to=MAYOR, after=after).text
    assert "同意" in to_mayor.button_labels(), "the card is unchanged"

    after = len(bot.sent())
    bot.acked(bot.press(MAYOR, to_mayor, "同意"))
    bot.acked(bot.press(VICE, to_vice, "同意"))
    approved = bot.reply(to=HEAD, after=after, contains="请假已批准")
    report = bot.reply(to=OFFICE_GROUP, after=after, contains="请假报备")
    assert "back" in approved.text
    assert "区长 王区长:同意" in report.text and "分管副区长 赵副区长:同意" in report.text
