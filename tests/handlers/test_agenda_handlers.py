"""Meetings and agenda items on the conversation core, without a messenger: the /meeting line, the
guided /agenda form as stored dialogs (a restart in the middle, the legality review uploaded as a
file), and the notices a review sends: to each messenger of each person, the file only where it
can be opened, and the sender's report of who was and was not reached."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bootstrap.services import Services
from bootstrap.settings import Settings
from handlers import agenda, agenda_review, meetings
from handlers.agenda_notify import notices_of
from handlers.conversation import Conversation
from handlers.messages import Incoming, Response
from handlers.meetings import parse_meeting_line
from office import notices as office
from office.actors import Actor
from office.directory import add_member
from office.meeting_moves import move_meeting
from office.meetings import MeetingError
from storage.agenda import MeetingType
from storage.people import Role

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2030, 12, 1, 10, 0, tzinfo=TZ)
OFFICE_CHAT = -100500
MAYOR, VICE, OFFICE, HEAD = 11, 13, 14, 16
VICE_DINGTALK = "zhao-ding"
FEATURES = [meetings, agenda, agenda_review]


def test_meeting_line_with_place_chair_and_weekly_series():
    request = parse_meeting_line("2030-12-09 09:30 常务会议 区政府 第一会议室 主持:李常务 连续4周".split(), now=NOW)
    assert request.kind is MeetingType.EXECUTIVE
    assert request.starts_at == datetime(2030, 12, 9, 9, 30, tzinfo=TZ)
    assert (request.place, request.chair_name, request.weeks) == ("区政府 第一会议室", "李常务", 4)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("2030-12-09 常务会议", "用法"),
        ("2030-12-09 9点 常务会议", "看不懂时间「9点」"),
        ("2030-12-09 09:00 党组会", "未知会议类型"),
        ("明年某天 09:00 常务会议", "看不懂日期"),
    ],
)
def test_meeting_line_errors_say_what_to_fix(line, message):
    with pytest.raises(MeetingError, match=message):
        parse_meeting_line(line.split(), now=NOW)


def test_the_sender_is_told_who_was_reached_and_who_was_not():
    response = Response(delivered="已通知{names}。", undelivered="未能通知{names}:请另行告知。")
    report = response.delivery_report({"提出人孙局长": False, "分管副区长赵副区长": True, "区长王区长": True})
    assert report is not None
    assert report.text.plain() == "已通知分管副区长赵副区长、区长王区长。\n未能通知提出人孙局长:请另行告知。"
    assert Response(undelivered="未能通知{names}").delivery_report({"赵副区长": True}) is None


class Office:
    """The bot's core on a database with the directory of the Telegram tests; 赵副区长 is on DingTalk too."""

    def __init__(self, db, tmp_path, clock, *, office_chat: int | None = OFFICE_CHAT) -> None:  # type: ignore[no-untyped-def]
        settings = Settings(_env_file=None, data_dir=tmp_path, database_url=db.url, office_chat_id=office_chat)
        self.services = Services(settings=settings, db=db, clock=clock)
        self.core = Conversation(self.services, FEATURES)
        self._update = 0

    def restart(self) -> None:
        self.core = Conversation(self.services, FEATURES)

    def send(self, who: int, text: str = "", *, button: str | None = None, file_id: str = "",
             file_name: str = "") -> Response:
        return self.send_on("telegram", str(who), text, button=button, file_id=file_id, file_name=file_name)

    def send_on(self, channel: str, account: str, text: str = "", *, button: str | None = None, file_id: str = "",
                file_name: str = "") -> Response:
        """A private message (or button press) from `account` on `channel`."""
        self._update += 1
        incoming = Incoming(channel, account, True, account, text=text, button=button,
                            update_id=str(self._update), file_id=file_id, file_name=file_name)
        response = self.core.respond(incoming)
        self.core.delivered(incoming)
        return response


