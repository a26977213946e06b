"""/leave, the approval buttons, /back and /leaves through the real handlers on an in-memory Bot API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from leave_harness import CLERK, EXEC_VICE, HEAD, MAYOR, OFFICE, OFFICE_CHAT, STRANGER, VICE, running_bot
from sqlalchemy import func, select

from storage.leaves import LeaveReport


def _reports(db) -> int:
    with db.transaction() as session:
        return session.scalar(select(func.count()).select_from(LeaveReport))


async def test_unregistered_people_are_told_to_register(db, tmp_path, clock):
    async with running_bot(db, tmp_path, clock=clock) as chat:
        reply = await chat.send(STRANGER, "/leave 出差 明天 后天 上海 开会")
    assert "请联系区政府办公室登记" in reply["text"]
    assert _reports(db) == 0


async def test_bad_input_says_what_to_fix_and_stores_nothing(db, tmp_path, clock):
    async with running_bot(db, tmp_path, clock=clock) as chat:
        past = await chat.send(HEAD, "/leave 出差 2020-01-01 2020-01-02 上海 开会")
        backwards = await chat.send(HEAD, "/leave 出差 后天 明天 上海 开会")
        no_place = await chat.send(HEAD, "/leave 出差 明天")
        kind = await chat.send(HEAD, "/leave 病假 明天 休息")
    assert "已过去" in past["text"]
    assert "早于开始" in backwards["text"]
    assert "目的地" in no_place["text"]
    assert "未知的请假类型" in kind["text"]
    assert _reports(db) == 0


async def test_filing_in_a_group_is_refused(db, tmp_path, clock):
    async with running_bot(db, tmp_path, clock=clock) as chat:
        reply = await chat.send(OFFICE, "/leave 出差 明天 后天 上海 开会", chat=OFFICE_CHAT)
    assert "私聊" in reply["text"]


async def test_unit_head_one_line_both_approve_office_gets_report_then_back(db, tmp_path, clock):
    async with running_bot(db, tmp_path, clock=clock) as chat:
        card = await chat.send(HEAD, "/leave 出差 今天 明天 上海 参加长三角协作会")
        assert "区长 王区长" in card["text"] and "分管副区长 赵副区长" in card["text"] and "会签" in card["text"]
        assert _reports(db) == 0  # nothing stored before the confirmation
        mayor_before, vice_before = chat.last_id(MAYOR), chat.last_id(VICE)
        assert (await chat.press(HEAD, card, "确认提交"))["text"] == "已提交"
        assert "等待审批" in chat.current(card)["text"]

        to_mayor = await chat.next_message(MAYOR, after=mayor_before, containing="请审批")
        to_vice = await chat.next_message(VICE, after=vice_before, containing="请审批")
        assert chat.buttons(to_mayor) == ["同意", "退回", "附言并同意", "附言并退回"]

        head_before = chat.last_id(HEAD)
        await chat.press(MAYOR, to_mayor, "同意")
        assert "王区长同意" in (await chat.next_message(HEAD, after=head_before, containing="同意"))["text"]
        assert "您已同意" in chat.current(to_mayor)["text"] and chat.buttons(chat.current(to_mayor)) == []

        # The vice mayor approves with a note.
        await chat.press(VICE, to_vice, "附言并同意")
        prompt = await chat.next_message(VICE, after=to_vice["message_id"], containing="附言")
        office_before, head_before = chat.last_id(OFFICE_CHAT), chat.last_id(HEAD)
        chat.api.send_text(VICE, "注意安全")
        approved = await chat.next_message(HEAD, after=head_before, containing="已批准")
        assert "注意安全" in approved["text"]
        report = await chat.next_message(OFFICE_CHAT, after=office_before, containing="请假报备")
        assert "孙局长" in report["text"] and "上海" in report["text"]
        assert prompt["text"].startswith("请发送附言")

        # A second press of an old button decides nothing.
        again = await chat.press_data(MAYOR, to_mayor, "lv:no:1")
        assert "无需再审批" in again["text"] and again["show_alert"]

        back = await chat.send(HEAD, "/back")
        assert "已销假" in back["text"]
        assert "销假" in (await chat.next_message(OFFICE_CHAT, after=report["message_id"], containing="销假"))["text"]


async def test_buttons_are_authorised_on_the_server(db, tmp_path, clock):
    async with running_bot(db, tmp_path, clock=clock) as chat:
        card = await chat.send(VICE, "/leave 休假 明天 后天 年休假")
        confirm_data = card["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        # Another person replaying the confirmation in their own chat finds no such draft.
        clerk_chat = await chat.send(CLERK, "/leaves")
        assert "失效" in (await chat.press_data(CLERK, clerk_chat, confirm_data))["text"]
        mayor_before = chat.last_id(MAYOR)
        await chat.press(VICE, card, "确认提交")
        to_mayor = await chat.next_message(MAYOR, after=mayor_before, containing="请审批")
        data = to_mayor["reply_markup"]["inline_keyboard"][0][0]["callback_data"]

        # Someone else pressing the same data in their own chat.
        own = await chat.send(HEAD, "/leaves")
        stolen = await chat.press_data(HEAD, own, data)
        assert "不是该申请的审批人" in stolen["text"]
        # The approver pressing it from a group chat.
        in_group = await chat.send(OFFICE, "/back", chat=OFFICE_CHAT)
        from_group = await chat.press_data(OFFICE, in_group, data)
        assert "私聊" in from_group["text"]
        forged = await chat.press_data(MAYOR, to_mayor, "lv:ok:999999")
        assert "不存在" in forged["text"]
        junk = await chat.press_data(MAYOR, to_mayor, "lv:ok:abc")
        assert junk["text"] == "已过期"
        # A confirmation cannot be used twice.
        assert "失效" in (await chat.press_data(VICE, card, confirm_data))["text"]
        # The filer's own buttons pressed by someone else in another chat.
        assert "私聊" in (await chat.press_data(CLERK, card, "lv:wd:1"))["text"]
    with db.transaction() as session:
        assert session.scalars(select(LeaveReport.state)).all() == ["待审批"]


async def test_guided_form_ends_with_a_confirmation_naming_the_approver(db, tmp_path, clock):
    async with running_bot(db, tmp_path, clock=clock) as chat:
        kinds = await chat.send(CLERK, "/leave")
        assert "出差" in chat.buttons(kinds)
        await chat.press(CLERK, kinds, "出差")
        start = await chat.next_message(CLERK, after=kinds["message_id"], containing="开始日期")
        await chat.press(CLERK, start, "明天")
        end = await chat.next_message(CLERK, after=start["message_id"], containing="结束日期")
        await chat.press(CLERK, end, "同一天")
        place = await chat.next_message(CLERK, after=end["message_id"], containing="目的地")
        reason = await chat.send(CLERK, "天津")
        assert "事由" in reason["text"]
        card = await chat.send(CLERK, "送审材料")
    assert "单位正职 孙局长" in card["text"] and "天津" in card["text"] and "送审材料" in card["text"]
    assert place["text"] == "目的地?"
    assert chat.buttons(card) == ["确认提交", "放弃"]
    assert _reports(db) == 0


async def _guided_trip_to_end_step(chat, user):
    kinds = await chat.send(user, "/leave")
    await chat.press(user, kinds, "出差")
    await chat.next_message(user, after=kinds["message_id"], containing="开始日期")


async def test_guided_form_asks_again_at_the_step_whose_answer_is_wrong(db, tmp_path, clock):
    async with running_bot(db, tmp_path, clock=clock) as chat:
        await _guided_trip_to_end_step(chat, CLERK)
        past = await chat.send(CLERK, "2020-01-01")
        assert "已过去" in past["text"] and "开始日期?" in past["text"]
        end = await chat.send(CLERK, "后天")
        assert "结束日期" in end["text"]
        backwards = await chat.send(CLERK, "明天")
        assert "早于开始" in backwards["text"] and "结束日期?" in backwards["text"]
        unreadable = await chat.send(CLERK, "下月初")
        assert "看不懂日期" in unreadable["text"] and "结束日期?" in unreadable["text"]
        place = await chat.send(CLERK, "大后天")
        assert place["text"] == "目的地?"
        too_long = await chat.send(CLERK, "津" * 200)
        assert "太长" in too_long["text"] and "目的地?" in too_long["text"]
        reason = await chat.send(CLERK, "天津")
        assert "事由" in reason["text"]
        card = await chat.send(CLERK, "送审材料")
    # The answers given before each refusal were kept: 后天 to 大后天, 天津.
    assert "请确认" in card["text"] and "共 2 天" in card["text"] and "天津" in card["text"]


async def test_guided_form_refuses_overlapping_dates_at_the_step_that_can_mend_them(db, tmp_path, clock):
    async with running_bot(db, tmp_path, clock=clock) as chat:
        first = await chat.send(CLERK, "/leave 出差 明天 后天 上海 开会")
        await chat.press(CLERK, first, "确认提交")
        await _guided_trip_to_end_step(chat, CLERK)
        inside = await chat.send(CLERK, "后天")
        assert "重叠" in inside["text"] and "开始日期?" in inside["text"]
        await chat.send(CLERK, "今天")
        over = await chat.send(CLERK, "大后天")
        assert "重叠" in over["text"] and "结束日期?" in over["text"]
        await chat.press(CLERK, over, "同一天")
        place = await chat.next_message(CLERK, after=over["message_id"], containing="目的地")
    assert place["text"] == "目的地?" and _reports(db) == 1


async def test_guided_form_tells_at_once_when_nobody_could_approve(db, tmp_path, clock):
    async with running_bot(db, tmp_path, clock=clock) as chat:
        kinds = await chat.send(OFFICE, "/leave")  # the only 办公室 member: nobody else collects it
        await chat.press(OFFICE, kinds, "会议请假")
        refused = await chat.next_message(OFFICE, after=kinds["message_id"], containing="无法送审")
    assert "区政府办公室人员" in refused["text"]


async def test_guided_form_can_be_abandoned(db, tmp_path, clock):
    async with running_bot(db, tmp_path, clock=clock) as chat:
        await chat.send(CLERK, "/leave")
        reply = await chat.send(CLERK, "/cancel")
    assert "已放弃" in reply["text"]


async def test_withdraw_by_button_tells_the_approver(db, tmp_path, clock):
    async with running_bot(db, tmp_path, clock=clock) as chat:
        card = await chat.send(VICE, "/leave 休假 明天 后天 年休假")
        await chat.press(VICE, card, "确认提交")
        mayor_before = chat.last_id(MAYOR)
        assert (await chat.press(VICE, card, "撤回 1"))["text"] == "已撤回"
        note = await chat.next_message(MAYOR, after=mayor_before, containing="撤回")
    assert "无需审批" in note["text"]
    with db.transaction() as session:
        assert session.scalars(select(LeaveReport.state)).all() == ["已撤回"]


async def test_cancelling_an_approved_leave_tells_the_approver_and_the_office_group(db, tmp_path, clock):
    async with running_bot(db, tmp_path, clock=clock) as chat:
        card = await chat.send(VICE, "/leave 出差 明天 后天 天津 调研")
        await chat.press(VICE, card, "确认提交")
        to_mayor = await chat.next_message(MAYOR, containing="请审批")
        await chat.press(MAYOR, to_mayor, "同意")
        await chat.next_message(VICE, containing="已批准")
        mine = await chat.send(VICE, "/leaves")
        await chat.press(VICE, mine, "取消 1")
        await chat.next_message(VICE, after=mine["message_id"], containing="取消原因")
        mayor_before, office_before = chat.last_id(MAYOR), chat.last_id(OFFICE_CHAT)
        chat.api.send_text(VICE, "调研改期")
        to_mayor_again = await chat.next_message(MAYOR, after=mayor_before, containing="取消")
        to_office = await chat.next_message(OFFICE_CHAT, after=office_before, containing="请假取消")
    assert "调研改期" in to_mayor_again["text"] and "天津" in to_mayor_again["text"]
    assert "赵副区长" in to_office["text"]


async def test_cancelling_the_mayors_leave_tells_the_presiding_executive_vice_mayor(db, tmp_path, clock):
    async with running_bot(db, tmp_path, clock=clock) as chat:
        card = await chat.send(MAYOR, "/leave 出差 明天 后天 上海 学习考察")
        await chat.press(MAYOR, card, "确认提交")
        await chat.next_message(EXEC_VICE, containing="主持区政府工作")
        mine = await chat.send(MAYOR, "/leaves")
        await chat.press(MAYOR, mine, "取消 1")
        await chat.next_message(MAYOR, after=mine["message_id"], containing="取消原因")
        before = chat.last_id(EXEC_VICE)
        chat.api.send_text(MAYOR, "行程取消")
        told = await chat.next_message(EXEC_VICE, after=before, containing="取消")
    assert "无需再主持" in told["text"] and "行程取消" in told["text"]


async def test_leave_leaving_nobody_to_preside_warns_the_approver_and_the_office_group(db, tmp_path, clock):
    async with running_bot(db, tmp_path, clock=clock) as chat:
        trip = await chat.send(MAYOR, "/leave 出差 明天 后天 上海 学习考察")
        await chat.press(MAYOR, trip, "确认提交")
        await chat.next_message(EXEC_VICE, containing="主持区政府工作")
        card = await chat.send(EXEC_VICE, "/leave 休假 后天 大后天 年休假")
        assert "无人主持" in card["text"]  # the filer sees it before confirming
        mayor_before = chat.last_id(MAYOR)
        await chat.press(EXEC_VICE, card, "确认提交")
        to_mayor = await chat.next_message(MAYOR, after=mayor_before, containing="请审批")
        approval_card = to_mayor["text"]
        office_before = chat.last_id(OFFICE_CHAT)
        await chat.press(MAYOR, to_mayor, "同意")
        report = await chat.next_message(OFFICE_CHAT, after=office_before, containing="请假报备")
    assert "无人主持" in approval_card and "无人主持" in report["text"] and "李常务" in report["text"]
    warning = approval_card.split("注意")[1]
    today = clock.now().date()
    assert (today + timedelta(days=2)).isoformat() in warning  # the one day both are away
    for lone_day in (today + timedelta(days=1), today + timedelta(days=3)):  # only one of them away
        assert lone_day.isoformat() not in warning


async def test_meeting_absence_goes_to_the_office_and_is_reported_to_the_mayor(db, tmp_path, clock):
    async with running_bot(db, tmp_path, clock=clock) as chat:
        card = await chat.send(HEAD, "/leave 会议请假 今天 区政府常务会议 接待上级检查")
        assert "区政府办公室" in card["text"] and "向区长报告" in card["text"]
        office_before = chat.last_id(OFFICE)
        await chat.press(HEAD, card, "确认提交")
        to_office = await chat.next_message(OFFICE, after=office_before, containing="请审批")
        mayor_before = chat.last_id(MAYOR)
        await chat.press(OFFICE, to_office, "同意")
        told = await chat.next_message(MAYOR, after=mayor_before, containing="区政府办公室报告")
    assert "区政府常务会议" in told["text"]


async def test_leaves_lists_mine_and_pending_for_me(db, tmp_path, clock):
    async with running_bot(db, tmp_path, clock=clock) as chat:
        card = await chat.send(VICE, "/leave 出差 明天 后天 天津 调研")
        await chat.press(VICE, card, "确认提交")
        mine = await chat.send(VICE, "/leaves")
        before = chat.last_id(MAYOR)
        chat.api.send_text(MAYOR, "/leaves")
        pending = await chat.next_message(MAYOR, after=before, containing="待您审批")
    assert "出差" in mine["text"] and "待审批" in mine["text"] and chat.buttons(mine) == ["撤回 1"]
    assert chat.buttons(pending)[:2] == ["同意", "退回"]


@pytest.mark.parametrize("argument", ["明天", "导出"])
async def test_office_views_are_for_admins_only(db, tmp_path, argument, clock):
    async with running_bot(db, tmp_path, clock=clock) as chat:
        reply = await chat.send(HEAD, f"/leaves {argument}")
    assert "仅限区政府办公室" in reply["text"]


async def test_office_sees_who_is_away_and_exports_csv(db, tmp_path, clock):
    async with running_bot(db, tmp_path, clock=clock) as chat:
        card = await chat.send(VICE, "/leave 出差 明天 后天 天津 调研")
        await chat.press(VICE, card, "确认提交")
        to_mayor = await chat.next_message(MAYOR, containing="请审批")
        await chat.press(MAYOR, to_mayor, "同意")
        await chat.next_message(VICE, containing="已批准")
        away = await chat.send(OFFICE, "/leaves 明天")
        nobody = await chat.send(OFFICE, "/leaves 2026-01-01")
        export = await chat.send(OFFICE, "/leaves 导出")
        content = chat.api.files[export["document"]["file_id"]][1].decode("utf-8-sig")
    assert "赵副区长" in away["text"] and "天津" in away["text"]
    assert "没有人" in nobody["text"]
    assert "赵副区长" in content and "已批准" in content and content.startswith("编号,姓名")


async def test_guided_half_day_vacation_skips_the_place(db, tmp_path, clock):
    async with running_bot(db, tmp_path, clock=clock) as chat:
        kinds = await chat.send(CLERK, "/leave")
        await chat.press(CLERK, kinds, "休假")
        start = await chat.next_message(CLERK, after=kinds["message_id"], containing="开始日期")
        bad = await chat.send(CLERK, "下月初")
        assert "看不懂日期" in bad["text"]
        end = await chat.send(CLERK, "明天下午")
        await chat.press(CLERK, end, "半天")
        place = await chat.next_message(CLERK, after=end["message_id"], containing="地点")
        await chat.press(CLERK, place, "跳过")
        await chat.next_message(CLERK, after=place["message_id"], containing="事由")
        card = await chat.send(CLERK, "家中有事")
    assert start["message_id"] < bad["message_id"]
    assert "下午,共 0.5 天" in card["text"] and "目的地" not in card["text"]


async def test_guided_half_day_asks_morning_or_afternoon(db, tmp_path, clock):
    async with running_bot(db, tmp_path, clock=clock) as chat:
        kinds = await chat.send(CLERK, "/leave")
        await chat.press(CLERK, kinds, "休假")
        await chat.next_message(CLERK, after=kinds["message_id"], containing="开始日期")
        end = await chat.send(CLERK, "明天")
        await chat.press(CLERK, end, "半天")
        half = await chat.next_message(CLERK, after=end["message_id"], containing="上午还是下午")
        assert chat.buttons(half) == ["上午", "下午"]
        await chat.press(CLERK, half, "下午")
        place = await chat.next_message(CLERK, after=half["message_id"], containing="地点")
        await chat.press(CLERK, place, "跳过")
        await chat.next_message(CLERK, after=place["message_id"], containing="事由")
        card = await chat.send(CLERK, "家中有事")
    assert "下午,共 0.5 天" in card["text"]


async def test_more_than_30_days_is_confirmed_explicitly(db, tmp_path, clock):
    async with running_bot(db, tmp_path, clock=clock) as chat:
        card = await chat.send(VICE, "/leave 脱产学习 明天 40天后 市委党校 中青班学习")
        assert "超过 30 天" in card["text"] and "共 40 天" in card["text"]
        assert (await chat.press(VICE, card, "确认提交"))["text"] == "已提交"
    assert _reports(db) == 1


async def test_forged_buttons_with_huge_ids_are_refused_not_crashing(db, tmp_path, clock):
    async with running_bot(db, tmp_path, clock=clock) as chat:
        own = await chat.send(MAYOR, "/leaves")
        for data in ("lv:ok:99999999999999999999999", "lv:wd:99999999999999999999999",
                     "ag:ok:99999999999999999999999", "ag:sub:99999999999999999999999"):
            answer = await chat.press_data(MAYOR, own, data)
            assert "出错" not in answer["text"], data
            assert answer["text"], data


async def test_the_filer_is_told_which_approver_could_not_be_reached(db, tmp_path, clock):
    async with running_bot(db, tmp_path, clock=clock) as chat:
        del chat.api.chats[VICE]  # the 分管副区长 never opened a private chat with the bot
        card = await chat.send(HEAD, "/leave 出差 明天 后天 上海 参加协作会")
        mayor_before = chat.last_id(MAYOR)
        await chat.press(HEAD, card, "确认提交")
        told = await chat.next_message(HEAD, after=card["message_id"], containing="未能私信通知")
        assert await chat.next_message(MAYOR, after=mayor_before, containing="请审批")
    assert "赵副区长" in told["text"] and "王区长" not in told["text"] and "/start" in told["text"]
