"""The Telegram side of meetings and agenda items: the /meeting line, and how notices are sent."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from telegram.error import Forbidden

from bot.services import Services
from bot.settings import Settings
from handlers.agenda_notify import send_and_report, send_notices
from handlers.meetings import parse_meeting_line
from office.meetings import MeetingError
from office.notices import Notice
from storage.agenda import MeetingType

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2030, 12, 1, 10, 0, tzinfo=TZ)


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


class FakeBot:
    def __init__(self, refuse: set[int] = frozenset()) -> None:
        self.sent: list[tuple[int, str, object]] = []
        self.refuse = refuse

    async def send_message(self, chat_id, text, reply_markup=None):  # noqa: ANN001, ANN201
        if chat_id in self.refuse:
            raise Forbidden("bot was blocked by the user")
        self.sent.append((chat_id, text, reply_markup))


def services(office_chat_id: int | None) -> Services:
    return Services(settings=Settings(_env_file=None, office_chat_id=office_chat_id), db=None)  # type: ignore[arg-type]


async def test_notices_go_to_people_and_the_office_group_escaped_with_review_buttons():
    bot = FakeBot()
    notices = [Notice("请审核议题:<关于A&B的请示>", 3, review_item_id=7), Notice("已列入议程")]
    assert await send_notices(bot, services(-100500), notices) == []
    (chat, text, markup), (office_chat, _, office_markup) = bot.sent
    assert (chat, text) == (3, "请审核议题:&lt;关于A&amp;B的请示&gt;")
    assert [b.callback_data for row in markup.inline_keyboard for b in row] == ["ag:ok:7", "ag:ret:7"]
    assert office_chat == -100500 and office_markup is None


async def test_without_an_office_group_only_people_are_told_and_refusals_are_reported():
    bot = FakeBot(refuse={4})
    failed = await send_notices(bot, services(None), [Notice("x"), Notice("y", 4), Notice("z", 5)])
    assert failed == [4] and [chat for chat, _, _ in bot.sent] == [5]


async def test_the_sender_is_told_who_was_reached_and_who_was_not():
    bot = FakeBot(refuse={4})
    notices = [Notice("x", 4, recipient="提出人孙局长"), Notice("y", 5, recipient="分管副区长赵副区长"),
               Notice("z", recipient="区政府办公室群"), Notice("unnamed", 6)]
    report = await send_and_report(bot, services(None), notices)  # no office group: its post goes nowhere
    assert report == ("已通知分管副区长赵副区长。\n"
                      "未能通知提出人孙局长:本次消息未送达,请另行告知(个人须先私聊机器人发送 /start,之后才能收到消息)。")
    assert await send_and_report(FakeBot(), services(None), [Notice("unnamed", 6)]) == ""
