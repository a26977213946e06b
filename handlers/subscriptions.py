"""/subscribe and /unsubscribe: a group chooses which deadline alerts it receives.

    /subscribe 议题 外事        this group receives the alerts of those kinds (全部 = every kind)
    /subscribe                 shows what the group receives
    /unsubscribe 舆情           stops one kind; without arguments stops all

Only in groups, and only for that group's admins (the messenger is asked at the moment of the
command: `Incoming.sender_is_group_admin`) who are in the staff directory, or 办公室 staff /
ADMIN_TELEGRAM_IDS: alerts name people and their absences, so a stranger who adds the bot to a
group of their own must not be able to subscribe it. Written on the conversation core
(handlers/conversation.py). Try it: add the bot to a group and send /subscribe 全部.
"""

from __future__ import annotations

from handlers.forms import Turn
from handlers.messages import Reply, Response
from handlers.senders import ANONYMOUS_REFUSED, sender_is_admin, sender_member
from office.actors import Actor
from office.directory import StaffMember
from office.subscriptions import (
    KIND_CHOICES,
    SubscriptionError,
    kind_label,
    parse_kinds,
    subscribe,
    subscribed_kinds,
    unsubscribe,
)

COMMANDS = [
    ("subscribe", "本群订阅期限提醒(群管理员)"),
    ("unsubscribe", "本群退订期限提醒(群管理员)"),
]
BUTTON_PREFIX = "sub:"  # no buttons (yet): nothing starts with it
FORMS: list = []
ASKS_GROUP_ADMIN = frozenset(name for name, _ in COMMANDS)

GROUPS_ONLY = "请在需要接收提醒的群里使用此命令。"
NOT_ALLOWED = "只有本群管理员或区政府办公室人员可以设置本群的期限提醒。"
NOT_REGISTERED = "您尚未登记在区政府人员名录中,不能为本群订阅期限提醒。请联系区政府办公室登记。"


def _refusal(turn: Turn) -> str | None:
    """Why the sender may not set this group's alerts; None when they may."""
    incoming = turn.incoming
    if incoming.private:
        return GROUPS_ONLY
    if incoming.account is None:
        return ANONYMOUS_REFUSED
    if sender_is_admin(turn.session, incoming, settings_admin_ids=turn.services.settings.admin_telegram_ids):
        return None
    if not incoming.sender_is_group_admin:
        return NOT_ALLOWED
    if not isinstance(sender_member(turn.session, incoming), StaffMember):
        return NOT_REGISTERED
    return None


def _labels(kinds: list[str]) -> str:
    return "、".join(kind_label(kind) for kind in kinds)


def handle(turn: Turn) -> Response:
    refused = _refusal(turn)
    if refused is not None:
        return Response([Reply.say(refused)])
    incoming = turn.incoming
    chat = {"channel": incoming.channel, "chat_id": incoming.chat_id}
    assert incoming.account is not None  # `_refusal` turned the anonymous admin away
    actor = Actor.on(incoming.channel, incoming.account)
    try:
        kinds = parse_kinds(incoming.arguments.split())
    except SubscriptionError as error:
        return Response([Reply.say(str(error))])
    if incoming.command == "unsubscribe":
        ended = unsubscribe(session=turn.session, **chat, kinds=kinds or None, actor=actor)
        current = subscribed_kinds(session=turn.session, **chat)
        if not ended:
            return Response([Reply.say("本群没有订阅这些类型的提醒。")])
        rest = f"仍订阅:{_labels(current)}。" if current else "本群不再接收期限提醒。"
        return Response([Reply.say(f"已退订:{_labels(ended)}。{rest}")])
    if not kinds:
        current = subscribed_kinds(session=turn.session, **chat)
        now_text = _labels(current) if current else "无"
        return Response([Reply.say(f"本群当前订阅:{now_text}。\n用法:/subscribe 类型…(可选:{KIND_CHOICES})")])
    added = subscribe(session=turn.session, **chat, kinds=kinds, actor=actor, now=turn.now,
                      tz=turn.services.settings.tz)
    current = subscribed_kinds(session=turn.session, **chat)
    new_text = f"已订阅:{_labels(added)}。" if added else "这些类型本群已订阅。"
    return Response([Reply.say(f"{new_text}本群当前订阅:{_labels(current)}。")])
