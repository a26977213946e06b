"""Notices to a person reach them on each messenger they are registered on, once per messenger.

The directory holds a person's accounts (storage/people.py: a Telegram id, a DingTalk user id);
a flow that tells someone something addresses the person, and gets one `Notice` per account, each
naming its channel, so the adapter of that channel delivers it (bot/telegram_flows.py hands a
notice for another channel to that channel's sender in `Services.outgoing`).

    notices = to_person(session, person_id=7, reply=Reply.say("请审批:孙局长 出差 12月21日至23日"))
    # [Notice("1001", …, channel="telegram"), Notice("manager4521", …, channel="dingtalk")]
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from bootstrap.settings import Settings
from handlers.messages import Notice, Reply
from storage.people import DINGTALK, TELEGRAM, Person


def to_office_group(settings: Settings, *, reply: Reply, recipient: str = "") -> list[Notice]:
    """One notice per office group configured: OFFICE_CHAT_ID on Telegram, DINGTALK_OFFICE_CONVERSATION_ID
    on DingTalk (none when neither is set)."""
    groups = [(TELEGRAM, str(settings.office_chat_id) if settings.office_chat_id is not None else None),
              (DINGTALK, settings.dingtalk_office_conversation_id)]
    return [Notice(chat, reply, channel=channel, recipient=recipient) for channel, chat in groups if chat]


def to_person(session: Session, *, person_id: int, reply: Reply) -> list[Notice]:
    """One notice per channel account of the person (none for a person with no account)."""
    person = session.get(Person, person_id)
    if person is None:
        return []
    return [Notice(account.account, reply, channel=account.channel) for account in person.accounts]
