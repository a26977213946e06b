"""/staff: the staff directory for 办公室 admins (list, register, change, remove people).

Try it (private chat, as an admin)::

    /staff
    /staff add 1001 张三 副区长 区政府 区财政局,区审计局
    /staff set 1001 角色=常务副区长 分管=区财政局
    /staff remove 1001
    /staff reassign 1001 1005      (hand 1001's open approvals and reviews to 1005)
    /staff transfer 区财政局 1005   (1005 becomes the one 分管副区长 of 区财政局)
    /staff add 钉钉:manager4521 王五 工作人员 区教委   (someone registered on DingTalk)

Any 办公室 member administers it from whichever messenger they are registered on; nobody changes
their own entry or role here (office/directory.py refuses it). Written once for every messenger
(handlers/conversation.py); the successor of a hand-over is sent a card per moved decision
(handlers/staff_handover.py), and the admin is told if it could not be delivered.
"""

from __future__ import annotations

from handlers.forms import Turn
from handlers.messages import Reply, Response, Rich, bold
from handlers.senders import sender_actor, sender_is_admin
from handlers.staff_handover import successor_notices
from office.actors import Actor
from office.directory import (
    DirectoryError,
    add_member,
    all_members,
    member_line,
    parse_account,
    parse_role,
    remove_member,
    update_member,
)
from office.reassign import Reassignment, reassign_open_decisions, transfer_unit
from storage.people import TELEGRAM

COMMANDS = [("staff", "人员名录管理(办公室)")]
BUTTON_PREFIX = "staff:"  # no buttons: nothing starts with it
FORMS: list = []

PRIVATE_ONLY = "请私聊机器人管理人员名录。"
NOT_ADMIN = "此功能仅限区政府办公室管理员使用。"
UNDELIVERED = "{names}尚未私聊启动机器人,未能送达审批消息,请提醒其私聊发送 /start,再用 /leaves 和 /agenda 查看待办。"
USAGE = (
    "用法(仅办公室管理员;ID 为 Telegram 数字 ID,或 钉钉:用户ID):\n"
    "/staff — 查看名录\n"
    "/staff add ID 姓名 角色 单位 [分管单位,逗号分隔]\n"
    "/staff set ID 姓名=… 单位=… 角色=… 分管=单位1,单位2\n"
    "/staff remove ID\n"
    "/staff reassign 原ID 接替人ID — 把待办的请假审批和议题审核转交接替人\n"
    "/staff transfer 单位 新分管副区长ID — 把单位的分管从原分管副区长移交新分管副区长"
)
SET_KEYS = {"姓名": "name", "单位": "unit", "角色": "role", "分管": "oversees"}


def _target(text: str) -> dict:
    """The person a command names, as the directory's operations take them (telegram_id= or dingtalk_id=)."""
    channel, account = parse_account(text)
    return {"telegram_id": int(account)} if channel == TELEGRAM else {"dingtalk_id": account}


def _named(text: str) -> Actor:
    """A person a hand-over names, by the account typed."""
    return Actor.on(*parse_account(text))


def _split_units(text: str) -> list[str]:
    return [unit for unit in text.replace("，", ",").replace("、", ",").split(",") if unit.strip()]


def _apply(words: list[str], actor: Actor, session) -> str:  # type: ignore[no-untyped-def]
    action, rest = words[0], words[1:]
    if action == "add" and len(rest) in (4, 5):
        member = add_member(session=session, actor=actor, **_target(rest[0]),
                            name=rest[1], role=parse_role(rest[2]), unit=rest[3],
                            oversees=_split_units(rest[4]) if len(rest) == 5 else ())
        return "已登记:" + member_line(member)
    if action == "set" and len(rest) >= 2:
        changes: dict = {}
        for pair in rest[1:]:
            key, _, value = pair.partition("=")
            if key not in SET_KEYS or not value:
                raise DirectoryError(f"看不懂「{pair}」,可修改:姓名=、单位=、角色=、分管=")
            changes[SET_KEYS[key]] = value
        if "role" in changes:
            changes["role"] = parse_role(changes["role"])
        if "oversees" in changes:
            changes["oversees"] = _split_units(changes["oversees"])
        member = update_member(session=session, actor=actor, **_target(rest[0]), **changes)
        return "已修改:" + member_line(member)
    if action == "remove" and len(rest) == 1:
        member = remove_member(session=session, actor=actor, **_target(rest[0]))
        return f"已移出名录:{member.name}"
    raise DirectoryError(USAGE)


def handle(turn: Turn) -> Response:
    incoming = turn.incoming
    if not incoming.private:
        return Response([Reply.say(PRIVATE_ONLY)])
    actor = sender_actor(incoming)
    if isinstance(actor, Reply):
        return Response([actor])
    if not sender_is_admin(turn.session, incoming, settings_admin_ids=turn.services.settings.admin_telegram_ids):
        return Response([Reply.say(NOT_ADMIN)])
    words = incoming.arguments.split()
    try:
        with turn.session.begin_nested():  # a refused change leaves nothing half-written
            if words and words[0] in ("reassign", "transfer") and len(words) == 3:
                return _hand_over(turn, actor, words)
            if not words:
                members = all_members(session=turn.session)
                return Response([Reply(Rich.lines([Rich.of(bold("人员名录"), f"(共 {len(members)} 人)"),
                                                   *map(member_line, members)]))])
            return Response([Reply.say(_apply(words, actor, turn.session))])
    except DirectoryError as exc:
        return Response([Reply.say(str(exc))])


def _hand_over(turn: Turn, actor: Actor, words: list[str]) -> Response:
    """reassign OLD NEW, or transfer UNIT NEW: the report, and the successor's cards."""
    tz = turn.services.settings.tz
    if words[0] == "reassign":
        moved = reassign_open_decisions(session=turn.session, actor=actor, predecessor=_named(words[1]),
                                        successor=_named(words[2]), now=turn.now, tz=tz)
        text = (f"已将 {moved.count} 项待办转交{moved.successor.name}"
                f"(请假审批 {len(moved.leave_approvals)} 项,议题审核 {len(moved.agenda_reviews)} 项)。")
    else:
        transfer = transfer_unit(session=turn.session, actor=actor, unit=words[1], successor=_named(words[2]),
                                 now=turn.now, tz=tz)
        moved, text = transfer.moved, transfer.describe()
    return _report(turn, moved, text)


def _report(turn: Turn, moved: Reassignment, text: str) -> Response:
    notices = successor_notices(turn.session, moved)
    if moved.count and not notices:  # registered on no messenger: nothing can reach them
        text += "\n" + UNDELIVERED.replace("{names}", moved.successor.name)
    return Response([Reply.say(text)], notices=notices, undelivered=UNDELIVERED)