def _directory(db) -> None:  # type: ignore[no-untyped-def]
    with db.transaction() as session:
        for telegram_id, name, unit, role, oversees, dingtalk in (
            (MAYOR, "王区长", "区政府", Role.MAYOR, (), None),
            (VICE, "赵副区长", "区政府", Role.VICE_MAYOR, ("区财政局",), VICE_DINGTALK),
            (OFFICE, "钱主任", "区政府办公室", Role.OFFICE, (), None),
            (HEAD, "孙局长", "区财政局", Role.UNIT_HEAD, (), None),
        ):
            add_member(session=session, actor=None, telegram_id=telegram_id, dingtalk_id=dingtalk,
                       name=name, unit=unit, role=role, oversees=oversees)


def _text(response: Response) -> str:
    return "\n".join(reply.text.plain() for reply in response.replies)


def _button(response: Response, label: str) -> str:
    return next(b.data for reply in response.replies for row in reply.buttons for b in row if b.label == label)


@pytest.mark.clock
def test_a_guided_filing_survives_a_restart_and_its_uploaded_review_reaches_the_reviewer(db, tmp_path, clock):
    _directory(db)
    bot = Office(db, tmp_path, clock)
    day = (clock.now().date() + timedelta(days=10)).isoformat()
    assert "已登记 1 次会议" in _text(bot.send(OFFICE, f"/meeting {day} 09:00 常务会议 第一会议室"))

    plan = bot.send(HEAD, f"/agenda {day} 常务会议 关于印发管理办法的通知")
    assert "分管副区长:赵副区长;汇报人:孙局长" in _text(plan)
    units = bot.send(HEAD, "制定老旧小区管理办法")
    bot.restart()  # a deploy between two answers: the form is in the database
    major = bot.send(HEAD, button=_button(units, "不涉及"))
    assert "第五十一条" in _text(major)
    legality = bot.send(HEAD, button=_button(major, "规范性文件"))
    assert "请上传该意见文件" in _text(legality)
    assert "请上传合法性审查意见文件" in _text(bot.send(HEAD, "稍后补"))
    question = bot.send(HEAD, file_id="tg-file-1", file_name="合法性审查意见.pdf")
    for number in range(1, 7):
        assert f"第五十条检查({number}/6)" in _text(question)
        question = bot.send(HEAD, button=_button(question, "否"))
    assert "草稿已保存" in _text(question)

    submitted = bot.send(HEAD, button=_button(question, "提交审核"))
    assert submitted.toast == "已提交" and "待分管副区长赵副区长审核" in _text(submitted)
    review = {notice.channel: notice for notice in submitted.notices}
    assert set(review) == {"telegram", "dingtalk"} and review["dingtalk"].chat_id == VICE_DINGTALK
    for notice in review.values():
        text = notice.reply.text.plain()
        assert "规范性文件:合法性审查意见附件 合法性审查意见.pdf" in text and "主要内容:制定老旧小区管理办法" in text
        assert [b.label for row in notice.reply.buttons for b in row] == ["通过", "退回"]
        assert notice.recipient == "分管副区长赵副区长"
    # The Telegram file id means nothing to DingTalk: the file goes only where it was uploaded.
    assert review["telegram"].attachment == "tg-file-1" and review["dingtalk"].attachment == ""


@pytest.mark.clock
def test_a_file_outside_a_form_is_not_taken_and_a_forged_review_is_refused(db, tmp_path, clock):
    _directory(db)
    bot = Office(db, tmp_path, clock)
    stray = Incoming("telegram", str(HEAD), True, str(HEAD), file_id="tg-file-2", update_id="stray")
    assert not bot.core.claims(stray)  # no form open: the file is not a rules question either
    day = (clock.now().date() + timedelta(days=10)).isoformat()
    bot.send(OFFICE, f"/meeting {day} 09:00 常务会议")
    refused = bot.send(HEAD, button="ag:ok:1")
    assert refused.replies[0].alert and "没有编号为 1 的议题" in _text(refused)


