"""`officebot feedback --csv [FILE]`: the rated answers (👍/👎), so the office sees where the bot misses.
The file is office/feedback_export.py's, the same the web console's 反馈 page offers.

Try it: `officebot feedback --csv feedback.csv` (or without FILE to print to the terminal).
"""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("feedback", help="导出答案评价 (👍/👎)")
    parser.add_argument("--csv", action="store_true", required=True, help="CSV 格式 (UTF-8,带 BOM,Excel 可直接打开)")
    parser.add_argument("file", nargs="?", help="输出文件 (默认打印到终端)")
    parser.set_defaults(func=_export)


def _export(args: argparse.Namespace) -> int:
    from bootstrap.services import Services
    from office.feedback_export import feedback_csv

    services = Services.create()
    with services.db.transaction() as session:
        content, count = feedback_csv(session=session, timezone=services.settings.timezone)
    if args.file is None:
        sys.stdout.write(content.removeprefix("\ufeff"))
        return 0
    with open(args.file, "w", encoding="utf-8", newline="") as stream:
        stream.write(content)
    print(f"已导出 {count} 条评价到 {args.file}")
    return 0
