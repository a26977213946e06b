"""/meeting, /agenda and the review buttons through the real handlers on an in-memory Bot API."""

from __future__ import annotations

from datetime import timedelta

from leave_harness import CLERK, EXEC_VICE, HEAD, MAYOR, OFFICE, OFFICE_CHAT, STRANGER, VICE, running_bot
from sqlalchemy import func, select

from storage.agenda import AgendaItem
from storage.audit import AuditEntry



def in_days(clock, days: int) -> str:  # type: ignore[no-untyped-def]
    """The office's today plus `days`, as typed in a command."""
    return (clock.now().date() + timedelta(days=days)).isoformat()

TITLE = "关于老旧小区改造的请示"


def _count(db, model) -> int:
    with db.transaction() as session:
        return session.scalar(select(func.count()).select_from(model))


async def _fill(chat, user: int, *, major: str = "都不是") -> dict:
    """Answer the form after the summary question: no other units, `major`, 第五十条 all 否."""
    units = await chat.send(user, "拟安排改造资金")
    assert "是否涉及其他部门" in units["text"]
    await chat.press(user, units, "不涉及")
    question = await chat.next_message(user, units["message_id"], "第五十一条")
    await chat.press(user, question, major)
    for number in range(1, 7):
        question = await chat.next_message(user, question["message_id"], f"第五十条检查({number}/6)")
        await chat.press(user, question, "否")
    return question


async def test_meetings_are_registered_by_the_office_only(db, tmp_path, clock):
    async with running_bot(db, tmp_path, clock=clock) as chat:
        refused = await chat.send(HEAD, f"/meeting {in_days(clock, 10)} 09:00 常务会议 第一会议室")
        past = await chat.send(OFFICE, "/meeting 2020-01-01 09:00 常务会议")
        usage = await chat.send(OFFICE, "/meeting 明天")
        done = await chat.send(OFFICE, f"/meeting {in_days(clock, 10)} 09:00 常务会议 第一会议室 连续2周")
        listing = await chat.send(HEAD, "/meetings")
    assert "只有区政府办公室" in refused["text"]
    assert "已过" in past["text"]
    assert "用法" in usage["text"]
    assert "已登记 2 次会议" in done["text"] and "议题材料截止" in done["text"]
    assert listing["text"].count("区政府常务会议") == 2


async def test_odd_meeting_input_is_explained_not_crashing(db, tmp_path, clock):
    async with running_bot(db, tmp_path, clock=clock) as chat:
        long_place = await chat.send(OFFICE, f"/meeting {in_days(clock, 10)} 09:00 常务会议 " + "室" * 200)
        huge_id = await chat.send(OFFICE, "/meeting cancel 99999999999999999999999 改期")
        superscript = await chat.send(OFFICE, "/meeting cancel ² 改期")
        listing = await chat.send(HEAD, "/meetings")
    assert "地点太长" in long_place["text"]
    assert "用法" in huge_id["text"] and "用法" in superscript["text"]
    assert "没有已登记的会议" in listing["text"]


async def test_bad_filings_say_what_to_fix_and_store_nothing(db, tmp_path, clock):
    async with running_bot(db, tmp_path, clock=clock) as chat:
        await chat.send(OFFICE, f"/meeting {in_days(clock, 10)} 09:00 常务会议")
        stranger = await chat.send(STRANGER, f"/agenda {in_days(clock, 10)} 常务会议 {TITLE}")
        clerk = await chat.send(CLERK, f"/agenda {in_days(clock, 10)} 常务会议 {TITLE}")
        no_meeting = await chat.send(HEAD, f"/agenda {in_days(clock, 1)} 常务会议 {TITLE}")
        group = await chat.send(OFFICE, f"/agenda {in_days(clock, 10)} 常务会议 {TITLE}", chat=OFFICE_CHAT)
        no_title = await chat.send(HEAD, f"/agenda {in_days(clock, 10)} 常务会议")
        # A normative document without its legality review cannot go on.
        await chat.send(HEAD, f"/agenda {in_days(clock, 10)} 常务会议 关于印发管理办法的通知")
        question = await _fill_until_legality(chat)
        again = await chat.send(HEAD, "稍后补")
        cancelled = await chat.send(HEAD, "/cancel")
    assert "请联系区政府办公室登记" in stranger["text"]
    assert "正职" in clerk["text"]
    assert "没有已登记的会议" in no_meeting["text"]
    assert "私聊" in group["text"]
    assert "请写明议题名称" in no_title["text"]
    assert "合法性审查意见" in question["text"] and "请上传" in again["text"]
    assert "未保存任何内容" in cancelled["text"]
    assert _count(db, AgendaItem) == 0


