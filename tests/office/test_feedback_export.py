"""`officebot feedback --csv` and the web console's 反馈 export: one file, read like the leave export."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from office.answer_feedback import rate_answer, record_answer
from office.directory import add_member
from office.feedback_export import feedback_csv
from storage.people import Role


def test_the_feedback_export_reads_like_the_leave_export(db):
    """Chinese headers, Beijing time, 有用/没用 and the asker's name, as in `officebot export leaves`."""
    asked = datetime(2026, 12, 1, 1, 30, tzinfo=UTC)  # 09:30 in Beijing
    with db.transaction() as session:
        add_member(session=session, actor_telegram_id=None, telegram_id=1001, name="孙局长", unit="区财政局",
                   role=Role.UNIT_HEAD)
        answer_id = record_answer(session=session, user_id=1001, chat_id=1001, question="=HYPERLINK(1)",
                                  answered=False, citations=[], now=asked)
        rate_answer(session=session, answer_id=answer_id, user_id=1001, rating="down", now=asked + timedelta(minutes=2))

        content, count = feedback_csv(session=session, timezone="Asia/Shanghai")

    assert count == 1
    header, row = content.removeprefix("\ufeff").splitlines()
    assert content.startswith("\ufeff")
    assert header == "编号,提问时间,提问人,提问人ID,会话ID,问题,找到规定,引用条款,评价,评价时间"
    assert row == f"{answer_id},2026-12-01 09:30,孙局长,1001,1001,'=HYPERLINK(1),否,,没用,2026-12-01 09:32"
