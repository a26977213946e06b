"""Recording a deadline from a parsed line, shared by the one-line commands (handlers/deadlines.py)
and the guided form (handlers/deadline_form.py), and the wording both use for times and kinds.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from handlers.forms import Turn
from handlers.messages import Reply, Rich
from handlers.senders import sender_is_admin, sender_member
from office.actors import Actor
from office.dates import format_day
from office.deadline_commands import (
    Line,
    LineError,
    Planned,
    plan_custom,
    plan_document,
    plan_foreign,
    plan_incident,
    record_deadline,
)
from office.deadline_rules import KIND_LABELS, DeadlineKind
from office.deadlines import DeadlineError
from office.directory import StaffMember

USAGE = {
    "deadline": "用法:/deadline 2026-12-05 17:00 提交整改报告 @责任人或单位(时间和 @ 可省略,默认当天18:00、本人)",
    "document": "用法:/document 发布日期 文件名称 @责任单位,例如 /document 2026-11-20 关于加强物业管理的通知",
    "foreign": "用法:/foreign 活动日期 活动内容 @责任单位,例如 /foreign 2026-12-20 赴日本友好城市交流",
    "incident": "用法:/incident [发生日期 时间] 舆情内容 @责任单位,例如 /incident 网传学校食堂问题",
}
ESTIMATED_NOTE = "⚠️ 所涉年份的官方节假日安排尚未发布,工作日按推定日历计算;办公室可导入正式安排(HOLIDAY_CALENDAR_FILE)。"
PLANS: dict[str, Callable[..., Planned]] = {
    "deadline": plan_custom, "document": plan_document, "foreign": plan_foreign, "incident": plan_incident,
}


def format_moment(moment: datetime, tz: ZoneInfo) -> str:
    local = moment.astimezone(tz)
    return f"{format_day(local.date())} {local:%H:%M}"


def kind_line(kind: str, article: int | None) -> str:
    label = KIND_LABELS[DeadlineKind(kind)]
    return f"{label} · 第{_chinese_number(article)}条" if article else label


def _chinese_number(number: int) -> str:
    """48 → 四十八 (articles run to 85)."""
    digits = "零一二三四五六七八九"
    tens, ones = divmod(number, 10)
    if tens == 0:
        return digits[ones]
    return (digits[tens] if tens > 1 else "") + "十" + (digits[ones] if ones else "")


def sender_with_rights(turn: Turn) -> tuple[StaffMember, bool] | Reply:
    """The sender and whether they administer the bot, or the refusal to send them."""
    member = sender_member(turn.session, turn.incoming)
    if isinstance(member, Reply):
        return member
    admin = sender_is_admin(turn.session, turn.incoming, settings_admin_ids=turn.services.settings.admin_telegram_ids)
    return member, admin


def plan_line(turn: Turn, command: str, line: Line) -> Planned:
    """The deadline a line means (LineError / DeadlineError when its date cannot be one)."""
    plan = PLANS[command]
    extra = {"calendar": turn.services.workdays} if plan is plan_foreign else {}
    return plan(line, now=turn.now, tz=turn.services.settings.tz, **extra)


def record_line(turn: Turn, command: str, line: Line, *, usage: bool = True) -> tuple[Reply, bool]:
    """Plan and store a deadline; the reply, and whether it was recorded. Membership and admin
    rights are checked here, at the moment of writing; a refused line writes nothing."""
    sender = sender_with_rights(turn)
    if isinstance(sender, Reply):
        return sender, False
    member, admin = sender
    tz, now = turn.services.settings.tz, turn.now
    try:
        planned = plan_line(turn, command, line)
        with turn.session.begin_nested():
            recorded = record_deadline(session=turn.session, actor=Actor.of(person_id=member.person_id),
                                       is_admin=admin, planned=planned, target=line.target, now=now,
                                       policy=turn.services.alert_policy)
    except (LineError, DeadlineError) as error:
        return Reply.say(str(error) + (f"\n{USAGE[command]}" if usage else "")), False
    overdue = "(已逾期,将立即提醒)" if recorded.due_at <= now else ""
    lines = [
        f"已登记期限 #{recorded.deadline_id}:{recorded.title}",
        f"截止:{format_moment(recorded.due_at, tz)}{overdue}",
        f"责任:{recorded.responsible}",
        f"办结后发送 /done {recorded.deadline_id}",
    ]
    if recorded.estimated_calendar:
        lines.append(ESTIMATED_NOTE)
    return Reply(Rich.lines(lines)), True
