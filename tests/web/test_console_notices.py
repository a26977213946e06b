"""A change made in the web console tells the people concerned on their own messengers: on
DingTalk, on Telegram, or both, through the senders the composition root registered."""

from __future__ import annotations

from datetime import timedelta

from console_helpers import CSRF
from leave_seed import HEAD, VICE
from sqlalchemy import select
from test_console_access import file_head_leave

from handlers.messages import Notice
from office.actors import Actor
from office.agenda import file_item
from office.agenda_checks import ARTICLE_50, ItemFacts
from office.directory import add_member
from office.web_signin import create_link
from storage.agenda import AgendaItem, ItemState, Meeting
from storage.audit import AuditEntry
from storage.people import DINGTALK, TELEGRAM, Role, person_by_telegram_id


class Recorder:
    def __init__(self, *, arrives: bool = True) -> None:
        self.sent: list[Notice] = []
        self.arrives = arrives

    async def __call__(self, notice: Notice) -> bool:
        self.sent.append(notice)
        return self.arrives


def give_dingtalk_account(services, telegram_id: int, account: str) -> None:  # type: ignore[no-untyped-def]
    with services.db.transaction() as session:
        person_by_telegram_id(session, telegram_id).set_account(DINGTALK, account)


def move_to_dingtalk(services, telegram_id: int, account: str) -> None:  # type: ignore[no-untyped-def]
    """The person keeps only a DingTalk account."""
    with services.db.transaction() as session:
        person = person_by_telegram_id(session, telegram_id)
        person.set_account(DINGTALK, account)
        person.set_account(TELEGRAM, None)


def sign_in_on_dingtalk(client, services, account: str) -> str:  # type: ignore[no-untyped-def]
    with services.db.transaction() as session:
        token, _ = create_link(session=session, channel=DINGTALK, account=account, actor=None, now=services.now())
    assert client.post("/signin", data={"token": token}).status_code == 303
    return CSRF.search(client.get("/").text).group(1)


def test_the_filer_hears_of_a_web_decision_on_dingtalk_and_on_telegram(client, services, sign_in):
    give_dingtalk_account(services, HEAD, "sunjuzhang01")
    telegram, dingtalk = Recorder(), Recorder()
    services.outgoing.update({TELEGRAM: telegram, DINGTALK: dingtalk})
    _, approvals = file_head_leave(services)

    csrf = sign_in(VICE)
    page = client.post(f"/approvals/{approvals[VICE]}", data={"csrf": csrf, "decision": "approve", "note": "同意前往"})

    assert page.status_code == 200 and "已通知" in page.text and "申请人孙局长" in page.text
    assert [n.chat_id for n in dingtalk.sent] == ["sunjuzhang01"]
    assert "同意前往" in dingtalk.sent[0].reply.text.plain()
    assert str(HEAD) in [n.chat_id for n in telegram.sent]


def test_a_person_reached_on_no_messenger_is_named_on_the_page(client, services, sign_in):
    give_dingtalk_account(services, HEAD, "sunjuzhang01")
    services.outgoing.update({TELEGRAM: Recorder(arrives=False), DINGTALK: Recorder(arrives=False)})
    _, approvals = file_head_leave(services)

    csrf = sign_in(VICE)
    page = client.post(f"/approvals/{approvals[VICE]}", data={"csrf": csrf, "decision": "approve"})

    assert "未能通知" in page.text and "申请人孙局长" in page.text


def test_a_filer_on_dingtalk_only_hears_of_a_web_decision_on_dingtalk(client, services, sign_in):
    telegram, dingtalk = Recorder(), Recorder()
    services.outgoing.update({TELEGRAM: telegram, DINGTALK: dingtalk})
    _, approvals = file_head_leave(services)
    move_to_dingtalk(services, HEAD, "sunjuzhang01")

    csrf = sign_in(VICE)
    page = client.post(f"/approvals/{approvals[VICE]}", data={"csrf": csrf, "decision": "approve", "note": "同意前往"})

    assert "已通知" in page.text and "申请人孙局长" in page.text
    assert [n.chat_id for n in dingtalk.sent] == ["sunjuzhang01"] and "同意前往" in dingtalk.sent[0].reply.text.plain()


def test_an_office_member_on_dingtalk_only_registers_and_cancels_a_meeting_whose_proposer_hears_on_dingtalk(
        client, services):
    with services.db.transaction() as session:
        clerk = add_member(session=session, actor=None, dingtalk_id="office-ding", name="褚干事", unit="区政府办公室",
                           role=Role.OFFICE).person_id
    move_to_dingtalk(services, HEAD, "sunjuzhang01")
    dingtalk = Recorder()
    services.outgoing.update({TELEGRAM: Recorder(), DINGTALK: dingtalk})
    csrf = sign_in_on_dingtalk(client, services, "office-ding")
    day = (services.now().date() + timedelta(days=10)).isoformat()
    registered = client.post("/meetings", data={"csrf": csrf, "date": day, "time": "09:00", "kind": "常务会议", "weeks": "1"})
    assert registered.status_code == 200 and "已登记" in registered.text
    with services.db.transaction() as session:
        meeting = session.scalars(select(Meeting)).one()
        assert (meeting.created_by_person_id, meeting.created_by_telegram_id) == (clerk, None)
        file_item(session=session, actor=Actor.on(DINGTALK, "sunjuzhang01"), meeting_id=meeting.id, title="关于预算调整的请示",
                  facts=ItemFacts(summary="预算调整", article50={c.number: False for c in ARTICLE_50}),
                  now=services.now(), tz=services.settings.tz)

    page = client.post(f"/meetings/{meeting.id}/cancel", data={"csrf": csrf, "reason": "改期"})

    assert "已取消" in page.text and "已通知" in page.text
    assert [n.chat_id for n in dingtalk.sent] == ["sunjuzhang01"] and "已取消(改期)" in dingtalk.sent[0].reply.text.plain()
    with services.db.transaction() as session:
        assert session.scalars(select(AgendaItem.state)).one() == ItemState.RETURNED
        cancelled = session.scalars(select(AuditEntry).where(AuditEntry.entity == "meeting",
                                                             AuditEntry.action == "cancelled")).one()
        assert (cancelled.actor_person_id, cancelled.actor_telegram_id) == (clerk, None)
