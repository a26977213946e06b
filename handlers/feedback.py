"""👍 / 👎 under an answer: the rating is stored with the question, the citations and the user.

Only the person who asked may rate an answer (in a group, others' opinions would drown the
asker's); pressing again changes the rating. `officebot feedback --csv` exports the ratings.
Try it: ask a question in `officebot chat` and press the number shown next to 👍.
"""

from __future__ import annotations

import asyncio
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, ContextTypes

from bot.services import services_of
from handlers.expired import EXPIRED
from office.answer_feedback import Rating, rate_answer

COMMANDS: list[tuple[str, str]] = []

PATTERN = re.compile(r"^qa:fb:(\d{1,12}):(up|down)$")
RATING_BUTTONS = {"up": "👍", "down": "👎"}
CHOSEN = "✅"

THANKS = "已记录,谢谢您的反馈!"
NOT_YOURS = "只有提问的人可以评价这条回答。"


REPLIES = {Rating.RECORDED: THANKS, Rating.NOT_YOURS: NOT_YOURS, Rating.UNKNOWN_ANSWER: EXPIRED}


def rate(services, answer_id: int, user_id: int, rating: str) -> str:
    """Store the rating; returns the reply for the button press."""
    with services.db.transaction() as session:
        return REPLIES[rate_answer(session=session, answer_id=answer_id, user_id=user_id, rating=rating,
                                   now=services.now())]


def marked_keyboard(markup: InlineKeyboardMarkup, chosen_data: str) -> InlineKeyboardMarkup:
    """The same keyboard with ✅ on the chosen rating (and none on the other)."""
    rows = []
    for row in markup.inline_keyboard:
        new_row = []
        for button in row:
            data = button.callback_data
            if isinstance(data, str) and PATTERN.match(data):
                label = RATING_BUTTONS[data.rsplit(":", 1)[1]]
                button = InlineKeyboardButton(CHOSEN + label if data == chosen_data else label, callback_data=data)
            new_row.append(button)
        rows.append(new_row)
    return InlineKeyboardMarkup(rows)


async def on_rating(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    answer_id, rating = int(context.match.group(1)), context.match.group(2)
    result = await asyncio.to_thread(rate, services_of(context), answer_id, query.from_user.id, rating)
    await query.answer(result)
    message = query.message
    if result == THANKS and message is not None and message.reply_markup is not None:
        keyboard = marked_keyboard(message.reply_markup, query.data)
        if keyboard != message.reply_markup:
            try:
                await query.edit_message_reply_markup(keyboard)
            except BadRequest:
                # The message may be too old to edit; the rating is stored all the same.
                pass


def register(application: Application) -> None:
    application.add_handler(CallbackQueryHandler(on_rating, pattern=PATTERN))
