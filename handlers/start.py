"""/start and /help, written once for every messenger: what the bot does and every command it
understands (the whole bot's, handed to the core as `Turn.commands`).

Try it: send /start or /help to the bot (or type them in `officebot chat`).
"""

from __future__ import annotations

from handlers.forms import Turn
from handlers.messages import Reply, Response

COMMANDS = [("start", "开始使用"), ("help", "使用说明和命令列表")]
BUTTON_PREFIX = "start:"  # no buttons: nothing starts with it
FORMS: list = []

WELCOME = (
    "您好,我是区政府办公助手。\n"
    "直接发给我问题即可查询《通州区人民政府工作规则》等规定,"
    "我会给出答案并引用原文条款。\n"
    "例如:常务会议的材料要提前几天报送?\n\n"
    "在群里请 @我、回复我的消息,或用 /ask 加问题。"
)


def handle(turn: Turn) -> Response:
    if turn.incoming.command == "start":
        return Response([Reply.say(WELCOME + "\n\n发送 /help 查看全部命令。")])
    lines = [f"/{command} — {description}" for command, description in turn.commands]
    return Response([Reply.say(WELCOME + "\n\n可用命令:\n" + "\n".join(lines))])
