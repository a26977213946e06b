"""Lead times and the reminder outbox: which alert rows exist, and which one a dispatcher sends.

Lead-time grammar (`ALERT_LEAD_TIMES`, per kind `ALERT_LEAD_TIMES_BY_KIND`)::

    3d  1d  6h  2m      that long before the due time
    09:00               that time (Asia/Shanghai) on the due day, if still before the due time
    overdue             at the due time, then every 24 hours until the deadline is closed

Every (deadline, lead, chat) is one `storage.deadlines.Reminder` row. A deadline recorded after some
of its lead moments (on Saturday 10:00 for Monday 09:00: "3d" and "1d" have passed) gets one alert
at once for the latest lead it missed ("1d"), then the rest as planned: not one per missed lead, and
not none, since the rules leave no reason to keep quiet about a deadline that exists. A group that
subscribes later gets only the alerts still ahead (catch-ups for every open deadline would be noise).
The daily overdue chain is grown one row at a time, when the previous overdue alert is claimed, so
a bot that was down for a week sends one catch-up per deadline and chat, not seven. Try it::

    >>> [lead.key for lead in parse_lead_times("3d,1d,09:00,overdue")]
    ['3d', '1d', '09:00', 'overdue']
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from office.actors import record_audit
from storage import deadlines as store
from storage.deadlines import Deadline, Reminder, ReminderState

OVERDUE = "overdue"
OVERDUE_EVERY = timedelta(days=1)
# A dispatcher renews its claim every CLAIM_HEARTBEAT while the send is in flight, so a claim still
# "sending" after CLAIM_LEASE belongs to a dispatcher that died mid-send: it is sent again.
CLAIM_LEASE = timedelta(seconds=20)
CLAIM_HEARTBEAT = timedelta(seconds=5)
MAX_ATTEMPTS = 5  # a reminder that keeps crashing its dispatcher or failing is given up, not looped on
GROUP_PER_MINUTE = 20  # Telegram: about 20 messages a minute into one group
OVERALL_PER_SECOND = 30  # Telegram: about 30 messages a second per bot

_DURATION = re.compile(r"^(\d{1,4})([dhm])$")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}


class LeadTimeError(ValueError):
    """A lead-time setting that does not follow the grammar in the module docstring."""


@dataclass(frozen=True)
class Lead:
    key: str  # normalised token, also the outbox row's `lead`
    before: timedelta | None = None
    at: time | None = None

    @property
    def overdue(self) -> bool:
        return self.key == OVERDUE


def parse_lead_times(text: str) -> tuple[Lead, ...]:
    leads: dict[str, Lead] = {}
    for token in (part.strip().lower() for part in text.split(",")):
        if not token:
            continue
        if token == OVERDUE:
            lead = Lead(OVERDUE)
        elif match := _DURATION.match(token):
            amount, unit = int(match[1]), match[2]
            if amount == 0:
                raise LeadTimeError(f"lead time {token!r}: use 'overdue' for the due time itself")
            lead = Lead(f"{amount}{unit}", before=timedelta(**{_UNITS[unit]: amount}))
        elif match := _CLOCK.match(token):
            hour, minute = int(match[1]), int(match[2])
            if hour > 23 or minute > 59:
                raise LeadTimeError(f"lead time {token!r} is not a time of day")
            lead = Lead(f"{hour:02d}:{minute:02d}", at=time(hour, minute))
        else:
            raise LeadTimeError(f"lead time {token!r}: expected e.g. 3d, 6h, 2m, 09:00 or overdue")
        leads.setdefault(lead.key, lead)
    if not leads:
        raise LeadTimeError("no lead times given")
    return tuple(leads.values())


def parse_kind_lead_times(text: str, *, kinds: Iterable[str]) -> dict[str, tuple[Lead, ...]]:
    """`leave_return=09:00,overdue;public_opinion=6h,overdue` → {kind: leads}."""
    known = set(kinds)
    plans: dict[str, tuple[Lead, ...]] = {}
    for entry in (part.strip() for part in text.split(";")):
        if not entry:
            continue
        kind, sep, leads = entry.partition("=")
        kind = kind.strip()
        if not sep or kind not in known:
            raise LeadTimeError(f"{entry!r}: expected KIND=LEADS with KIND one of {', '.join(sorted(known))}")
        plans[kind] = parse_lead_times(leads)
    return plans


def lead_key(leads: Iterable[Lead]) -> str:
    return ",".join(lead.key for lead in leads)


@dataclass(frozen=True)
class AlertPolicy:
    """Lead times per deadline kind and the office's time zone (from `Settings`)."""

    default: tuple[Lead, ...]
    by_kind: dict[str, tuple[Lead, ...]]
    timezone: tzinfo

    def leads_for(self, kind: str) -> tuple[Lead, ...]:
        return self.by_kind.get(kind, self.default)

    @classmethod
    def from_texts(cls, default: str, by_kind: str, *, kinds: Iterable[str], timezone: str) -> AlertPolicy:
        return cls(parse_lead_times(default), parse_kind_lead_times(by_kind, kinds=kinds), ZoneInfo(timezone))