async def _fill_until_legality(chat) -> dict:
    units = await chat.send(HEAD, "制定管理办法")
    await chat.press(HEAD, units, "不涉及")
    major = await chat.next_message(HEAD, units["message_id"], "第五十一条")
    await chat.press(HEAD, major, "规范性文件")
    return await chat.next_message(HEAD, major["message_id"], "请上传该意见文件")


async def test_review_refusals_and_return_with_a_reason(db, tmp_path, clock):
    async with running_bot(db, tmp_path, clock=clock) as chat:
        await chat.send(OFFICE, f"/meeting {in_days(clock, 10)} 09:00 常务会议")
        first = await chat.send(HEAD, f"/agenda {in_days(clock, 10)} {TITLE}")
        assert "材料截止" in first["text"]
        last = await _fill(chat, HEAD)
        draft = await chat.next_message(HEAD, last["message_id"], "草稿已保存")
        duplicate = await chat.send(HEAD, f"/agenda {in_days(clock, 10)} 常务会议 {TITLE}")
        await chat.press(HEAD, draft, "提交审核")
        review = await chat.next_message(VICE, 0, "请审核议题")
        item_id = review["reply_markup"]["inline_keyboard"][0][0]["callback_data"].rsplit(":", 1)[1]

        wrong = await chat.press_data(MAYOR, await chat.send(MAYOR, "/agenda todo"), f"ag:ret:{item_id}")
        todo = await chat.send(VICE, "/agenda todo")
        await chat.press(VICE, review, "退回")
        ask = await chat.next_message(VICE, review["message_id"], "请输入退回")
        done = await chat.send(VICE, "请补充资金测算表")
        told = await chat.next_message(HEAD, draft["message_id"], "退回")
        mine = await chat.send(HEAD, "/agenda mine")
    assert "同名议题" in duplicate["text"]
    assert wrong["show_alert"] and "赵副区长审核" in wrong["text"]
    assert TITLE in todo["text"] and chat.buttons(todo) == ["通过", "退回"]
    assert TITLE in ask["text"] and "已退回" in done["text"]
    assert "请补充资金测算表" in told["text"]
    assert "退回" in mine["text"] and "请补充资金测算表" in mine["text"]
    with db.transaction() as session:
        actions = session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "agenda_item")).all()
    assert actions == ["drafted", "submitted", "returned"]


async def _submitted_review(chat, clock) -> dict:
    """HEAD files and submits an item for a 常务会议 in 10 days; returns 赵副区长's review card."""
    await chat.send(OFFICE, f"/meeting {in_days(clock, 10)} 09:00 常务会议")
    await chat.send(HEAD, f"/agenda {in_days(clock, 10)} {TITLE}")
    last = await _fill(chat, HEAD)
    draft = await chat.next_message(HEAD, last["message_id"], "草稿已保存")
    await chat.press(HEAD, draft, "提交审核")
    # Who was told comes once the notices went out, in a message of its own.
    await chat.next_message(HEAD, draft["message_id"], "已通知分管副区长赵副区长")
    assert "已报送,待分管副区长赵副区长审核" in chat.current(draft)["text"] and not chat.buttons(chat.current(draft))
    return await chat.next_message(VICE, 0, "请审核议题")


async def test_a_return_says_who_was_told_and_who_could_not_be(db, tmp_path, clock):
    async with running_bot(db, tmp_path, clock=clock) as chat:
        review = await _submitted_review(chat, clock)
        await chat.press(VICE, review, "退回")
        await chat.next_message(VICE, review["message_id"], "请输入退回")
        del chat.api.chats[HEAD]  # 孙局长 blocked the bot: Telegram refuses messages to them
        done = await chat.send(VICE, "请补充资金测算表")
        report = await chat.next_message(VICE, done["message_id"], "通知")
    assert "已退回议题" in done["text"] and "当前状态:退回" in done["text"] and "已通知提出单位" not in done["text"]
    assert "未能通知提出人孙局长" in report["text"] and "请另行告知" in report["text"]
    assert "已通知" not in report["text"]  # 赵副区长 returned it himself: nobody else was to be told


async def test_a_return_at_the_approval_step_reports_both_recipients_reached(db, tmp_path, clock):
    async with running_bot(db, tmp_path, clock=clock) as chat:
        review = await _submitted_review(chat, clock)
        await chat.press(VICE, review, "通过")
        approval = await chat.next_message(MAYOR, 0, "请批准议题")
        await chat.press(MAYOR, approval, "退回")
        await chat.next_message(MAYOR, approval["message_id"], "请输入退回")
        done = await chat.send(MAYOR, "本周议程已满")
        report = await chat.next_message(MAYOR, done["message_id"], "通知")
    assert "已退回议题" in done["text"]
    assert report["text"] == "已通知提出人孙局长、分管副区长赵副区长。"


