"""/meeting (the office registers or cancels meetings) and /meetings (the coming meetings).

    /meeting 2026-12-09 09:00 常务会议 区政府第一会议室            one meeting, chaired by the 区长
    /meeting 2026-12-09 09:00 常务会议 第一会议室 主持:李四 连续4周  a weekly series, another chair
    /meeting cancel 12 改期                                         cancel meeting #12 (reason)
    /meetings                                                       the next 60 days

Only 办公室 staff and ADMIN_TELEGRAM_IDS may register or cancel (checked in office/meetings.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, tzinfo

from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes

from bot.services import services_of
from handlers.access import require_member
from handlers.agenda_notify import send_and_report
from handlers.agenda_views import office_tz, reply_long
from handlers.html import escape
from office.dates import DateError, parse_date
from office.meetings import (
    MeetingError,
    cancel_meeting,
    format_moment,
    materials_due,
    meeting_label,
    parse_meeting_time,
    parse_meeting_type,
    register_meetings,
    upcoming_meetings,
)
from storage.agenda import Meeting, MeetingType

COMMANDS = [("meeting", "登记会议(办公室)"), ("meetings", "近期会议")]

USAGE = (
    "用法:/meeting 2026-12-09 09:00 常务会议 区政府第一会议室 [主持:姓名] [连续4周]\n"
    "取消:/meeting cancel 会议编号 原因\n"
    "会议类型:全体会议、常务会议、区长专题会议、副区长专题会议"
)
_CHAIR = re.compile(r"主持[::](.+)")
_WEEKS = re.compile(r"连续(\d{1,2})周")


@dataclass(frozen=True)
class MeetingRequest:
    kind: MeetingType
    starts_at: datetime
    place: str
    chair_name: str | None
    weeks: int


def parse_meeting_line(words: list[str], *, now: datetime) -> MeetingRequest:
    """`DATE TIME TYPE [PLACE…] [主持:NAME] [连续N周]` → a request in `now`'s time zone (relative dates
    such as 明天 count from `now`); MeetingError says what is wrong."""
    if len(words) < 3:
        raise MeetingError(USAGE)
    try:
        day = parse_date(words[0], today=now.date())
    except DateError as exc:
        raise MeetingError(f"{exc}\n{USAGE}") from None
    clock = parse_meeting_time(words[1])
    if clock is None:
        raise MeetingError(f"看不懂时间「{words[1]}」,请写成 09:00。\n{USAGE}")
    kind = parse_meeting_type(words[2])
    chair, weeks, place = None, 1, []
    for word in words[3:]:
        if match := _CHAIR.fullmatch(word):
            chair = match[1]
        elif match := _WEEKS.fullmatch(word):
            weeks = int(match[1])
        else:
            place.append(word)
    starts_at = datetime.combine(day, clock, now.tzinfo)
    return MeetingRequest(kind, starts_at, " ".join(place), chair, weeks)


async def meeting_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    words = (update.effective_message.text or "").split()[1:]
    services, tz = services_of(context), office_tz(context)
    user_id = update.effective_user.id
    admin_ids = services.settings.admin_telegram_ids
    try:
        if words and words[0] == "cancel":
            if len(words) < 2 or not words[1].isdecimal() or len(words[1]) > 12:
                raise MeetingError(USAGE)
            with services.db.transaction() as session:
                meeting, notices = cancel_meeting(session=session, meeting_id=int(words[1]), reason=" ".join(words[2:]),
                                                  actor_telegram_id=user_id, admin_ids=admin_ids, tz=tz,
                                                  now=services.now())
                text = f"已取消:{meeting_label(meeting, tz)},已退回 {len(notices)} 项议题。"
            delivery = await send_and_report(context.bot, services, notices)
            await update.effective_message.reply_text(escape(f"{text}\n{delivery}".strip()))
            return
        now = services.now()
        request = parse_meeting_line(words, now=now)
        with services.db.transaction() as session:
            meetings = register_meetings(
                session=session, kind=request.kind, starts_at=request.starts_at, place=request.place,
                chair_name=request.chair_name, weeks=request.weeks, actor_telegram_id=user_id, admin_ids=admin_ids,
                now=now,
            )
            lines = [_line(meeting, tz) for meeting in meetings]
    except MeetingError as exc:
        await update.effective_message.reply_text(escape(str(exc)))
        return
    await reply_long(update, f"已登记 {len(lines)} 次会议:\n" + "\n".join(lines))


def _line(meeting: Meeting, tz: tzinfo) -> str:
    due = materials_due(meeting)
    due_text = f";议题材料截止 {format_moment(due, tz)}" if due else ""
    return escape(meeting_label(meeting, tz) + due_text)


async def meetings_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if await require_member(update, context) is None:
        return
    services, tz = services_of(context), office_tz(context)
    with services.db.transaction() as session:
        lines = [_line(m, tz) for m in upcoming_meetings(session=session, now=services.now())]
    await reply_long(update, "<b>近期会议</b>\n" + ("\n".join(lines) if lines else "近60天没有已登记的会议。"))


def register(application: Application) -> None:
    application.add_handler(CommandHandler("meeting", meeting_command))
    application.add_handler(CommandHandler("meetings", meetings_command))
