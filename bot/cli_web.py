"""`officebot web` (serve the office's web console) and `officebot web link` (a one-time sign-in URL).

Try it::

    officebot web                           # http://127.0.0.1:8080 (WEB_HOST, WEB_PORT)
    officebot web link --telegram-id 1001   # prints the URL for that person, valid 15 minutes, good once
    officebot web link --dingtalk-id manager4521
"""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    web = subparsers.add_parser("web", help="网页工作台(officebot web;officebot web link --telegram-id N)")
    web.set_defaults(func=_serve)
    actions = web.add_subparsers(dest="web_command", metavar="ACTION")
    link = actions.add_parser("link", help="生成一次性登录链接(15 分钟内有效,只能使用一次)")
    who = link.add_mutually_exclusive_group(required=True)
    who.add_argument("--telegram-id", type=int, help="此人的 Telegram ID")
    who.add_argument("--dingtalk-id", help="此人的钉钉 userId(staffId)")
    link.set_defaults(func=_link)


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from bot.outbound import outgoing_messengers
    from bootstrap.services import Services
    from web.app import create_app

    services = Services.create()
    settings = services.settings
    print(f"网页工作台:{settings.web_base_url}(监听 {settings.web_host}:{settings.web_port})", flush=True)
    uvicorn.run(create_app(services, messengers=outgoing_messengers), host=settings.web_host, port=settings.web_port, log_level="warning")
    return 0


def _link(args: argparse.Namespace) -> int:
    from bootstrap.services import Services
    from office.web_signin import LINK_LIFETIME, SigninError, create_link
    from storage.people import DINGTALK, TELEGRAM

    services = Services.create()
    try:
        with services.db.transaction() as session:
            channel, account = (TELEGRAM, str(args.telegram_id)) if args.telegram_id is not None else (DINGTALK, args.dingtalk_id)
            token, member = create_link(session=session, channel=channel, account=account, actor=None,
                                        now=services.now())
    except SigninError as exc:
        print(f"错误:{exc}", file=sys.stderr)
        return 2
    minutes = int(LINK_LIFETIME.total_seconds() // 60)
    print(f"{member.label} 的登录链接({minutes} 分钟内有效,只能使用一次):")
    print(f"{services.settings.web_base_url}/signin?token={token}")
    return 0
