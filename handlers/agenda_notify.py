"""The agenda's and meetings' buttons, and their domain notices as channel-neutral ones.

Review requests carry 通过 / 退回 (button data "ag:ok:<item>" / "ag:ret:<item>"), a draft card
提交审核 / 删除草稿 ("ag:sub:<item>" / "ag:del:<item>"). An office operation returns
`office.notices.Notice`s; `with_notices` turns them into notices to each person on every messenger
they are registered on (handlers/recipients.py), or into a post in the office group
(OFFICE_CHAT_ID, a Telegram group; none without it), and asks the adapter to tell the sender who
was told and who was not, by the notices' recipients, instead of claiming everyone was. A
合法性审查意见 the filer uploaded goes with a review request on the messenger it was uploaded on.

Try it: `/agenda todo` as a reviewer shows the cards with their buttons.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.orm import Session

from bootstrap.settings import Settings
from handlers.messages import Button, Notice, Reply, Response, Rich
from handlers.recipients import to_office_group, to_person
from office import notices as office
from storage.people import TELEGRAM

LEGALITY_CAPTION = "合法性审查意见(第五十一条)"
TOLD = "已通知{names}。"
NOT_TOLD = "未能通知{names}:本次消息未送达,请另行告知(个人须先私聊机器人发送 /start,之后才能收到消息)。"


def review_buttons(item_id: int) -> tuple[tuple[Button, ...], ...]:
    return ((Button("通过", f"ag:ok:{item_id}"), Button("退回", f"ag:ret:{item_id}")),)


def draft_buttons(item_id: int) -> tuple[tuple[Button, ...], ...]:
    return ((Button("提交审核", f"ag:sub:{item_id}"), Button("删除草稿", f"ag:del:{item_id}")),)


def stored_file(channel: str, file_id: str) -> str:
    """How an uploaded file's id is stored with the item: as is for Telegram (as it always was),
    "channel:id" for another messenger, whose ids mean nothing to Telegram."""
    return file_id if channel == TELEGRAM else f"{channel}:{file_id}"


def _file_on(channel: str, stored: str | None) -> str:
    """The stored file's id if it lives on `channel` (Telegram ids hold no colon), else ""."""
    if not stored:
        return ""
    owner, _, file_id = stored.partition(":") if ":" in stored else (TELEGRAM, "", stored)
    return file_id if owner == channel else ""


def _reply(notice: office.Notice) -> Reply:
    buttons = review_buttons(notice.review_item_id) if notice.review_item_id is not None else ()
    return Reply(Rich.of(notice.text), buttons=buttons)


def _addressed(session: Session, notice: office.Notice, settings: Settings) -> list[Notice]:
    reply = _reply(notice)
    if notice.person_id is None:
        return to_office_group(settings, reply=reply, recipient=notice.recipient)
    return [replace(sent, recipient=notice.recipient)
            for sent in to_person(session, person_id=notice.person_id, reply=reply)]


def notices_of(session: Session, notices: list[office.Notice], settings: Settings) -> list[Notice]:
    """The domain's notices on every messenger their people use, with the legality file where it can go."""
    out = []
    for notice in notices:
        for sent in _addressed(session, notice, settings):
            attachment = _file_on(sent.channel or TELEGRAM, notice.attachment_file_id)
            out.append(replace(sent, attachment=attachment, attachment_caption=LEGALITY_CAPTION if attachment else ""))
    return out


def with_notices(response: Response, session: Session, notices: list[office.Notice], settings: Settings) -> Response:
    """`response` with the notices to send, and the report of who was told and who was not."""
    return replace(response, notices=response.notices + notices_of(session, notices, settings),
                   delivered=TOLD, undelivered=NOT_TOLD)
