"""/staff: the staff directory for 办公室 admins (list, register, change, remove people).

Try it (private chat, as an admin)::

    /staff
    /staff add 1001 张三 副区长 区政府 区财政局,区审计局
    /staff set 1001 角色=常务副区长 分管=区财政局
    /staff remove 1001
    /staff reassign 1001 1005      (hand 1001's open approvals and reviews to 1005)
    /staff transfer 区财政局 1005   (1005 becomes the one 分管副区长 of 区财政局)

Nobody changes their own entry or role here (office/directory.py refuses it). Written once for
every messenger (handlers/conversation.py); the successor of a hand-over is sent a card per moved
decision (handlers/staff_handover.py), and the admin is told if it could not be delivered.
"""

from __future__ import annotations

from handlers.forms import Turn
from handlers.messages import Reply, Response, Rich, bold
from handlers.senders import ANONYMOUS_REFUSED, sender_is_admin, sender_member
from handlers.staff_handover import successor_notices
from office.directory import (
    DirectoryError,
    StaffMember,
    add_member,
    all_members,
    member_line,
    parse_role,
    remove_member,
    update_member,
)
from office.reassign import Reassignment, reassign_open_decisions, transfer_unit

COMMANDS = [("staff", "人员名录管理(办公室)")]
BUTTON_PREFIX = "staff:"  # no buttons: nothing starts with it
FORMS: list = []

PRIVATE_ONLY = "请私聊机器人管理人员名录。"
NOT_ADMIN = "此功能仅限区政府办公室管理员使用。"
UNDELIVERED = "{names}尚未私聊启动机器人,未能送达审批消息,请提醒其私聊发送 /start,再用 /leaves 和 /agenda 查看待办。"
USAGE = (
    "用法(仅办公室管理员):\n"
    "/staff — 查看名录\n"
    "/staff add TelegramID 姓名 角色 单位 [分管单位,逗号分隔]\n"
    "/staff set TelegramID 姓名=… 单位=… 角色=… 分管=单位1,单位2\n"
    "/staff remove TelegramID\n"
    "/staff reassign 原TelegramID 接替人TelegramID — 把待办的请假审批和议题审核转交接替人\n"
    "/staff transfer 单位 新分管副区长TelegramID — 把单位的分管从原分管副区长移交新分管副区长"
)
SET_KEYS = {"姓名": "name", "单位": "unit", "角色": "role", "分管": "oversees"}


def _telegram_id(text: str) -> int:
    if not text.lstrip("-").isdecimal() or len(text) > 16:
        raise DirectoryError(f"「{text}」不是 Telegram 数字 ID")
    return int(text)


def _split_units(text: str) -> list[str]:
    return [unit for unit in text.replace("，", ",").replace("、", ",").split(",") if unit.strip()]


def _apply(words: list[str], actor: int | None, session) -> str:  # type: ignore[no-untyped-def]
    action, rest = words[0], words[1:]
    if action == "add" and len(rest) in (4, 5):
        member = add_member(session=session, actor_telegram_id=actor, telegram_id=_telegram_id(rest[0]),
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
        member = update_member(session=session, actor_telegram_id=actor, telegram_id=_telegram_id(rest[0]), **changes)
        return "已修改:" + member_line(member)
    if action == "remove" and len(rest) == 1:
        member = remove_member(session=session, actor_telegram_id=actor, telegram_id=_telegram_id(rest[0]))
        return f"已移出名录:{member.name}"
    raise DirectoryError(USAGE)



def _actor(turn: Turn) -> int | None:
    """The admin's Telegram id, as office/directory.py names the actor: their directory entry's, or,
    for an ADMIN_TELEGRAM_IDS admin outside the directory, the account they wrote from."""
    member = sender_member(turn.session, turn.incoming)
    if isinstance(member, StaffMember):
        return member.telegram_id
    account = turn.incoming.account
    return int(account) if turn.incoming.channel == "telegram" and account and account.isdecimal() else None


def handle(turn: Turn) -> Response:
    incoming = turn.incoming
    if not incoming.private:
        return Response([Reply.say(PRIVATE_ONLY)])
    if incoming.account is None:
        return Response([Reply.say(ANONYMOUS_REFUSED)])
    if not sender_is_admin(turn.session, incoming, settings_admin_ids=turn.services.settings.admin_telegram_ids):
        return Response([Reply.say(NOT_ADMIN)])
    actor, words = _actor(turn), incoming.arguments.split()
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


def _hand_over(turn: Turn, actor: int | None, words: list[str]) -> Response:
    """reassign OLD NEW, or transfer UNIT NEW: the report, and the successor's cards."""
    tz = turn.services.settings.tz
    if words[0] == "reassign":
        moved = reassign_open_decisions(session=turn.session, actor_telegram_id=actor,
                                        from_telegram_id=_telegram_id(words[1]), to_telegram_id=_telegram_id(words[2]),
                                        now=turn.now, tz=tz)
        text = (f"已将 {moved.count} 项待办转交{moved.successor.name}"
                f"(请假审批 {len(moved.leave_approvals)} 项,议题审核 {len(moved.agenda_reviews)} 项)。")
    else:
        transfer = transfer_unit(session=turn.session, actor_telegram_id=actor, unit=words[1],
                                 to_telegram_id=_telegram_id(words[2]), now=turn.now, tz=tz)
        moved, text = transfer.moved, transfer.describe()
    return _report(turn, moved, text)


def _report(turn: Turn, moved: Reassignment, text: str) -> Response:
    notices = successor_notices(turn.session, moved)
    if moved.count and not notices:  # registered on no messenger: nothing can reach them
        text += "\n" + UNDELIVERED.replace("{names}", moved.successor.name)
    return Response([Reply.say(text)], notices=notices, undelivered=UNDELIVERED)
