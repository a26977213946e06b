"""Group chats subscribing to deadline alerts by kind (`/subscribe`, `/unsubscribe`).

A new subscription also queues the remaining alerts of the open deadlines of its kinds, so a group
that subscribes today hears about deadlines recorded yesterday; ending one stops the group's
pending alerts of kinds it no longer follows. Who may do it is checked by the handler (the group's
admins or 办公室 staff). Try it in a group: `/subscribe 议题 外事`, then `/unsubscribe`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, tzinfo

from sqlalchemy.orm import Session

from office.actors import Actor, record_audit, recorded_actor
from office.deadline_rules import KIND_LABELS, DeadlineKind
from office.reminders import schedule_for_chat
from storage import deadlines as store
from storage.deadlines import ALL_KINDS

KIND_ALIASES = {
    **{kind.value: kind.value for kind in DeadlineKind},
    **{label: kind.value for kind, label in KIND_LABELS.items()},
    "议题": DeadlineKind.AGENDA.value,
    "规范性文件": DeadlineKind.NORMATIVE_DOCUMENT.value,
    "外事": DeadlineKind.FOREIGN_AFFAIRS.value,
    "舆情": DeadlineKind.PUBLIC_OPINION.value,
    ALL_KINDS: ALL_KINDS,
    "全部": ALL_KINDS,
}
KIND_CHOICES = "议题、规范性文件、外事、舆情、销假、自定义、全部"


class SubscriptionError(ValueError):
    """Words that are not deadline kinds; the message (Chinese) lists the kinds."""


def kind_label(kind: str) -> str:
    return "全部" if kind == ALL_KINDS else KIND_LABELS[DeadlineKind(kind)]


def parse_kinds(words: Iterable[str]) -> list[str]:
    kinds, unknown = [], []
    for word in words:
        kind = KIND_ALIASES.get(word.strip().lower())
        if kind is None:
            unknown.append(word)
        elif kind not in kinds:
            kinds.append(kind)
    if unknown:
        raise SubscriptionError(f"未知的提醒类型:{'、'.join(unknown)}。可选:{KIND_CHOICES}")
    return kinds


def subscribe(
    *, session: Session, channel: str, chat_id: str, kinds: list[str], actor: Actor | None, now: datetime,
    tz: tzinfo,
) -> list[str]:
    """Subscribe the group (`chat_id` on `channel`) to `kinds`; returns the kinds that were new."""
    creator = recorded_actor(session, actor)
    added = []
    for kind in kinds:
        row = store.activate_subscription(session, channel=channel, chat_id=chat_id, kind=kind,
                                          creator_person_id=creator.person_id, creator_telegram_id=creator.telegram_id)
        if row is None:
            continue
        added.append(kind)
        record_audit(
            session, actor, action="subscribed", entity="alert_subscription",
            entity_id=row.id, detail={"channel": channel, "chat_id": chat_id, "kind": kind},
        )
    if added:
        schedule_for_chat(session=session, channel=channel, chat_id=chat_id, kinds=added, now=now, tz=tz)
    return added


def unsubscribe(
    *, session: Session, channel: str, chat_id: str, kinds: list[str] | None, actor: Actor | None
) -> list[str]:
    """End the group's subscriptions to `kinds` (all when None); returns the kinds ended."""
    ended = store.deactivate_subscriptions(session, channel=channel, chat_id=chat_id, kinds=kinds, reason="已退订")
    for row in ended:
        record_audit(
            session, actor, action="unsubscribed", entity="alert_subscription",
            entity_id=row.id, detail={"channel": channel, "chat_id": chat_id, "kind": row.kind},
        )
    if ended:
        store.cancel_unsubscribed(session, channel=channel, chat_id=chat_id)
    return [row.kind for row in ended]


def subscribed_kinds(*, session: Session, channel: str, chat_id: str) -> list[str]:
    return [row.kind for row in store.chat_subscriptions(session, channel=channel, chat_id=chat_id)]