@pytest.mark.clock
def test_office_group_posts_go_to_its_chat_and_nowhere_without_one(db, tmp_path, clock):
    _directory(db)
    group = office.Notice("议题已列入议程", recipient="区政府办公室群")
    with db.transaction() as session:
        [post] = notices_of(session, [group], Office(db, tmp_path, clock).services.settings)
        nowhere = notices_of(session, [group], Office(db, tmp_path, clock, office_chat=None).services.settings)
    assert (post.chat_id, post.channel, post.recipient) == (str(OFFICE_CHAT), "telegram", "区政府办公室群")
    assert nowhere == []


def _file_until_article_50(bot: Office, day: str) -> Response:
    """孙局长 files a plain item for the 常务会议 on `day`; returns the first 第五十条 question."""
    bot.send(HEAD, f"/agenda {day} 常务会议 关于老旧小区改造的请示")
    units = bot.send(HEAD, "拟安排改造资金")
    major = bot.send(HEAD, button=_button(units, "不涉及"))
    return bot.send(HEAD, button=_button(major, "都不是"))


@pytest.mark.clock
def test_a_meeting_moved_while_the_form_is_open_is_judged_as_it_is_now(db, tmp_path, clock):
    _directory(db)
    bot = Office(db, tmp_path, clock)
    bot.send(OFFICE, f"/meeting {(clock.now().date() + timedelta(days=10)).isoformat()} 09:00 常务会议")
    question = _file_until_article_50(bot, (clock.now().date() + timedelta(days=10)).isoformat())
    with db.transaction() as session:
        move_meeting(session=session, meeting_id=1, starts_at=clock.now() + timedelta(days=1), actor=Actor.telegram(OFFICE),
                     admin_ids=(), tz=TZ, now=clock.now())
    for _ in range(6):
        question = bot.send(HEAD, button=_button(question, "否"))
    assert "已过截止时间" in _text(question) and "是否属于特殊紧急情况" in _text(question)
    assert "草稿已保存" not in _text(question)


@pytest.mark.clock
def test_cancelling_a_meeting_returns_its_items_and_tells_their_proposers(db, tmp_path, clock):
    _directory(db)
    bot = Office(db, tmp_path, clock)
    day = (clock.now().date() + timedelta(days=10)).isoformat()
    bot.send(OFFICE, f"/meeting {day} 09:00 常务会议")
    question = _file_until_article_50(bot, day)
    for _ in range(6):
        question = bot.send(HEAD, button=_button(question, "否"))
    bot.send(HEAD, button=_button(question, "提交审核"))

    assert "只有区政府办公室" in _text(bot.send(HEAD, "/meeting cancel 1 改期"))
    cancelled = bot.send(OFFICE, "/meeting cancel 1 改期")
    assert "已退回 1 项议题" in _text(cancelled)
    [told] = cancelled.notices
    assert (told.chat_id, told.recipient) == (str(HEAD), "「关于老旧小区改造的请示」的提出人孙局长")
    assert "已取消(改期)" in told.reply.text.plain() and cancelled.undelivered and cancelled.delivered
    assert "会议已取消:改期" in _text(bot.send(HEAD, "/agenda mine"))


def _dingtalk_directory(db) -> None:  # type: ignore[no-untyped-def]
    """Everyone on DingTalk only: the 区长, 区文旅局's 分管副区长 and 正职, an office member."""
    with db.transaction() as session:
        for account, name, unit, role, oversees in (
            ("mayor-ding", "陈区长", "区政府", Role.MAYOR, ()),
            ("qian-fu", "钱副区长", "区政府", Role.VICE_MAYOR, ("区文旅局",)),
            ("wenlv-head", "冯局长", "区文旅局", Role.UNIT_HEAD, ()),
            ("office-ding", "冯干事", "区政府办公室", Role.OFFICE, ()),
        ):
            add_member(session=session, actor=None, dingtalk_id=account, name=name, unit=unit, role=role,
                       oversees=oversees)


