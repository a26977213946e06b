"""`officebot db upgrade`: bring the database to the newest schema (also done at every start)."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("db", help="数据库迁移 (db upgrade)")
    actions = parser.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    upgrade_parser = actions.add_parser("upgrade", help="升级数据库到最新结构")
    upgrade_parser.set_defaults(func=_upgrade)


def _upgrade(args: argparse.Namespace) -> int:
    from bootstrap.services import Services
    from storage.migrate import current_revision

    services = Services.create()
    print(f"数据库已是最新结构:{current_revision(services.db.engine)} ({services.db.url.split('://')[0]})")
    return 0
