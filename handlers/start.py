"""/start and /help: what the bot does and the commands it understands.

Try it: send /start or /help to the bot (or type them in `officebot chat`).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop, CommandHandler, ContextTypes, MessageHandler, filters

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


EDITED_COMMAND = "修改已发送的命令不会重新执行,也不会撤销原命令;如需更改,请重新发送命令。"


async def edited_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Telegram delivers an edited "/deadline …" again: say so instead of recording it twice."""
    word = (update.effective_message.text or "").split(maxsplit=1)[0].lstrip("/")
    command, _, addressee = word.partition("@")
    ours = {c.command for c in context.bot_data.get("commands", [])}
    if command.lower() not in ours or (addressee and addressee.lower() != (context.bot.username or "").lower()):
        return  # another bot's command: not ours to answer
    await update.effective_message.reply_text(EDITED_COMMAND)
    raise ApplicationHandlerStop


def register(application: Application) -> None:
    # Before every feature (group -1): PTB's CommandHandler would otherwise run edited commands.
    application.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE & filters.COMMAND, edited_command), group=-1)
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CommandHandler("help", help_command))
