"""A change made in the web console tells the people concerned on their own messengers: on
DingTalk, on Telegram, or both, through the senders the composition root registered."""

from __future__ import annotations

from leave_seed import HEAD, VICE
from test_console_access import file_head_leave

from handlers.messages import Notice
from storage.people import DINGTALK, TELEGRAM, person_by_telegram_id


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
