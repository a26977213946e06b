"""/start and /help: what the bot does and the commands it understands.

Try it: send /start or /help to the bot (or type them in `officebot chat`).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes

COMMANDS = [("start", "开始使用"), ("help", "使用说明和命令列表")]

WELCOME = (
    "您好,我是区政府办公助手。\n"
    "直接发给我问题即可查询《通州区人民政府工作规则》等规定,"
    "我会给出答案并引用原文条款。\n"
    "例如:常务会议的材料要提前几天报送?\n\n"
    "在群里请 @我、回复我的消息,或用 /ask 加问题。"
)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(WELCOME + "\n\n发送 /help 查看全部命令。")


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    commands = context.bot_data.get("commands", [])
    lines = [f"/{command.command} — {command.description}" for command in commands]
    await update.effective_message.reply_text(WELCOME + "\n\n可用命令:\n" + "\n".join(lines))


def register(application: Application) -> None:
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CommandHandler("help", help_command))