def send_times(*, leads: Iterable[Lead], due_at: datetime, tz: tzinfo) -> list[tuple[str, datetime]]:
    """(row lead, send time) for each lead; the overdue chain starts with `overdue:0` at the due time."""
    times = []
    for lead in leads:
        if lead.overdue:
            times.append((f"{OVERDUE}:0", due_at))
        elif lead.before is not None:
            times.append((lead.key, due_at - lead.before))
        elif lead.at is not None:
            moment = datetime.combine(due_at.astimezone(tz).date(), lead.at, tzinfo=tz)
            if moment < due_at:
                times.append((lead.key, moment))
    return times


def next_overdue_slot(*, due_at: datetime, now: datetime) -> tuple[str, datetime]:
    """The first overdue slot strictly after `now` (slot n is due_at + n days)."""
    if now < due_at:
        return f"{OVERDUE}:0", due_at
    n = int((now - due_at) / OVERDUE_EVERY) + 1
    return f"{OVERDUE}:{n}", due_at + n * OVERDUE_EVERY


def plans_overdue(deadline: Deadline) -> bool:
    return OVERDUE in deadline.lead_times.split(",")


@dataclass(frozen=True)
class Recipient:
    channel: str  # the messenger: "telegram", "dingtalk"
    chat_id: str  # its chat: a person's account there, or a group
    person_id: int | None  # None for a group chat


def recipients_of(*, session: Session, deadline: Deadline) -> list[Recipient]:
    """The responsible person (else the 部门正职 of the responsible unit) on every messenger they are
    registered on, then the subscribed groups; each chat once."""
    found: dict[tuple[str, str], Recipient] = {}
    for person in store.responsible_people(session, deadline):
        for account in person.accounts:
            found.setdefault((account.channel, account.account), Recipient(account.channel, account.account, person.id))
    for channel, chat_id in store.subscribed_chats(session, kind=deadline.kind):
        found.setdefault((channel, chat_id), Recipient(channel, chat_id, None))
    return list(found.values())


def _row(deadline_id: int, lead: str, recipient: Recipient, send_at: datetime) -> dict:
    return {"deadline_id": deadline_id, "lead": lead, "channel": recipient.channel, "chat_id": recipient.chat_id,
            "person_id": recipient.person_id, "send_at": send_at}


