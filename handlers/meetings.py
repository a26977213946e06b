"""/meeting (the office registers or cancels meetings) and /meetings (the coming meetings).

    /meeting 2026-12-09 09:00 常务会议 区政府第一会议室            one meeting, chaired by the 区长
    /meeting 2026-12-09 09:00 常务会议 第一会议室 主持:李四 连续4周  a weekly series, another chair
    /meeting cancel 12 改期                                         cancel meeting #12 (reason)
    /meetings                                                       the next 60 days

Only 办公室 staff and ADMIN_TELEGRAM_IDS may register or cancel (checked in office/meetings.py);
the proposers of the items a cancellation returns are told, and the sender hears who could not
be. Written once for every messenger (handlers/conversation.py); try it in `officebot chat`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, tzinfo

from handlers.agenda_notify import with_notices
from handlers.forms import Turn
from handlers.messages import Reply, Response, Rich, bold
from handlers.senders import sender_actor, sender_member
from office.actors import Actor
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
BUTTON_PREFIX = "mt:"  # no buttons: nothing starts with it
FORMS: list = []

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


def handle(turn: Turn) -> Response:
    if turn.incoming.command == "meetings":
        return _upcoming(turn)
    words = turn.incoming.arguments.split()
    actor = sender_actor(turn.incoming)
    if isinstance(actor, Reply):
        return Response([actor])
    services, tz = turn.services, turn.services.settings.tz
    admin_ids = services.settings.admin_telegram_ids
    try:
        with turn.session.begin_nested():
            if words and words[0] == "cancel":
                return _cancel(turn, words, actor)
            request = parse_meeting_line(words, now=turn.now)
            meetings = register_meetings(
                session=turn.session, kind=request.kind, starts_at=request.starts_at, place=request.place,
                chair_name=request.chair_name, weeks=request.weeks, actor=actor, admin_ids=admin_ids,
                now=turn.now, policy=turn.services.alert_policy,
            )
    except MeetingError as error:
        return Response([Reply.say(str(error))])
    return Response([Reply(Rich.lines([f"已登记 {len(meetings)} 次会议:", *(_line(m, tz) for m in meetings)]))])


def _cancel(turn: Turn, words: list[str], actor: Actor) -> Response:
    if len(words) < 2 or not words[1].isdecimal() or len(words[1]) > 12 or not words[1].isascii():
        raise MeetingError(USAGE)
    tz = turn.services.settings.tz
    meeting, notices = cancel_meeting(session=turn.session, meeting_id=int(words[1]), reason=" ".join(words[2:]),
                                      actor=actor, admin_ids=turn.services.settings.admin_telegram_ids,
                                      tz=tz, now=turn.now)
    text = f"已取消:{meeting_label(meeting, tz)},已退回 {len(notices)} 项议题。"
    return with_notices(Response([Reply.say(text)]), turn.session, notices, turn.services.settings)


def _line(meeting: Meeting, tz: tzinfo) -> str:
    due = materials_due(meeting)
    due_text = f";议题材料截止 {format_moment(due, tz)}" if due else ""
    return meeting_label(meeting, tz) + due_text


def _upcoming(turn: Turn) -> Response:
    member = sender_member(turn.session, turn.incoming)
    if isinstance(member, Reply):
        return Response([member])
    tz = turn.services.settings.tz
    lines = [_line(m, tz) for m in upcoming_meetings(session=turn.session, now=turn.now)] or ["近60天没有已登记的会议。"]
    return Response([Reply(Rich.lines([bold("近期会议"), *lines]))])
