"""/staff: the staff directory for 办公室 admins (list, register, change, remove people).

Try it (private chat, as an admin)::

    /staff
    /staff add 1001 张三 副区长 区政府 区财政局,区审计局
    /staff set 1001 角色=常务副区长 分管=区财政局
    /staff remove 1001
    /staff reassign 1001 1005      (hand 1001's open approvals and reviews to 1005)
    /staff transfer 区财政局 1005   (1005 becomes the one 分管副区长 of 区财政局)

Nobody changes their own entry or role here (office/directory.py refuses it).
"""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import Application, CommandHandler, ContextTypes

from bot.services import services_of
from handlers.access import require_admin
from handlers.agenda_notify import send_notices
from handlers.html import escape, split_html
from handlers.leave_notify import ask_to_decide
from office.directory import (
    DirectoryError,
    add_member,
    all_members,
    member_line,
    parse_role,
    remove_member,
    update_member,
)
from office.reassign import Reassignment, reassign_open_decisions, transfer_unit

COMMANDS = [("staff", "人员名录管理(办公室)")]
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


def _apply(words: list[str], actor: int, session) -> str:  # type: ignore[no-untyped-def]
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


async def _hand_over(update: Update, context: ContextTypes.DEFAULT_TYPE, actor: int, words: list[str]) -> None:
    services = services_of(context)
    try:
        with services.db.transaction() as session:
            moved = reassign_open_decisions(session=session, actor_telegram_id=actor, from_telegram_id=_telegram_id(words[0]),
                                            to_telegram_id=_telegram_id(words[1]), now=services.now(),
                                            tz=services.settings.tz)
    except DirectoryError as exc:
        await update.effective_message.reply_text(escape(str(exc)))
        return
    text = f"已将 {moved.count} 项待办转交{moved.successor.name}(请假审批 {len(moved.leave_approvals)} 项,议题审核 {len(moved.agenda_reviews)} 项)。"
    await _report_hand_over(update, context, moved, text)


async def _transfer(update: Update, context: ContextTypes.DEFAULT_TYPE, actor: int, words: list[str]) -> None:
    services = services_of(context)
    try:
        with services.db.transaction() as session:
            transfer = transfer_unit(session=session, actor_telegram_id=actor, unit=words[0],
                                     to_telegram_id=_telegram_id(words[1]), now=services.now(), tz=services.settings.tz)
    except DirectoryError as exc:
        await update.effective_message.reply_text(escape(str(exc)))
        return
    await _report_hand_over(update, context, transfer.moved, transfer.describe())


async def _report_hand_over(update: Update, context: ContextTypes.DEFAULT_TYPE, moved: Reassignment, text: str) -> None:
    if await _notify_successor(context, moved):
        text += f"\n{moved.successor.name}尚未私聊启动机器人,未能送达审批消息,请提醒其私聊发送 /start,再用 /leaves 和 /agenda 查看待办。"
    await update.effective_message.reply_text(escape(text))


async def _notify_successor(context: ContextTypes.DEFAULT_TYPE, moved: Reassignment) -> bool:
    """Send the successor a card with buttons per moved decision; True when some could not be delivered."""
    failed = False
    for approval_id, leave in moved.leave_approvals:
        failed |= not await ask_to_decide(context.bot, moved.successor, approval_id, leave, handed_over=True)
    failed |= bool(await send_notices(context.bot, services_of(context), list(moved.agenda_reviews)))
    return failed


async def staff_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_chat.type != ChatType.PRIVATE:
        await update.effective_message.reply_text("请私聊机器人管理人员名录。")
        return
    actor = await require_admin(update, context)
    if actor is None:
        return
    services = services_of(context)
    words = context.args
    if words and words[0] == "reassign" and len(words) == 3:
        await _hand_over(update, context, actor, words[1:])
        return
    if words and words[0] == "transfer" and len(words) == 3:
        await _transfer(update, context, actor, words[1:])
        return
    try:
        with services.db.transaction() as session:
            if not words:
                members = all_members(session=session)
                text = "\n".join(["<b>人员名录</b>(共 %d 人)" % len(members)] + [escape(member_line(m)) for m in members])
            else:
                text = escape(_apply(words, actor, session))
    except DirectoryError as exc:
        text = escape(str(exc))
    for part in split_html(text):
        await update.effective_message.reply_text(part)


def register(application: Application) -> None:
    application.add_handler(CommandHandler("staff", staff_command))