def _rows_for(
    deadline: Deadline, recipients: Iterable[Recipient], *, now: datetime, tz: tzinfo, catch_up: bool
) -> list[dict]:
    leads = parse_lead_times(deadline.lead_times)
    times = send_times(leads=leads, due_at=deadline.due_at, tz=tz)
    planned = [(key, at) for key, at in times if at > now]
    missed = [(at, key) for key, at in times if at <= now and not key.startswith(OVERDUE)]
    if catch_up and missed and deadline.due_at > now:
        # Recorded after a lead moment: the latest missed alert goes out now, once.
        planned.append((max(missed)[1], now))
    if plans_overdue(deadline) and deadline.due_at <= now:
        # Already overdue: one alert now for a new deadline, the next daily slot for a new group.
        if catch_up:
            planned.append((f"{OVERDUE}:0", deadline.due_at))
        else:
            planned.append(next_overdue_slot(due_at=deadline.due_at, now=now))
    return [_row(deadline.id, key, recipient, at) for recipient in recipients for key, at in planned]


def schedule_deadline(*, session: Session, deadline: Deadline, now: datetime, tz: tzinfo) -> int:
    """Create the outbox rows of a new deadline; returns how many."""
    rows = _rows_for(deadline, recipients_of(session=session, deadline=deadline), now=now, tz=tz, catch_up=True)
    return store.insert_reminders(session, rows)


def schedule_for_chat(
    *, session: Session, channel: str, chat_id: str, kinds: Iterable[str], now: datetime, tz: tzinfo
) -> int:
    """Rows for a group that just subscribed: the remaining alerts of the open deadlines of `kinds`."""
    rows = []
    for deadline in store.open_deadlines_of_kinds(session, kinds=kinds):
        rows += _rows_for(deadline, [Recipient(channel, chat_id, None)], now=now, tz=tz, catch_up=False)
    return store.insert_reminders(session, rows)


def snooze(*, session: Session, deadline: Deadline, channel: str, chat_id: str, until: datetime) -> int:
    """Hold this chat's alerts of `deadline` until `until`, then one alert; returns alerts held back."""
    held = store.skip_pending_until(session, deadline_id=deadline.id, channel=channel, chat_id=chat_id, until=until,
                                    reason="推迟")
    person_id = store.person_id_of_chat(session, deadline_id=deadline.id, channel=channel, chat_id=chat_id)
    recipient = Recipient(channel, chat_id, person_id)
    store.insert_reminders(session, [_row(deadline.id, f"snooze:{int(until.timestamp())}", recipient, until)])
    return held


@dataclass(frozen=True)
class Claim:
    """A reminder this dispatcher now owns until `expires_at`: send it, then report the outcome."""

    reminder_id: int
    channel: str
    chat_id: str
    lead: str
    attempts: int
    expires_at: datetime
    deadline_id: int
    title: str
    kind: str
    rule_article: int | None
    due_at: datetime
    responsible: str | None


@dataclass(frozen=True)
class Throttled:
    """Nothing may be claimed before `until` (the overall per-second quota is used up)."""

    until: datetime


def claim_next(
    *, session: Session, worker: str, now: datetime, channels: Iterable[str] = ("telegram",)
) -> Claim | Throttled | None:
    """Claim the oldest due reminder on `channels` (those this worker sends on) that may go out
    now, or None when nothing is due.

    Catch-up rule: a due row with a newer due row for the same deadline and chat is skipped, so
    after downtime each deadline and chat gets only its latest alert. Claiming an alert of a
    deadline with an overdue plan makes sure its next overdue slot exists.
    """
    if store.claims_since(session, since=now - timedelta(seconds=1)) >= OVERALL_PER_SECOND:
        return Throttled(until=now + timedelta(seconds=1))
    while True:
        row = store.lock_next_due(session, now=now, channels=channels, group_window=timedelta(minutes=1),
                                  group_quota=GROUP_PER_MINUTE)
        if row is None:
            return None
        if store.has_newer_due(session, row, now=now):
            _finish(row, ReminderState.SKIPPED, "superseded by a later alert (catch-up)")
            continue
        if row.attempts >= MAX_ATTEMPTS:
            _finish(row, ReminderState.FAILED, f"gave up after {row.attempts} attempts")
            continue
        deadline = row.deadline
        if plans_overdue(deadline):
            key, at = next_overdue_slot(due_at=deadline.due_at, now=now)
            store.insert_reminders(session, [_row(deadline.id, key, Recipient(row.channel, row.chat_id, row.person_id),
                                                  at)])
        row.state = ReminderState.SENDING.value
        row.attempts += 1
        row.claimed_by, row.claimed_at, row.claim_expires_at = worker, now, now + CLAIM_LEASE
        session.flush()
        return Claim(
            reminder_id=row.id,
            channel=row.channel,
            chat_id=row.chat_id,
            lead=row.lead,
            attempts=row.attempts,
            expires_at=row.claim_expires_at,
            deadline_id=deadline.id,
            title=deadline.title,
            kind=deadline.kind,
            rule_article=deadline.rule_article,
            due_at=deadline.due_at,
            responsible=store.responsible_label(session, deadline),
        )