async def test_the_review_card_shows_the_item_and_once_passed_its_state_now_only(db, tmp_path, clock):
    async with running_bot(db, tmp_path, clock=clock) as chat:
        await _submitted_review(chat, clock)
        todo = await chat.send(VICE, "/agenda todo")
        asked = todo["text"]  # the emulator edits the message in place
        await chat.press(VICE, todo, "通过")
        told = await chat.next_message(VICE, todo["message_id"], "已通知")
        passed = chat.current(todo)
    assert "主要内容:拟安排改造资金" in asked and "当前状态:待分管副区长审核" in asked
    assert "涉及单位:不涉及其他部门或单位" in asked and "合法性审查:非重大事项" in asked
    assert "✅ 您已通过" in passed["text"] and "当前状态:待区长/常务副区长批准" in passed["text"]
    assert "待分管副区长审核" not in passed["text"] and "主要内容:拟安排改造资金" in passed["text"]
    assert not chat.buttons(passed)
    assert "王区长" in told["text"] and "李常务" in told["text"] and "提出人孙局长" in told["text"]


async def test_the_office_files_an_item_for_a_unit(db, tmp_path, clock):
    day = in_days(clock, 10)
    async with running_bot(db, tmp_path, clock=clock) as chat:
        await chat.send(OFFICE, f"/meeting {day} 09:00 常务会议")
        own = await chat.send(OFFICE, f"/agenda {day} 常务会议 {TITLE}")
        first = await chat.send(OFFICE, f"/agenda {day} 常务会议 代 区财政局 {TITLE}")
        last = await _fill(chat, OFFICE)
        draft = await chat.next_message(OFFICE, last["message_id"], "草稿已保存")
        await chat.press(OFFICE, draft, "提交审核")
        review = await chat.next_message(VICE, 0, "请审核议题")
        head = await chat.next_message(HEAD, 0, "代区财政局报送议题")
    assert "没有区政府办公室的分管副区长" in own["text"] and "代 区财政局" in own["text"]
    assert "提出单位:区财政局(区政府办公室代为提交);分管副区长:赵副区长;汇报人:孙局长" in first["text"]
    assert TITLE in review["text"] and "区财政局" in review["text"]
    assert "第五十二条" in head["text"]


async def test_late_item_only_as_urgent_and_flagged(db, tmp_path, clock):
    async with running_bot(db, tmp_path, clock=clock) as chat:
        await chat.send(OFFICE, f"/meeting {in_days(clock, 1)} 16:00 区长专题会议")
        first = await chat.send(HEAD, f"/agenda {in_days(clock, 1)} 区长专题会议 {TITLE}")
        assert "已过截止时间" in first["text"]
        last = await _fill(chat, HEAD)
        urgent = await chat.next_message(HEAD, last["message_id"], "是否属于特殊紧急情况")
        await chat.press(HEAD, urgent, "特殊紧急情况")
        await chat.next_message(HEAD, urgent["message_id"], "请说明紧急理由")
        draft = await chat.send(HEAD, "寒潮应急供暖资金")
        assert "草稿已保存" in draft["text"]
        await chat.press(HEAD, draft, "提交审核")
        office = await chat.next_message(OFFICE_CHAT, 0, "特殊紧急议题")
        mayor = await chat.next_message(MAYOR, 0, "特殊紧急议题")
        executive = await chat.next_message(EXEC_VICE, 0, "特殊紧急议题")
    assert all("寒潮应急供暖资金" in m["text"] for m in (office, mayor, executive))


async def test_export_is_sent_to_the_office_only(db, tmp_path, clock):
    async with running_bot(db, tmp_path, clock=clock) as chat:
        await chat.send(OFFICE, f"/meeting {in_days(clock, 10)} 09:00 常务会议")
        refused = await chat.send(HEAD, f"/agenda export {in_days(clock, 10)} md")
        bad_format = await chat.send(OFFICE, f"/agenda export {in_days(clock, 10)} pdf")
        sent = await chat.send(OFFICE, f"/agenda export {in_days(clock, 10)} md")
        content = chat.api.file_content(sent["document"]["file_id"]).decode("utf-8")
        day_view = await chat.send(HEAD, f"/agenda {in_days(clock, 10)}")
    assert "仅限区政府办公室" in refused["text"]
    assert "用法" in bad_format["text"]
    assert sent["document"]["file_name"].endswith("区政府常务会议.md") and content.startswith("# 议程:")
    assert "尚无已列入议程的议题" in day_view["text"] and "材料截止" in day_view["text"]


