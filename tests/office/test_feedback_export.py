"""`officebot feedback --csv` and the web console's 反馈 export: one file, read like the leave export."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from office.answer_feedback import rate_answer, record_answer
from office.directory import add_member
from office.feedback_export import feedback_csv
from storage.people import DINGTALK, TELEGRAM, Role

ASKED = datetime(2026, 12, 1, 1, 30, tzinfo=UTC)  # 09:30 in Beijing


def _rated(session, channel: str, account: str, chat_id: str, question: str) -> int:
    answer_id = record_answer(session=session, channel=channel, account=account, chat_id=chat_id, question=question,
                              answered=False, citations=[], now=ASKED)
    rate_answer(session=session, answer_id=answer_id, channel=channel, account=account, rating="down",
                now=ASKED + timedelta(minutes=2))
    return answer_id


def test_the_feedback_export_reads_like_the_leave_export(db):
    """Chinese headers, Beijing time, 有用/没用 and the asker's name, as in `officebot export leaves`."""
    with db.transaction() as session:
        add_member(session=session, actor=None, telegram_id=1001, name="孙局长", unit="区财政局",
                   role=Role.UNIT_HEAD)
        answer_id = _rated(session, TELEGRAM, "1001", "1001", "=HYPERLINK(1)")

        content, count = feedback_csv(session=session, timezone="Asia/Shanghai")

    assert count == 1
    header, row = content.removeprefix("\ufeff").splitlines()
    assert content.startswith("\ufeff")
    assert header == "编号,提问时间,提问人,提问人ID,会话ID,问题,找到规定,引用条款,评价,评价时间"
    assert row == f"{answer_id},2026-12-01 09:30,孙局长,1001,1001,'=HYPERLINK(1),否,,没用,2026-12-01 09:32"


def test_a_dingtalk_askers_rating_is_exported_with_their_name(db):
    """The name comes from the directory on the messenger they asked on; a Telegram id that happens
    to equal a DingTalk account is not that person."""
    with db.transaction() as session:
        add_member(session=session, actor=None, dingtalk_id="manager4521", name="王主任",
                   unit="区政府办公室", role=Role.OFFICE)
        add_member(session=session, actor=None, telegram_id=4521, name="孙局长", unit="区财政局",
                   role=Role.UNIT_HEAD)
        dingtalk = _rated(session, DINGTALK, "manager4521", "cidGROUPoffice01==", "副区长出差跟谁请假?")
        stranger = _rated(session, DINGTALK, "4521", "4521", "区长外出谁主持工作?")

        content, count = feedback_csv(session=session, timezone="Asia/Shanghai")

    assert count == 2
    _, first, second = content.removeprefix("\ufeff").splitlines()
    assert first == (f"{dingtalk},2026-12-01 09:30,王主任,钉钉:manager4521,钉钉:cidGROUPoffice01==,"
                     "副区长出差跟谁请假?,否,,没用,2026-12-01 09:32")
    assert second.startswith(f"{stranger},2026-12-01 09:30,,钉钉:4521,钉钉:4521,")
