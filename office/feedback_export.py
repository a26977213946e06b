"""The rated answers (👍 / 👎) as a CSV file for the office, in the same form as the leave export:
Chinese headers, times in the office's time zone, UTF-8 with BOM so that Excel opens it, formula-like
cells kept as text. The asker is named from the directory on whichever messenger they asked; their
ID and the chat are written as the directory writes ids (1001, 钉钉:manager4521). One writer for `officebot feedback --csv` and the web console's 反馈 page.

    with db.transaction() as session:
        content, count = feedback_csv(session=session, timezone="Asia/Shanghai")   # "\ufeff编号,提问时间,…", 12
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from office.csv_safe import safe_cell
from office.directory import account_text, all_members
from storage.feedback import rated_answers

CSV_COLUMNS = ("编号", "提问时间", "提问人", "提问人ID", "会话ID", "问题", "找到规定", "引用条款", "评价", "评价时间")
RATING_TEXT = {"up": "有用", "down": "没用"}


def feedback_csv(*, session: Session, timezone: str) -> tuple[str, int]:
    """Every rated answer, one row each: the file's text (BOM first) and the number of answers."""
    zone = ZoneInfo(timezone)
    members = all_members(session=session, include_inactive=True)
    names = {(channel, account): member.name for member in members for channel, account in member.chats}
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    rows = rated_answers(session)
    for row in rows:
        writer.writerow(safe_cell(cell) for cell in (
            row.id, _local(row.at, zone), names.get((row.channel, row.account), ""), _id(row.channel, row.account),
            _id(row.channel, row.chat_id), row.question, "是" if row.answered else "否", ";".join(row.citations or []),
            RATING_TEXT.get(row.rating or "", row.rating or ""), _local(row.rated_at, zone),
        ))
    return buffer.getvalue(), len(rows)


def _id(channel: str, account: str | None) -> str:
    return account_text(channel, account) if account else ""


def _local(moment: datetime | None, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else ""
