"""The `officebot` command line. Each feature module adds its sub-commands with `register()`.

Try it: `officebot --help`, `officebot ask "常务会议材料提前几天报送?"`.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from bot import cli_db, cli_deadlines, cli_documents, cli_feedback, cli_meetings, cli_qa, cli_run, cli_users, cli_web
from bot.cli_parser import ArgumentParser

# Modules that contribute sub-commands, in the order `--help` lists them.
COMMAND_MODULES = (cli_db, cli_qa, cli_documents, cli_run, cli_feedback, cli_users, cli_meetings, cli_deadlines, cli_web)


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(prog="officebot", description="区政府办公助手 officebot")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from bootstrap.settings import get_settings

    logging.basicConfig(
        level=get_settings().log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # Libraries that log every HTTP call would drown the bot's own log lines.
    for noisy in ("httpx", "httpcore", "chromadb", "jieba", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    args = build_parser().parse_args(argv)
    try:
        status = int(args.func(args) or 0)
        sys.stdout.flush()  # inside the try: output still buffered at exit meets the closed pipe here
        return status
    except BrokenPipeError:
        # The reader closed the pipe (`officebot ask … | head`): stop quietly, as Unix tools do, and
        # point stdout at /dev/null so that the interpreter's final flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