async def test_two_meetings_of_one_type_on_one_day_are_picked_by_time_or_number(db, tmp_path, clock):
    day = in_days(clock, 10)
    async with running_bot(db, tmp_path, clock=clock) as chat:
        await chat.send(OFFICE, f"/meeting {day} 09:00 区长专题会议 第一会议室")
        await chat.send(OFFICE, f"/meeting {day} 15:00 区长专题会议 第二会议室")
        ambiguous = await chat.send(HEAD, f"/agenda {day} 区长专题会议 {TITLE}")
        by_time = await chat.send(HEAD, f"/agenda {day} 15:00 区长专题会议 {TITLE}")
        await chat.send(HEAD, "/cancel")
        export_ambiguous = await chat.send(OFFICE, f"/agenda export {day} md")
        export_by_number = await chat.send(OFFICE, f"/agenda export {day} #1 md")
    assert "有 2 个区长专题会议" in ambiguous["text"] and "请写明会议类型" not in ambiguous["text"]
    assert "#1 09:00 区长专题会议,第一会议室" in ambiguous["text"]
    assert "#2 15:00 区长专题会议,第二会议室" in ambiguous["text"]
    assert f"/agenda {day} 09:00 区长专题会议 议题名称" in ambiguous["text"]
    assert "15:00 区长专题会议(#2" in by_time["text"] and "请用一两句话写明议题主要内容" in by_time["text"]
    assert "有 2 个会议" in export_ambiguous["text"] and f"/agenda export {day} 09:00 md" in export_ambiguous["text"]
    assert "document" in export_by_number
    assert "第一会议室" in chat.api.file_content(export_by_number["document"]["file_id"]).decode("utf-8")


async def test_guided_form_can_start_from_the_list_of_meetings(db, tmp_path, clock):
    async with running_bot(db, tmp_path, clock=clock) as chat:
        await chat.send(OFFICE, f"/meeting {in_days(clock, 10)} 09:00 常务会议 第一会议室")
        menu = await chat.send(HEAD, "/agenda")
        [choice] = chat.buttons(menu)
        await chat.press(HEAD, menu, choice)
        ask = await chat.next_message(HEAD, menu["message_id"], "议题名称")
        plan = await chat.send(HEAD, TITLE)
    assert "区政府常务会议" in choice
    assert "分管副区长:赵副区长" in plan["text"] and "请用一两句话" in plan["text"] and ask


def _upload(api, user: int, file_name: str) -> dict:
    """The user sends a document into their private chat (the emulator has no helper for it)."""
    user_json, chat = api.users[user], api.chats[user]
    message = {"message_id": api._new_message_id(user), "from": dict(user_json), "chat": dict(chat), "date": 0,
               "document": {"file_id": "legal-1", "file_unique_id": "u-legal-1", "file_name": file_name}}
    api.files["legal-1"] = ({**message["document"], "mime_type": "application/pdf", "file_size": 3}, b"pdf")
    api._store(message)
    api._push_update("message", message)
    return message


async def test_legality_review_attached_as_a_file_reaches_the_reviewer(db, tmp_path, clock):
    async with running_bot(db, tmp_path, clock=clock) as chat:
        await chat.send(OFFICE, f"/meeting {in_days(clock, 10)} 09:00 常务会议")
        await chat.send(HEAD, f"/agenda {in_days(clock, 10)} 关于印发管理办法的通知")
        ask = await _fill_until_legality(chat)
        sent = _upload(chat.api, HEAD, "合法性审查意见.pdf")
        question = await chat.next_message(HEAD, sent["message_id"], "第五十条检查(1/6)")
        for step in ("(2/6)", "(3/6)", "(4/6)", "(5/6)", "(6/6)", ""):
            await chat.press(HEAD, question, "否")
            question = await chat.next_message(HEAD, question["message_id"], f"第五十条检查{step}" if step else "草稿已保存")
        draft = question
        await chat.press(HEAD, draft, "提交审核")
        review = await chat.next_message(VICE, 0, "请审核议题")
        document = await chat.next_message(VICE, review["message_id"], "合法性审查意见")
    assert "请上传" in ask["text"]
    assert "规范性文件:合法性审查意见附件 合法性审查意见.pdf" in review["text"]
    assert document["document"]["file_id"] == "legal-1"  # the reviewer reads the review itself
