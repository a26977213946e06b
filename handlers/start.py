"""/start and /help, written once for every messenger: what the bot does and every command it
understands (the whole bot's, handed to the core as `Turn.commands`, each with the further forms
its feature lists in `HELP_LINES`). Also /cancel when no form is open: an open form takes /cancel
first (handlers/conversation.py), so here there is nothing to give up, and the person is told so.

Try it: send /start, /help or /cancel to the bot (or type them in `officebot chat`).
"""

from __future__ import annotations

from handlers.forms import Turn
from handlers.messages import Reply, Response

COMMANDS = [("start", "开始使用"), ("help", "使用说明和命令列表"), ("cancel", "放弃正在填写的内容")]
BUTTON_PREFIX = "start:"  # no buttons: nothing starts with it
FORMS: list = []

WELCOME = (
    "您好,我是区政府办公助手。\n"
    "直接发给我问题即可查询《通州区人民政府工作规则》等规定,"
    "我会给出答案并引用原文条款。\n"
    "例如:常务会议的材料要提前几天报送?\n\n"
    "在群里请 @我、回复我的消息,或用 /ask 加问题。"
)


NOTHING_TO_CANCEL = "现在没有正在填写的内容,无需放弃。"
INDENT = "\u3000"  # a full-width space: the further forms of a command line up under it


def handle(turn: Turn) -> Response:
    if turn.incoming.command == "start":
        return Response([Reply.say(WELCOME + "\n\n发送 /help 查看全部命令。")])
    if turn.incoming.command == "cancel":
        return Response([Reply.say(NOTHING_TO_CANCEL)])
    lines = []
    for command, description in turn.commands:
        lines.append(f"/{command} — {description}")
        lines += [f"{INDENT}{usage} — {text}" for usage, text in turn.help_lines
                  if usage.split()[0] == f"/{command}"]
    return Response([Reply.say(WELCOME + "\n\n可用命令:\n" + "\n".join(lines))])
