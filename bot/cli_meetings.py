"""`officebot meetings add|list|cancel` and `officebot agenda export` (the office's command line).

Try it::

    officebot meetings add --date 2026-12-09 --time 09:00 --type 常务会议 --place 区政府第一会议室 --weeks 4
    officebot meetings add --date 2026-12-10 --time 15:00 --type 副区长专题会议 --chair 赵副区长
    officebot meetings list
    officebot meetings cancel --id 3 --reason 改期
    officebot agenda export --date 2026-12-09 --format docx --output 议程.docx
    officebot agenda export --date 2026-12-10 --type 区长专题会议 --time 15:00   (two that day: the time picks)

The command line acts as 区政府办公室 (it is run by the operator on the server).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime
from pathlib import Path

from office.agenda_formats import FORMATS

LISTING = "officebot meetings list"  # where the command line sees the coming meetings


def register(subparsers: argparse._SubParsersAction) -> None:
    meetings = subparsers.add_parser("meetings", help="区政府会议 (add|list|cancel)")
    actions = meetings.add_subparsers(dest="meetings_command", required=True, metavar="ACTION")

    add = actions.add_parser("add", help="登记会议(可按周连续登记)")
    add.add_argument("--date", required=True, help="日期,如 2026-12-09")
    add.add_argument("--time", required=True, help="开始时间,如 09:00")
    add.add_argument("--type", required=True, help="全体会议、常务会议、区长专题会议、副区长专题会议")
    add.add_argument("--place", default="", help="地点")
    add.add_argument("--chair", help="主持人姓名(默认区长;副区长专题会议必填)")
    add.add_argument("--weeks", type=int, default=1, help="连续登记的周数(每周同一时间)")
    add.set_defaults(func=_add)

    listing = actions.add_parser("list", help="近期会议")
    listing.add_argument("--days", type=int, default=60)
    listing.set_defaults(func=_list)

    cancel = actions.add_parser("cancel", help="取消会议(关闭材料截止提醒,退回未完成议题)")
    cancel.add_argument("--id", type=int, required=True)
    cancel.add_argument("--reason", required=True)
    cancel.set_defaults(func=_cancel)

    agenda = subparsers.add_parser("agenda", help="议程 (agenda export)")
    agenda_actions = agenda.add_subparsers(dest="agenda_command", required=True, metavar="ACTION")
    export = agenda_actions.add_parser("export", help="导出某日会议的议程")
    export.add_argument("--date", required=True, help="会议日期,如 2026-12-09")
    export.add_argument("--type", help="会议类型(当天有多个会议时写明)")
    export.add_argument("--time", help="开始时间,如 15:00(同日同类会议有多个时)")
    export.add_argument("--id", type=int, help="会议编号(officebot meetings list 中的 #编号)")
    export.add_argument("--format", choices=FORMATS, default="md")
    export.add_argument("--output", help="输出文件(默认使用议程文件名,写在当前目录)")
    export.set_defaults(func=_export)


def _services():  # type: ignore[no-untyped-def]
    from bootstrap.services import Services

    services = Services.create()
    return services, services.settings.tz


def _fail(message: str) -> int:
    print(f"错误:{message}", file=sys.stderr)
    return 2


def _day(text: str, today: date):  # type: ignore[no-untyped-def]
    from office.dates import parse_date

    return parse_date(text, today=today)


def _add(args: argparse.Namespace) -> int:
    from office.dates import DateError
    from office.meetings import (MeetingError, format_moment, materials_due, meeting_label, parse_meeting_time,
                                 parse_meeting_type, register_meetings)

    services, tz = _services()
    at = parse_meeting_time(args.time)
    if at is None:
        return _fail(f"看不懂时间「{args.time}」,请按 24 小时制写成 --time 09:00 或 --time 15:30")
    try:
        starts_at = datetime.combine(_day(args.date, services.now().date()), at, tz)
    except DateError as exc:
        return _fail(f"{exc},请写成 --date 2026-12-09")
    try:
        with services.db.transaction() as session:
            meetings = register_meetings(
                session=session, kind=parse_meeting_type(args.type), starts_at=starts_at, place=args.place,
                chair_name=args.chair, weeks=args.weeks, actor=None, admin_ids=(), now=services.now(),
                policy=services.alert_policy,
            )
            for meeting in meetings:
                due = materials_due(meeting)
                print(meeting_label(meeting, tz) + (f";议题材料截止 {format_moment(due, tz)}" if due else ""))
    except MeetingError as exc:
        return _fail(str(exc))
    return 0


def _list(args: argparse.Namespace) -> int:
    from office.meetings import meeting_label, upcoming_meetings

    services, tz = _services()
    with services.db.transaction() as session:
        meetings = upcoming_meetings(session=session, now=services.now(), days=args.days)
        for meeting in meetings:
            print(meeting_label(meeting, tz))
    if not meetings:
        print(f"近 {args.days} 天没有已登记的会议。")
    return 0


def _cancel(args: argparse.Namespace) -> int:
    from office.meetings import MeetingError, cancel_meeting, meeting_label

    services, tz = _services()
    try:
        with services.db.transaction() as session:
            meeting, notices = cancel_meeting(session=session, meeting_id=args.id, reason=args.reason,
                                              actor=None, admin_ids=(), tz=tz, now=services.now())
            print(f"已取消:{meeting_label(meeting, tz)};退回议题 {len(notices)} 项(命令行不发送通知,请告知提出单位)。")
    except MeetingError as exc:
        return _fail(str(exc))
    return 0


def _export(args: argparse.Namespace) -> int:
    from office.agenda_export import export_agenda
    from office.dates import DateError
    from office.meetings import MeetingError, MeetingPick, find_meeting, parse_meeting_time, parse_meeting_type

    services, tz = _services()
    try:
        day = _day(args.date, services.now().date())
        at = parse_meeting_time(args.time) if args.time else None
        if args.time and at is None:
            return _fail(f"看不懂时间「{args.time}」,请写成 --time 15:00")
        pick = MeetingPick(kind=parse_meeting_type(args.type) if args.type else None, at=at, meeting_id=args.id)
        with services.db.transaction() as session:
            meeting = find_meeting(session=session, day=day, pick=pick, tz=tz,
                                   example="加 --time {time} 或 --id {id}", listing=LISTING)
            name, content = export_agenda(session=session, meeting=meeting, fmt=args.format, tz=tz)
    except (DateError, MeetingError) as exc:
        return _fail(str(exc))
    path = Path(args.output or name)
    path.write_bytes(content)
    print(f"已导出:{path}")
    return 0
