"""Rules Q&A on Telegram: a question in, the answer with the quoted and cited article out.

Private chat: any text is a question. Groups (privacy mode on): only a message that mentions the
bot, a reply to one of the bot's messages, or `/ask 问题`. The answer replies to the question and
carries buttons: 全文 (the whole cited article), 相关条款 (the other candidates), 👍 / 👎 (see
handlers/feedback.py). A question asked within FOLLOWUP_SECONDS of the same person's previous
question in the same chat may lean on it (那区长呢?); context is kept per (chat, user), so it is
never shared across a group.

Try it: `officebot chat`, then type 常务会议材料提前几天报送? and press 1 for the full article.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections.abc import AsyncIterator

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatAction
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from bot.services import services_of
from handlers.expired import EXPIRED
from handlers.html import escape, split_html
from office.answer_feedback import record_answer
from retrieval.answer import Answer, Citation, Passage
from retrieval.service import QuestionError

COMMANDS = [("ask", "查询规定,例如 /ask 常务会议材料提前几天报送?")]

# A pasted document is not a question; past this the user is asked to shorten it.
MAX_QUESTION_CHARS = 1000
# Show "typing…" only when the answer takes longer than this, so quick answers cost one call.
TYPING_AFTER_SECONDS = 1.0
MAX_CALLBACK_BYTES = 64

FULL_PATTERN = re.compile(r"^qa:full:([^:]{1,50}):(\d{1,4})$")
RELATED_PATTERN = re.compile(r"^qa:rel:([^:]{1,50}):(\d{1,4}(?:,\d{1,4}){0,4})$")

ASK_HINT = "请在 /ask 后面写上问题,例如:/ask 常务会议材料提前几天报送?"
TOO_LONG = f"问题太长了(超过 {MAX_QUESTION_CHARS} 字)。请只写想查询的问题,例如:常务会议材料提前几天报送?"
ARTICLE_GONE = "这条规定已不在规则库中。"


class _AddressedToBot(filters.MessageFilter):
    """A group message for the bot: it mentions the bot or replies to one of its messages."""

    def filter(self, message: Message) -> bool:
        bot = message.get_bot()
        replied = message.reply_to_message
        if replied is not None and replied.from_user is not None and replied.from_user.id == bot.id:
            return True
        mention = f"@{bot.username}".lower()
        return any(
            text.lower() == mention for text in message.parse_entities(["mention"]).values()
        )


ADDRESSED_TO_BOT = _AddressedToBot(name="addressed_to_bot")


# ------------------------------------------------------------------ asking


async def private_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await answer_question(update, context, update.effective_message.text)


async def group_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    mention = re.compile(re.escape(f"@{context.bot.username}"), re.IGNORECASE)
    await answer_question(update, context, mention.sub(" ", update.effective_message.text))


async def ask_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    question = " ".join(context.args or [])
    if not question.strip():
        await update.effective_message.reply_text(ASK_HINT)
        return
    await answer_question(update, context, question)


async def answer_question(update: Update, context: ContextTypes.DEFAULT_TYPE, question: str) -> None:
    message = update.effective_message
    question = " ".join(question.split())
    if not question:
        await message.reply_text(ASK_HINT)
        return
    if len(question) > MAX_QUESTION_CHARS:
        await message.reply_text(TOO_LONG)
        return
    services = services_of(context)
    chat_id, user_id = update.effective_chat.id, update.effective_user.id
    previous = _previous_question(context, chat_id, services.settings.followup_seconds)

    def ask_and_log() -> tuple[Answer, int]:
        answer = services.qa.ask(question, context=previous)
        with services.db.transaction() as session:
            answer_id = record_answer(
                session=session,
                user_id=user_id,
                chat_id=chat_id,
                question=question,
                answered=answer.answered,
                citations=[citation.reference for citation in answer.citations or answer.related],
                now=services.now(),
            )
            return answer, answer_id

    try:
        async with _typing_if_slow(context, chat_id):
            answer, answer_id = await asyncio.to_thread(ask_and_log)
    except QuestionError as error:
        await message.reply_text(escape(str(error)))
        return
    _remember_question(context, chat_id, question)
    parts = split_html(render_answer(answer))
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        await message.reply_text(part, reply_markup=answer_keyboard(answer, answer_id) if last else None)


def _previous_question(context: ContextTypes.DEFAULT_TYPE, chat_id: int, window: int) -> str | None:
    # user_data is per user; keyed by chat inside it, so context is per (chat, user).
    asked = context.user_data.get("qa_last", {}).get(chat_id)
    if asked and time.monotonic() - asked[1] <= window:
        return asked[0]
    return None


def _remember_question(context: ContextTypes.DEFAULT_TYPE, chat_id: int, question: str) -> None:
    context.user_data.setdefault("qa_last", {})[chat_id] = (question, time.monotonic())


@contextlib.asynccontextmanager
async def _typing_if_slow(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> AsyncIterator[None]:
    async def typing_later() -> None:
        await asyncio.sleep(TYPING_AFTER_SECONDS)
        with contextlib.suppress(TelegramError):
            await context.bot.send_chat_action(chat_id, ChatAction.TYPING)

    task = asyncio.create_task(typing_later())
    try:
        yield
    finally:
        task.cancel()


# ------------------------------------------------------------------ rendering


def highlighted(text: str, highlights: tuple[str, ...]) -> str:
    """`text` escaped, with the first occurrence of each highlight in bold (overlaps skipped)."""
    spans: list[tuple[int, int]] = []
    for sentence in highlights:
        start = text.find(sentence) if sentence else -1
        if start < 0:
            continue
        end = start + len(sentence)
        if all(end <= s or start >= e for s, e in spans):
            spans.append((start, end))
    out, position = [], 0
    for start, end in sorted(spans):
        out += [escape(text[position:start]), "<b>", escape(text[start:end]), "</b>"]
        position = end
    out.append(escape(text[position:]))
    return "".join(out)


def _passage_html(passage: Passage) -> str:
    return (
        f"<blockquote>{highlighted(passage.text, passage.highlights)}</blockquote>\n"
        f"📖 {escape(passage.citation.reference)}"
    )


def render_answer(answer: Answer) -> str:
    """The reply: summary line, each quoted article (answering sentences in bold), its citation."""
    blocks = [f"<b>{escape(answer.summary)}</b>"]
    blocks += [_passage_html(passage) for passage in answer.passages]
    if not answer.answered:
        # Saying what was searched shows the asker whether the bot read the question right.
        blocks.insert(1, f"您的问题:{escape(answer.question)}")
        if answer.related:
            lines = [f"• {escape(citation.reference)}" for citation in answer.related]
            blocks.append("可能相关的条款:\n" + "\n".join(lines))
    return "\n\n".join(blocks)


def _fits(data: str) -> bool:
    return len(data.encode()) <= MAX_CALLBACK_BYTES


def full_button(citation: Citation) -> InlineKeyboardButton | None:
    data = f"qa:full:{citation.document_key}:{citation.article}"
    return InlineKeyboardButton(f"全文 {citation.label}", callback_data=data) if _fits(data) else None


def related_data(citations: tuple[Citation, ...]) -> str | None:
    """qa:rel:<document key>:<n>,<n>… for the candidates of the first candidate's document."""
    if not citations:
        return None
    key = citations[0].document_key
    numbers = [str(c.article) for c in citations if c.document_key == key][:5]
    data = f"qa:rel:{key}:{','.join(numbers)}"
    return data if _fits(data) else None


