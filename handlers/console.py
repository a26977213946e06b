"""/console: a one-time sign-in link to the office's web console, sent in a private chat.

The same link as `officebot web link` (office/web_signin.py): good once, for 15 minutes, for the
person who asked, on whichever messenger they asked from. In a group it is refused, since anyone
there could open it. Written once on the conversation core. Try it: send /console to the bot.
"""

from __future__ import annotations

from handlers.forms import Turn
from handlers.messages import Reply, Response
from handlers.senders import sender_member
from office.actors import Actor
from office.web_signin import LINK_LIFETIME, create_link

COMMANDS = [("console", "网页工作台登录链接(私聊)")]
BUTTON_PREFIX = "console:"  # no buttons: nothing starts with it
FORMS: list = []

PRIVATE_ONLY = "登录链接只在私聊中发送:请私聊机器人发送 /console。"


def handle(turn: Turn) -> Response:
    incoming = turn.incoming
    if not incoming.private:
        return Response([Reply.say(PRIVATE_ONLY)])
    member = sender_member(turn.session, incoming)
    if isinstance(member, Reply):
        return Response([member])
    token, _ = create_link(session=turn.session, channel=incoming.channel, account=incoming.account,
                           actor=Actor.of(person_id=member.person_id), now=turn.now)
    minutes = int(LINK_LIFETIME.total_seconds() // 60)
    url = f"{turn.services.settings.web_base_url}/signin?token={token}"
    return Response([Reply.say(f"网页工作台登录链接({minutes} 分钟内有效,只能使用一次,请勿转发):\n{url}")])
