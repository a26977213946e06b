"""`officebot users add|set|list|remove|reassign|transfer` (the staff directory) and `officebot export leaves --csv`.

Try it::

    officebot users add --telegram-id 1001 --name 张三 --role 副区长 --unit 区政府 --oversees 区财政局,区审计局
    officebot users set --telegram-id 1001 --role 常务副区长
    officebot users set --telegram-id 1001 --dingtalk-id manager4521   # the same person on DingTalk
    officebot users add --dingtalk-id manager7788 --name 李四 --role 工作人员 --unit 区财政局
    officebot users list
    officebot users remove --telegram-id 1001
    officebot users reassign --from 1001 --to 钉钉:manager4521
    officebot users transfer --unit 区财政局 --to 1005
    officebot export leaves --csv leaves.csv

The command line is run by the operator, so it may change any entry (the chat's /staff may not
change the sender's own). A person is named by their Telegram id, their DingTalk id, or both.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from storage.roles import Role

if TYPE_CHECKING:
    from office.actors import Actor


def register(subparsers: argparse._SubParsersAction) -> None:
    users = subparsers.add_parser("users", help="人员名录 (add|set|list|remove|reassign|transfer)")
    actions = users.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    roles = "、".join(role.value for role in Role)

    add = actions.add_parser("add", help="登记人员(Telegram ID、钉钉 ID 至少填一个)")
    _account_arguments(add)
    add.add_argument("--name", required=True)
    add.add_argument("--role", required=True, help=f"角色:{roles}")
    add.add_argument("--unit", required=True)
    add.add_argument("--oversees", default="", help="分管单位,逗号分隔(副区长、常务副区长)")
    add.set_defaults(func=_add)

    change = actions.add_parser("set", help="修改人员(按任一 ID 找到人员;另一个 ID 未登记时为其登记)")
    _account_arguments(change)
    change.add_argument("--name")
    change.add_argument("--role", help=f"角色:{roles}")
    change.add_argument("--unit")
    change.add_argument("--oversees", help="分管单位,逗号分隔;空字符串表示清除")
    change.set_defaults(func=_set)

    listing = actions.add_parser("list", help="列出人员")
    listing.add_argument("--all", action="store_true", help="包括已移出的人员")
    listing.set_defaults(func=_list)

    remove = actions.add_parser("remove", help="移出名录(保留历史记录)")
    _account_arguments(remove)
    remove.set_defaults(func=_remove)

    reassign = actions.add_parser("reassign", help="把某人待办的请假审批和议题审核转交接替人")
    reassign.add_argument("--from", dest="predecessor", type=_person, required=True,
                          help="原审批人 ID(Telegram 数字 ID,或 钉钉:用户ID)")
    reassign.add_argument("--to", dest="successor", type=_person, required=True,
                          help="接替人 ID(Telegram 数字 ID,或 钉钉:用户ID)")
    reassign.set_defaults(func=_reassign)

    transfer = actions.add_parser("transfer", help="把单位的分管移交给另一位副区长(一个单位只有一位分管副区长)")
    transfer.add_argument("--unit", required=True, help="单位")
    transfer.add_argument("--to", dest="successor", type=_person, required=True,
                          help="新分管副区长 ID(Telegram 数字 ID,或 钉钉:用户ID)")
    transfer.set_defaults(func=_transfer)

    export = subparsers.add_parser("export", help="导出记录 (export leaves --csv)")
    what = export.add_subparsers(dest="export_command", required=True, metavar="WHAT")
    leaves = what.add_parser("leaves", help="请假记录")
    leaves.add_argument("--csv", action="store_true", required=True, help="CSV 格式 (UTF-8,带 BOM,Excel 可直接打开)")
    leaves.add_argument("file", nargs="?", help="输出文件 (默认打印到终端)")
    leaves.set_defaults(func=_export_leaves)


def _account_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--telegram-id", type=int, help="Telegram 用户 ID(数字)")
    parser.add_argument("--dingtalk-id", help="钉钉用户 ID(userid,即机器人消息的 senderStaffId)")


def _person(text: str) -> Actor:
    """A person named as chat commands name them: 1001, or 钉钉:manager4521."""
    from office.actors import Actor
    from office.directory import DirectoryError, parse_account

    try:
        return Actor.on(*parse_account(text))
    except DirectoryError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _accounts(args: argparse.Namespace) -> dict[str, object]:
    if args.telegram_id is None and args.dingtalk_id is None:
        raise SystemExit("错误:请用 --telegram-id 或 --dingtalk-id 指明人员")
    return {"telegram_id": args.telegram_id, "dingtalk_id": args.dingtalk_id}


def _units(text: str | None) -> list[str] | None:
    return None if text is None else [unit for unit in text.replace("，", ",").split(",") if unit.strip()]


def _run(change) -> int:  # type: ignore[no-untyped-def]
    """Run one directory change in a transaction; print the result or the refusal."""
    from bootstrap.services import Services
    from office.directory import DirectoryError

    services = Services.create()
    try:
        with services.db.transaction() as session:
            message = change(session)
    except DirectoryError as exc:
        print(f"错误:{exc}", file=sys.stderr)
        return 2
    print(message)
    return 0


def _add(args: argparse.Namespace) -> int:
    from office.directory import member_line
    from office.directory import add_member, parse_role

    return _run(lambda session: "已登记:" + member_line(add_member(
        session=session, actor=None, **_accounts(args), name=args.name,
        unit=args.unit, role=parse_role(args.role), oversees=_units(args.oversees) or (),
    )))


def _set(args: argparse.Namespace) -> int:
    from office.directory import member_line
    from office.directory import parse_role, update_member

    return _run(lambda session: "已修改:" + member_line(update_member(
        session=session, actor=None, **_accounts(args), name=args.name, unit=args.unit,
        role=parse_role(args.role) if args.role else None, oversees=_units(args.oversees),
    )))


def _list(args: argparse.Namespace) -> int:
    from office.directory import member_line
    from office.directory import all_members

    return _run(lambda session: "\n".join(member_line(m) for m in all_members(session=session, include_inactive=args.all))
                or "名录为空")


def _remove(args: argparse.Namespace) -> int:
    from office.directory import remove_member

    return _run(lambda session: "已移出名录:" + remove_member(
        session=session, actor=None, **_accounts(args)).name)


def _reassign(args: argparse.Namespace) -> int:
    from bootstrap.settings import get_settings
    from office.reassign import reassign_open_decisions

    def change(session) -> str:  # type: ignore[no-untyped-def]
        clock = get_settings().clock
        moved = reassign_open_decisions(session=session, actor=None, predecessor=args.predecessor,
                                        successor=args.successor, now=clock.now(), tz=clock.tz)
        # No Telegram here: the successor finds them under /leaves and /agenda.
        return (f"已将 {moved.count} 项待办转交{moved.successor.name}(请假审批 {len(moved.leave_approvals)} 项,"
                f"议题审核 {len(moved.agenda_reviews)} 项);接替人可在 /leaves 和 /agenda 中查看。")

    return _run(change)


def _transfer(args: argparse.Namespace) -> int:
    from bootstrap.settings import get_settings
    from office.reassign import transfer_unit

    def change(session) -> str:  # type: ignore[no-untyped-def]
        clock = get_settings().clock
        transfer = transfer_unit(session=session, actor=None, unit=args.unit, successor=args.successor,
                                 now=clock.now(), tz=clock.tz)
        handed = "接替人可在 /leaves 和 /agenda 中查看转交的待办。" if transfer.moved.count else ""
        return transfer.describe() + handed

    return _run(change)


def _export_leaves(args: argparse.Namespace) -> int:
    from bootstrap.services import Services
    from office.leave_views import export_csv

    services = Services.create()
    with services.db.transaction() as session:
        content = export_csv(session=session, timezone=services.settings.timezone)
    if args.file is None:
        sys.stdout.write(content.removeprefix("\ufeff"))
        return 0
    with open(args.file, "w", encoding="utf-8", newline="") as stream:
        stream.write(content)
    print(f"已导出请假记录到 {args.file}")
    return 0