def answer_keyboard(answer: Answer, answer_id: int) -> InlineKeyboardMarkup:
    cited = answer.citations if answer.answered else list(answer.related)[:3]
    rows = [[button for button in map(full_button, cited) if button]]
    last_row = [
        InlineKeyboardButton("👍", callback_data=f"qa:fb:{answer_id}:up"),
        InlineKeyboardButton("👎", callback_data=f"qa:fb:{answer_id}:down"),
    ]
    data = related_data(answer.related) if answer.answered else None
    if data:
        last_row.insert(0, InlineKeyboardButton("相关条款", callback_data=data))
    rows.append(last_row)
    return InlineKeyboardMarkup([row for row in rows if row])


# ------------------------------------------------------------------ buttons


async def full_article(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    key, number = context.match.group(1), int(context.match.group(2))
    passage = await asyncio.to_thread(services_of(context).qa.article, key, number)
    if passage is None:
        await query.answer(EXPIRED)
        return
    await query.answer()
    text = f"<b>{escape(passage.citation.reference)}</b>\n\n{escape(passage.text)}"
    for part in split_html(text):
        await query.message.reply_text(part)


async def related_articles(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    key = context.match.group(1)
    numbers = [int(n) for n in context.match.group(2).split(",")]
    qa = services_of(context).qa
    passages = [p for p in await asyncio.to_thread(lambda: [qa.article(key, n) for n in numbers]) if p]
    if not passages:
        await query.answer(EXPIRED)
        return
    await query.answer()
    lines = ["<b>相关条款</b>"]
    for passage in passages:
        excerpt = passage.text if len(passage.text) <= 80 else passage.text[:80] + "…"
        lines.append(f"📖 {escape(passage.citation.reference)}\n{escape(excerpt)}")
    buttons = [button for button in (full_button(p.citation) for p in passages) if button]
    keyboard = InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)]) if buttons else None
    parts = split_html("\n\n".join(lines))
    for index, part in enumerate(parts):
        await query.message.reply_text(part, reply_markup=keyboard if index == len(parts) - 1 else None)


def register(application: Application) -> None:
    application.add_handler(CommandHandler("ask", ask_command))
    # New messages only: editing an old question should not bring a second answer.
    text = filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND
    application.add_handler(MessageHandler(text & filters.ChatType.PRIVATE, private_text))
    application.add_handler(MessageHandler(text & filters.ChatType.GROUPS & ADDRESSED_TO_BOT, group_text))
    application.add_handler(CallbackQueryHandler(full_article, pattern=FULL_PATTERN))
    application.add_handler(CallbackQueryHandler(related_articles, pattern=RELATED_PATTERN))
