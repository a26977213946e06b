"""The deadline and subscription commands and the alert buttons, on the real application in-process."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from leave_harness import CLERK, HEAD, OFFICE, STRANGER, VICE, running_bot
from sqlalchemy import select
from telegram import Bot

from bootstrap.clock import Clock
from bootstrap.services import Services
from bootstrap.settings import Settings
from bot.local_api import LocalRequest
from bot.scheduler import Dispatcher
from bot.telegram_flows import alert_renderer
from handlers import deadlines, subscriptions
from handlers.conversation import Conversation
from handlers.messages import Incoming, Reply
from office.deadline_rules import DeadlineKind
from office.directory import add_member
from office.reminders import AlertPolicy
from storage.deadlines import Deadline, Subscription
from storage.dialogs import DialogRow
from storage.people import DINGTALK, Role

TZ = ZoneInfo("Asia/Shanghai")
POLICY = AlertPolicy.from_texts("1d,overdue", "", kinds=[k.value for k in DeadlineKind], timezone="Asia/Shanghai")
UNIT_GROUP = -100600


@pytest.fixture(autouse=True)
def fixed_policy(monkeypatch):
    # The lead times of the test, whatever the developer's .env says.
    monkeypatch.setattr("office.deadlines.alert_policy", lambda: POLICY)


def open_deadlines(db) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    with db.transaction() as session:
        return [(d.title, d.state) for d in session.scalars(select(Deadline).order_by(Deadline.id))]


def due_times(db) -> list[datetime]:  # type: ignore[no-untyped-def]
    with db.transaction() as session:
        return [d.due_at for d in session.scalars(select(Deadline).order_by(Deadline.id))]


async def dispatch(chat, db, *, at: datetime) -> None:  # type: ignore[no-untyped-def]
    """Run one dispatcher pass at the moment `at`, sending through the same in-memory Telegram."""
    moment = at
    bot = Bot(chat.api.token, request=LocalRequest(chat.api))
    await bot.initialize()
    await Dispatcher(db, alert_renderer(TZ, lambda: moment), worker="test", clock=lambda: moment).run(bot)
    await bot.shutdown()


async def test_set_list_and_close_a_custom_deadline(db, tmp_path, clock):
    due = clock.now().date() + timedelta(days=5)
    async with running_bot(db, tmp_path, clock=clock) as chat:
        created = await chat.send(HEAD, f"/deadline {due} 17:00 提交整改报告")
        listed = await chat.send(CLERK, "/deadlines")
        refused = await chat.send(CLERK, "/done 1")
        closed = await chat.send(HEAD, "/done 1")
        again = await chat.send(HEAD, "/done 1")
    assert "已登记期限 #1" in created["text"] and f"{due}" in created["text"] and "17:00" in created["text"]
    assert "#1 提交整改报告" in listed["text"]  # the clerk sees his unit's deadline
    assert "只有责任人" in refused["text"]
    assert "已办结" in closed["text"] and "已办结" in again["text"]
    assert open_deadlines(db) == [("提交整改报告", "done")]


@pytest.mark.parametrize(("text", "answer"), [
    ("/deadline 提交整改报告", "用法"),
    ("/deadline 2020-01-01 提交整改报告", "已过"),
    ("/deadline 2099-01-01 提交 @不存在的单位", "没有名为"),
    ("/done abc", "用法"),
    ("/done ²", "用法"),
    ("/deadline 2099-01-01 25:00 提交", "时间不存在"),
    ("/incident 2099-01-01 舆情", "不能晚于现在"),
    ("/foreign 2020-01-01 出访", "之后"),
])
async def test_bad_input_is_explained_and_nothing_stored(db, tmp_path, text, answer, clock):
    async with running_bot(db, tmp_path, clock=clock) as chat:
        reply = await chat.send(HEAD, text)
    assert answer in reply["text"]
    assert open_deadlines(db) == []


async def test_people_outside_the_directory_are_refused(db, tmp_path, clock):
    async with running_bot(db, tmp_path, clock=clock) as chat:
        reply = await chat.send(STRANGER, "/deadline 2099-01-01 提交")
    assert "尚未登记" in reply["text"] and open_deadlines(db) == []


async def test_rule_commands_record_their_articles(db, tmp_path, clock):
    today = clock.now().date()
    async with running_bot(db, tmp_path, clock=clock) as chat:
        document = await chat.send(HEAD, f"/document {today} 关于加强物业管理的通知")
        incident = await chat.send(HEAD, "/incident 网传学校食堂问题")
        # A year no official schedule covers for decades: counted on the estimated calendar, and said so.
        foreign = await chat.send(HEAD, "/foreign 2099-10-14 赴日本友好城市交流")
    assert f"{today + timedelta(days=30)}" in document["text"]
    assert "舆情回应" in incident["text"]
    # 7 working days before Wed 10-14, skipping the weekends and 国庆 (10-01, 10-02, 10-05 observed): Wed 09-30.
    assert "2099-09-30" in foreign["text"] and "推定" in foreign["text"]
    with db.transaction() as session:
        assert [(d.kind, d.rule_article) for d in session.scalars(select(Deadline).order_by(Deadline.id))] == [
            ("normative_document", 17), ("public_opinion", 27), ("foreign_affairs", 65)]


async def test_only_group_admins_or_the_office_subscribe_a_group(db, tmp_path, clock):
    async with running_bot(db, tmp_path, clock=clock) as chat:
        chat.api.add_group(UNIT_GROUP, "财政局工作群", members=[CLERK, OFFICE], admins=[HEAD])
        member = await chat.send(CLERK, "/subscribe 全部", chat=UNIT_GROUP)
        admin = await chat.send(HEAD, "/subscribe 议题 舆情", chat=UNIT_GROUP)
        office = await chat.send(OFFICE, "/subscribe 外事", chat=UNIT_GROUP)
        private = await chat.send(HEAD, "/subscribe 全部")
        unknown = await chat.send(HEAD, "/subscribe 生日", chat=UNIT_GROUP)
        dropped = await chat.send(HEAD, "/unsubscribe 舆情", chat=UNIT_GROUP)
        outsider = await chat.send(VICE, "/unsubscribe", chat=UNIT_GROUP)
    assert "只有本群管理员" in member["text"] and "只有本群管理员" in outsider["text"]
    assert "已订阅:议题材料、舆情回应" in admin["text"]
    assert "外事请示" in office["text"]
    assert "群里" in private["text"]
    assert "未知的提醒类型:生日" in unknown["text"]
    assert "已退订:舆情回应" in dropped["text"]
    with db.transaction() as session:
        active = sorted(s.kind for s in session.scalars(select(Subscription).where(Subscription.active.is_(True))))
    assert active == ["agenda", "foreign_affairs"]


async def test_a_group_admin_outside_the_directory_cannot_subscribe_the_group(db, tmp_path, clock):
    async with running_bot(db, tmp_path, clock=clock) as chat:
        chat.api.add_group(UNIT_GROUP, "陌生人的群", members=[], admins=[STRANGER])
        refused = await chat.send(STRANGER, "/subscribe 全部", chat=UNIT_GROUP)
    assert "尚未登记" in refused["text"]
    with db.transaction() as session:
        assert session.scalars(select(Subscription)).all() == []


async def test_alert_buttons_close_or_snooze_for_those_allowed(db, tmp_path, clock):
    due = clock.now().date() + timedelta(days=3)
    async with running_bot(db, tmp_path, clock=clock) as chat:
        chat.api.add_group(UNIT_GROUP, "财政局工作群", members=[CLERK], admins=[HEAD])
        await chat.send(HEAD, "/subscribe 全部", chat=UNIT_GROUP)
        await chat.send(HEAD, f"/deadline {due} 提交整改报告 @区财政局")
        await chat.send(HEAD, f"/deadline {due} 报送统计表")
        await dispatch(chat, db, at=due_times(db)[0] - timedelta(hours=12))  # past the 1-day alerts
        private = [m for m in chat.api.bot_messages(HEAD) if "期限提醒" in m["text"]]
        group = [m for m in chat.api.bot_messages(UNIT_GROUP) if "期限提醒" in m["text"]]
        assert len(private) == 2 and len(group) == 2 and chat.buttons(group[0]) == ["完成", "推迟"]
        clerk_try = await chat.press(CLERK, group[0], "完成")
        snoozed = await chat.press(HEAD, private[1], "推迟")
        done = await chat.press(HEAD, group[0], "完成")
        forged = await chat.press_data(HEAD, group[0], "dl:done:999")
        edited = chat.current(group[0])
    assert clerk_try["show_alert"] and "只有责任人" in clerk_try["text"]
    assert "已推迟" in snoozed["text"] and "09:00" in snoozed["text"]
    assert done["text"] == "已办结" and "已由 孙局长 办结" in edited["text"] and not chat.buttons(edited)
    assert "没有编号为 999" in forged["text"]
    assert open_deadlines(db) == [("提交整改报告", "done"), ("报送统计表", "open")]


async def test_a_deadline_for_a_unit_reaches_its_head_privately(db, tmp_path, clock):
    due = clock.now().date() + timedelta(days=3)
    async with running_bot(db, tmp_path, clock=clock) as chat:
        await chat.send(OFFICE, f"/deadline {due} 报送年度总结 @区财政局")
        await dispatch(chat, db, at=due_times(db)[0] - timedelta(hours=12))
        head_alerts = [m for m in chat.api.bot_messages(HEAD) if "期限提醒" in m["text"]]
        clerk_alerts = [m for m in chat.api.bot_messages(CLERK) if "期限提醒" in m["text"]]
    assert len(head_alerts) == 1 and "报送年度总结" in head_alerts[0]["text"] and clerk_alerts == []


async def test_absurd_years_are_explained_not_crashing(db, tmp_path, clock):
    async with running_bot(db, tmp_path, clock=clock) as chat:
        incident = await chat.send(HEAD, "/incident 0001-01-01 00:00 舆情")
        far = await chat.send(HEAD, "/deadline 9999-12-31 提交")
        # A mistyped incident date is not silently replaced by "now" (the 24 hours would be wrong).
        invalid = await chat.send(HEAD, "/incident 2026-02-30 10:00 舆情")
    assert "年份" in incident["text"] and "年份" in far["text"]
    assert "不是有效日期" in invalid["text"]
    assert open_deadlines(db) == []


async def test_editing_a_sent_command_does_not_run_it_again(db, tmp_path, clock):
    # Telegram delivers an edit of "/deadline …" as edited_message; it must not record a second deadline.
    async with running_bot(db, tmp_path, clock=clock) as chat:
        first = await chat.send(HEAD, "/deadline 2099-01-01 提交整改报告")
        sent = next(m for m in chat.api.history[HEAD] if m.get("text") == "/deadline 2099-01-01 提交整改报告")
        edited = dict(sent, text="/deadline 2099-01-02 提交整改报告", edit_date=sent["date"] + 5)
        chat.api._push_update("edited_message", edited)
        reply = await chat.next_message(HEAD, after=first["message_id"])
    assert "重新发送" in reply["text"]
    assert open_deadlines(db) == [("提交整改报告", "open")]


async def test_a_bare_command_in_private_opens_a_guided_form(db, tmp_path, clock):
    due = clock.now().date() + timedelta(days=5)
    async with running_bot(db, tmp_path, clock=clock) as chat:
        asked = await chat.send(HEAD, "/deadline")
        wrong = await chat.send(HEAD, "32号")
        title = await chat.send(HEAD, f"{due} 17:00")
        target = await chat.send(HEAD, "提交整改报告")
        assert open_deadlines(db) == []  # nothing stored before the last answer
        before = chat.last_id(HEAD)
        await chat.press(HEAD, target, "本人")
        done = await chat.next_message(HEAD, after=before, containing="已登记")
    assert "截止日期" in asked["text"] and "/cancel" in asked["text"]
    assert "截止日期" in wrong["text"] and wrong["text"] != asked["text"]  # explained, then asked again
    assert "事项内容" in title["text"] and "负责" in target["text"] and chat.buttons(target) == ["本人"]
    assert f"{due}" in done["text"] and "17:00" in done["text"] and "孙局长" in done["text"]
    assert open_deadlines(db) == [("提交整改报告", "open")]


async def test_guided_incident_happened_just_now_for_a_unit(db, tmp_path, clock):
    async with running_bot(db, tmp_path, clock=clock) as chat:
        asked = await chat.send(HEAD, "/incident")
        before = chat.last_id(HEAD)
        await chat.press(HEAD, asked, "刚刚")
        await chat.next_message(HEAD, after=before, containing="舆情内容")
        await chat.send(HEAD, "网传学校食堂问题")
        done = await chat.send(HEAD, "区财政局")
    assert "第二十七条" in asked["text"]
    assert "已登记期限" in done["text"] and "区财政局" in done["text"]
    with db.transaction() as session:
        deadline = session.scalars(select(Deadline)).one()
        assert deadline.kind == DeadlineKind.PUBLIC_OPINION.value
        assert timedelta(hours=23) < deadline.due_at - clock.now() <= timedelta(hours=24)


async def test_a_form_can_be_abandoned_and_groups_get_the_one_line_usage(db, tmp_path, clock):
    async with running_bot(db, tmp_path, clock=clock) as chat:
        await chat.send(HEAD, "/document")
        cancelled = await chat.send(HEAD, "/cancel")
        chat.api.add_group(UNIT_GROUP, "区财政局群", members=[HEAD])
        group = await chat.send(HEAD, "/deadline", chat=UNIT_GROUP)
    assert "已放弃" in cancelled["text"]
    assert "用法" in group["text"]
    assert open_deadlines(db) == []


async def test_a_past_date_and_an_unknown_name_are_asked_again_in_the_form(db, tmp_path, clock):
    due = clock.now().date() + timedelta(days=5)
    async with running_bot(db, tmp_path, clock=clock) as chat:
        await chat.send(HEAD, "/deadline")
        past = await chat.send(HEAD, "2020-01-01")
        await chat.send(HEAD, f"{due}")
        await chat.send(HEAD, "提交整改报告")
        before = chat.last_id(HEAD)
        unknown = await chat.send(HEAD, "不存在的单位")
        again = await chat.next_message(HEAD, after=unknown["message_id"], containing="由谁负责")
        assert open_deadlines(db) == []
        await chat.press(HEAD, again, "本人")
        done = await chat.next_message(HEAD, after=before, containing="已登记")
    assert "已过" in past["text"] and "截止日期" in past["text"]
    assert "没有名为" in unknown["text"] and "用法" not in unknown["text"]
    assert "孙局长" in done["text"] and open_deadlines(db) == [("提交整改报告", "open")]


async def test_a_guided_form_carries_on_after_a_restart(db, tmp_path, clock):
    due = clock.now().date() + timedelta(days=5)
    async with running_bot(db, tmp_path, clock=clock) as chat:
        await chat.send(HEAD, "/deadline")
        title = await chat.send(HEAD, f"{due} 17:00")
    async with running_bot(db, tmp_path, clock=clock, seed=False) as chat:  # a new process: nothing in memory
        target = await chat.send(HEAD, "提交整改报告")
        done = await chat.send(HEAD, "区财政局")
    assert "事项内容" in title["text"] and "由谁负责" in target["text"]
    assert "已登记期限" in done["text"] and f"{due}" in done["text"] and "17:00" in done["text"]
    assert open_deadlines(db) == [("提交整改报告", "open")]
    with db.transaction() as session:
        assert session.scalars(select(DialogRow)).all() == []  # the finished form is closed


async def test_a_form_left_idle_is_dropped_with_a_message(db, tmp_path, clock):
    due = clock.now().date() + timedelta(days=5)
    async with running_bot(db, tmp_path, clock=clock) as chat:
        await chat.send(HEAD, "/deadline")
    an_hour_later = Clock(clock.tz, shift=clock.shift + timedelta(minutes=61))
    async with running_bot(db, tmp_path, clock=an_hour_later, seed=False) as chat:
        dropped = await chat.send(HEAD, f"{due} 17:00")
        restarted = await chat.send(HEAD, "/deadline")
    assert "已超过 60 分钟" in dropped["text"] and "/deadline" in dropped["text"]
    assert "截止日期" in restarted["text"]
    assert open_deadlines(db) == []


async def test_an_update_delivered_twice_is_applied_once(db, tmp_path, clock):
    due = clock.now().date() + timedelta(days=5)
    async with running_bot(db, tmp_path, clock=clock) as chat:
        recorded = await chat.send(HEAD, f"/deadline {due} 17:00 提交整改报告")
        chat.api.redeliver(chat.api.last_update)
        await chat.send(HEAD, "/deadline")
        await chat.send(HEAD, f"{due} 18:00")
        chat.api.redeliver(chat.api.last_update)  # the date answer again: the form must not take it as the title
        target = await chat.send(HEAD, "报送统计表")
        done = await chat.send(HEAD, "区财政局")
    assert "已登记期限 #1" in recorded["text"]
    assert "由谁负责" in target["text"] and "已登记期限 #2" in done["text"]
    assert open_deadlines(db) == [("提交整改报告", "open"), ("报送统计表", "open")]


def test_a_clerk_on_dingtalk_only_sets_closes_and_subscribes_a_group(db, tmp_path, clock):
    """The commands written once for every messenger, sent from DingTalk by people who have no Telegram account."""
    services = Services(settings=Settings(_env_file=None, data_dir=tmp_path, database_url=db.url), db=db, clock=clock)
    with db.transaction() as session:
        li = add_member(session=session, actor=None, dingtalk_id="li4521", name="李科员", unit="区财政局", role=Role.STAFF)
        add_member(session=session, actor=None, dingtalk_id="head02", name="孙局长", unit="区财政局", role=Role.UNIT_HEAD)
    conversation = Conversation(services, [deadlines, subscriptions])
    due = clock.now().date() + timedelta(days=5)

    def send(account: str, text: str = "", *, chat: str | None = None, button: str | None = None) -> Reply:
        incoming = Incoming(DINGTALK, chat or account, chat is None, account, text=text, button=button,
                            sender_is_group_admin=True if chat else None)
        [reply] = conversation.respond(incoming).replies
        return reply

    assert "已登记期限 #1" in send("li4521", f"/deadline {due} 17:00 报送统计表").text.plain()
    assert "已登记期限 #2" in send("head02", f"/deadline {due} 提交整改报告").text.plain()
    assert "#1 报送统计表" in send("li4521", "/deadlines").text.plain()
    assert "只有责任人" in send("li4521", "/done 2").text.plain()  # the head's own deadline
    refused = send("li4521", button="dl:done:2")
    assert refused.alert and "只有责任人" in refused.text.plain()
    assert "已办结" in send("li4521", "/done 1").text.plain()
    for text in (f"/deadline {due} 冒名登记", "/done 2", "/deadlines"):
        assert "尚未登记" in send("nobody09", text).text.plain()
    assert "尚未登记" in send("nobody09", "/subscribe 全部", chat="cidGroup01").text.plain()
    assert "已订阅:全部" in send("li4521", "/subscribe 全部", chat="cidGroup01").text.plain()
    with db.transaction() as session:
        closed, other = session.scalars(select(Deadline).order_by(Deadline.id)).all()
        [subscription] = session.scalars(select(Subscription)).all()
        assert (closed.state, closed.created_by_person_id, closed.closed_by_person_id) == ("done", li.person_id, li.person_id)
        assert other.state == "open"
        assert (subscription.chat_id, subscription.created_by_person_id, subscription.created_by_telegram_id) == (
            "cidGroup01", li.person_id, None)
