"""`officebot alerts`: what the reminder outbox says happened (sent, pending, failed, uncertain).

A reminder whose send timed out after leaving is marked `uncertain` and not repeated; a chat that
blocked the bot ends as `failed`. This lists them with their error, so the office can follow up.
Try it: `officebot alerts`, `officebot alerts --limit 50`.
"""

from __future__ import annotations

import argparse

STATE_LABELS = {
    "pending": "待发送", "sending": "发送中", "sent": "已发送", "skipped": "已合并(补发时只发最新一条)",
    "cancelled": "已取消", "failed": "发送失败", "uncertain": "结果不明(超时,未重发)",
}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("alerts", help="期限提醒发送情况")
    parser.add_argument("--limit", type=int, default=20, help="列出多少条失败或结果不明的提醒")
    parser.set_defaults(func=_alerts)


def _alerts(args: argparse.Namespace) -> int:
    from bootstrap.services import Services
    from storage.deadlines import outbox_counts, troubled_reminders

    services = Services.create()
    with services.db.transaction() as session:
        counts = outbox_counts(session)
        troubled = [(r.id, r.deadline_id, r.chat_id, r.lead, r.state, r.last_error)
                    for r in troubled_reminders(session, limit=args.limit)]
    if not counts:
        print("还没有期限提醒。")
        return 0
    for state, label in STATE_LABELS.items():
        if counts.get(state):
            print(f"{label}:{counts[state]}")
    for reminder_id, deadline_id, chat_id, lead, state, error in troubled:
        print(f"  提醒 {reminder_id}(期限 #{deadline_id},会话 {chat_id},{lead}):{STATE_LABELS[state]} — {error}")
    return 0
