"""`officebot feedback --csv [FILE]`: the rated answers (👍/👎), so the office sees where the bot misses.

Try it: `officebot feedback --csv feedback.csv` (or without FILE to print to the terminal).
"""

from __future__ import annotations

import argparse
import csv
import sys

from storage.feedback import rated_answers

COLUMNS = ["id", "time_utc", "telegram_user_id", "chat_id", "question", "answered", "citations", "rating", "rated_at_utc"]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("feedback", help="导出答案评价 (👍/👎)")
    parser.add_argument("--csv", action="store_true", required=True, help="CSV 格式 (UTF-8,带 BOM,Excel 可直接打开)")
    parser.add_argument("file", nargs="?", help="输出文件 (默认打印到终端)")
    parser.set_defaults(func=_export)


def write_feedback_csv(session, stream) -> int:
    """Write every rated answer as one CSV row; returns the number of rows."""
    writer = csv.writer(stream)
    writer.writerow(COLUMNS)
    rows = rated_answers(session)
    for row in rows:
        writer.writerow([
            row.id,
            row.at.isoformat(timespec="seconds") if row.at else "",
            row.telegram_user_id or "",
            row.chat_id or "",
            row.question,
            "是" if row.answered else "否",
            "; ".join(row.citations or []),
            row.rating,
            row.rated_at.isoformat(timespec="seconds") if row.rated_at else "",
        ])
    return len(rows)


def _export(args: argparse.Namespace) -> int:
    from bot.services import Services

    services = Services.create()
    with services.db.transaction() as session:
        if args.file is None:
            write_feedback_csv(session, sys.stdout)
            return 0
        # The BOM makes Excel read the Chinese text as UTF-8.
        with open(args.file, "w", encoding="utf-8-sig", newline="") as stream:
            count = write_feedback_csv(session, stream)
    print(f"已导出 {count} 条评价到 {args.file}")
    return 0