def _finish(row: Reminder, state: ReminderState, error: str | None) -> None:
    row.state, row.last_error = state.value, error
    row.claimed_by = row.claim_expires_at = None


# --- outcomes of a claimed send (each in its own short transaction, right after the send) -----


def keep_claim(*, session: Session, claim: Claim, worker: str, now: datetime) -> bool:
    return store.extend_claim(session, reminder_id=claim.reminder_id, worker=worker, until=now + CLAIM_LEASE)


def record_sent(*, session: Session, claim: Claim, worker: str, message_id: int | None, now: datetime) -> bool:
    """False when the claim had been taken over (only if this dispatcher stalled past its lease)."""
    return store.mark_sent(session, reminder_id=claim.reminder_id, worker=worker, message_id=message_id, now=now)


def record_not_sent(*, session: Session, claim: Claim, worker: str, retry_at: datetime, error: str) -> bool:
    """Telegram certainly did not deliver it (flood control, no connection): try again from `retry_at`."""
    return store.release_claim(session, reminder_id=claim.reminder_id, worker=worker, not_before=retry_at, error=error)


def record_uncertain(*, session: Session, claim: Claim, worker: str, error: str) -> bool:
    """The request left but no answer came: it may have been delivered, so it is not repeated."""
    return store.finish_claim(
        session, reminder_id=claim.reminder_id, worker=worker, state=ReminderState.UNCERTAIN, error=error
    )


def record_failed(*, session: Session, claim: Claim, worker: str, error: str) -> bool:
    return store.finish_claim(
        session, reminder_id=claim.reminder_id, worker=worker, state=ReminderState.FAILED, error=error
    )


def record_chat_gone(*, session: Session, claim: Claim, worker: str, error: str) -> list[str]:
    """The chat blocked the bot or no longer exists: its subscriptions end and its pending alerts stop.

    Returns the subscription kinds that were disabled (empty for a private chat).
    """
    store.finish_claim(session, reminder_id=claim.reminder_id, worker=worker, state=ReminderState.FAILED, error=error)
    ended = store.deactivate_subscriptions(session, channel=claim.channel, chat_id=claim.chat_id, kinds=None,
                                           reason=error[:200])
    stopped = store.cancel_chat(session, channel=claim.channel, chat_id=claim.chat_id, reason=error[:200])
    for subscription in ended:
        record_audit(
            session,
            None,  # the messenger ended it, nobody in the office
            action="disabled",
            entity="alert_subscription",
            entity_id=subscription.id,
            detail={"channel": claim.channel, "chat_id": claim.chat_id, "kind": subscription.kind,
                    "reason": error[:200], "stopped": stopped},
        )
    return [subscription.kind for subscription in ended]


def record_chat_migrated(*, session: Session, claim: Claim, worker: str, new_chat_id: str) -> None:
    """A group became a supergroup: its subscriptions and pending alerts (this one too) follow it."""
    store.move_chat(session, channel=claim.channel, old_chat_id=claim.chat_id, new_chat_id=new_chat_id)
    store.release_claim(
        session, reminder_id=claim.reminder_id, worker=worker, not_before=None, error=f"chat moved to {new_chat_id}"
    )
    store.move_reminder(session, reminder_id=claim.reminder_id, chat_id=new_chat_id)