def _on_dingtalk(response: Response) -> list[tuple[str, list[str]]]:
    """(DingTalk account, button labels) of each notice the response sends."""
    return [(n.chat_id, [b.label for row in n.reply.buttons for b in row]) for n in response.notices
            if n.channel == "dingtalk"]


def _dingtalk_review_request(bot: Office, day: str) -> Response:
    """On DingTalk only: the office registers a 常务会议 on `day`, 冯局长 files and submits an item."""
    ding = "dingtalk"
    assert "已登记 1 次会议" in _text(bot.send_on(ding, "office-ding", f"/meeting {day} 09:00 常务会议 第一会议室"))
    plan = bot.send_on(ding, "wenlv-head", f"/agenda {day} 常务会议 关于文旅节的请示")
    assert "分管副区长:钱副区长;汇报人:冯局长" in _text(plan)
    units = bot.send_on(ding, "wenlv-head", "举办首届文旅节")
    major = bot.send_on(ding, "wenlv-head", button=_button(units, "不涉及"))
    question = bot.send_on(ding, "wenlv-head", button=_button(major, "都不是"))
    for _ in range(6):
        question = bot.send_on(ding, "wenlv-head", button=_button(question, "否"))
    assert "草稿已保存" in _text(question)
    return bot.send_on(ding, "wenlv-head", button=_button(question, "提交审核"))


def _pass_button(submitted: Response) -> str:
    return next(b.data for n in submitted.notices for row in n.reply.buttons for b in row if b.label == "通过")


@pytest.mark.clock
def test_staff_on_dingtalk_only_register_a_meeting_and_take_an_item_onto_its_agenda(db, tmp_path, clock):
    _dingtalk_directory(db)
    bot = Office(db, tmp_path, clock)
    submitted = _dingtalk_review_request(bot, (clock.now().date() + timedelta(days=10)).isoformat())
    assert "待分管副区长钱副区长审核" in _text(submitted)
    assert _on_dingtalk(submitted) == [("qian-fu", ["通过", "退回"])]

    reviewed = bot.send_on("dingtalk", "qian-fu", button=_pass_button(submitted))
    assert reviewed.toast == "已通过" and "当前状态:待区长/常务副区长批准" in _text(reviewed)
    assert ("mayor-ding", ["通过", "退回"]) in _on_dingtalk(reviewed) and ("wenlv-head", []) in _on_dingtalk(reviewed)

    approved = bot.send_on("dingtalk", "mayor-ding", button=_pass_button(submitted))
    assert approved.toast == "已通过" and "当前状态:已列入议程" in _text(approved)
    assert {account for account, _ in _on_dingtalk(approved)} == {"wenlv-head", "qian-fu"}
    assert "已列入议程" in _text(bot.send_on("dingtalk", "wenlv-head", "/agenda mine"))


@pytest.mark.clock
def test_a_dingtalk_account_the_directory_does_not_know_files_reviews_and_registers_nothing(db, tmp_path, clock):
    _dingtalk_directory(db)
    bot = Office(db, tmp_path, clock)
    day = (clock.now().date() + timedelta(days=10)).isoformat()
    assert "只有区政府办公室" in _text(bot.send_on("dingtalk", "stranger", f"/meeting {day} 09:00 常务会议"))
    submitted = _dingtalk_review_request(bot, day)
    filing = bot.send_on("dingtalk", "stranger", f"/agenda {day} 常务会议 关于景区票价的请示")
    assert "请联系区政府办公室登记" in _text(filing)
    assert "请联系区政府办公室登记" in _text(bot.send_on("dingtalk", "stranger", "/agenda todo"))
    refused = bot.send_on("dingtalk", "stranger", button=_pass_button(submitted))
    assert refused.replies[0].alert and "待分管副区长钱副区长审核,您无权操作" in _text(refused)
    assert "待分管副区长审核" in _text(bot.send_on("dingtalk", "wenlv-head", "/agenda mine"))
