"""The real bot application on an in-memory Bot API with a scripted Q&A engine, for the Q&A,
feedback and error handler tests. Not a test module.

Updates are fed with `Application.process_update`, which returns when every handler has run, so
the tests never wait on time.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from telegram import Update

from bot.app import build_application
from bot.local_api import LocalBotApi, LocalRequest
from bootstrap.services import Services
from bootstrap.settings import Settings
from retrieval.answer import NOT_FOUND, Answer, Citation, Passage
from storage.db import Database

DOC_KEY = "tongzhou-government-work-rules-2022"
DOC_TITLE = "通州区人民政府工作规则"


def citation(number: int, label: str) -> Citation:
    return Citation(DOC_TITLE, DOC_KEY, number, label, "第十章 会议制度", 1.0)


ARTICLE_48 = Passage(
    citation(48, "第四十八条"),
    "提请区政府常务会议审议的议题,须由分管副区长审核。会议请示至少于会议召开前3天报送区政府办公室。",
    ("会议请示至少于会议召开前3天报送区政府办公室。",),
)
ARTICLE_53 = Passage(citation(53, "第五十三条"), "区政府领导不能出席区政府常务会议的,需向区长请假。")


class ScriptedQA:
    """Stands in for retrieval.service.RulesQA: records what it was asked, answers from a script."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, str | None]] = []
        self.reply: Callable[[str], Answer] = self.default_reply

    @staticmethod
    def default_reply(question: str) -> Answer:
        if "天气" in question:
            return Answer(question, False, NOT_FOUND, related=(ARTICLE_53.citation,))
        return Answer(question, True, "依据第四十八条:至少于会议召开前3天报送。", (ARTICLE_48,), (ARTICLE_53.citation,))

    def ask(self, question: str, *, context: str | None = None) -> Answer:
        self.asked.append((question, context))
        return self.reply(question)

    def article(self, document_key: str, number: int) -> Passage | None:
        return {48: ARTICLE_48, 53: ARTICLE_53}.get(number) if document_key == DOC_KEY else None


class QABot:
    """People on one side, the application on the other."""

    def __init__(self, api: LocalBotApi, application, qa: ScriptedQA, db: Database) -> None:
        self.api = api
        self.application = application
        self.qa = qa
        self.db = db
        self._offset = 0

    async def deliver(self) -> None:
        for raw in await self.api.next_updates(self._offset):
            self._offset = raw["update_id"] + 1
            await self.application.process_update(Update.de_json(raw, self.application.bot))

    async def send(self, user: int, text: str, *, chat: int | None = None, reply_to: int | None = None) -> dict:
        sent = self.api.send_text(user, text, chat_id=chat, reply_to=reply_to)
        await self.deliver()
        return sent

    def replies(self, sent: dict) -> list[dict]:
        chat = sent["chat"]["id"]
        return [m for m in self.api.bot_messages(chat) if m.get("reply_to_message", {}).get("message_id") == sent["message_id"]]

    def reply(self, sent: dict) -> dict:
        (only,) = self.replies(sent)
        return only

    async def press(self, user: int, message: dict, button: str) -> dict:
        query_id = self.api.press(user, message, button)
        await self.deliver()
        return self.api.callback_answers[query_id]

    async def press_data(self, user: int, message: dict, data: str) -> dict:
        query_id = self.api.press_data(user, message, data)
        await self.deliver()
        return self.api.callback_answers[query_id]

    @staticmethod
    def buttons(message: dict) -> dict[str, str]:
        """button text -> callback data"""
        return {b["text"]: b["callback_data"] for row in message.get("reply_markup", {}).get("inline_keyboard", []) for b in row}


@asynccontextmanager
async def qa_bot(db: Database, tmp_path: Path, **settings: object) -> AsyncIterator[QABot]:
    services = Services(Settings(_env_file=None, telegram_bot_token="42:test", data_dir=tmp_path, **settings), db)
    qa = ScriptedQA()
    services.qa = qa  # replaces the lazily loaded engine
    api = LocalBotApi("42:test")
    application = build_application(services, request=LocalRequest(api))
    async with application:
        yield QABot(api, application, qa, db)
