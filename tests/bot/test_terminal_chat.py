"""`officebot chat`: typed lines go to the real handlers; replies and buttons are printed."""

from __future__ import annotations

import pytest

from bot.app import build_application
from bot.chat import TerminalChat, chat_loop
from bot.local_api import LocalBotApi, LocalRequest
from bot.services import Services
from bot.settings import Settings
from retrieval.answer import Answer, Citation, Passage

USER = 10_000
ARTICLE = Passage(
    Citation("通州区人民政府工作规则", "tz", 48, "第四十八条", "第十章 会议制度", 1.0),
    "会议请示至少于会议召开前3天报送区政府办公室。",
)


class OneArticleQA:
    def ask(self, question: str, *, context: str | None = None) -> Answer:
        return Answer(question, True, "依据第四十八条:3天。", (ARTICLE,))

    def article(self, document_key: str, number: int) -> Passage | None:
        return ARTICLE if (document_key, number) == ("tz", 48) else None


@pytest.fixture
async def chat(db, tmp_path):
    services = Services(Settings(_env_file=None, telegram_bot_token="1:chat", data_dir=tmp_path), db)
    services.qa = OneArticleQA()
    api = LocalBotApi("1:chat")
    api.add_user(USER, "我")
    application = build_application(services, request=LocalRequest(api))
    printed: list[str] = []
    async with application:
        yield TerminalChat(application, api, USER, write=printed.append), printed


async def test_question_reply_and_numbered_buttons(chat):
    terminal, printed = chat

    await terminal.handle_line("常务会议材料提前几天报送?")

    output = "\n".join(printed)
    assert "依据第四十八条:3天。" in output
    assert "[1] 全文 第四十八条  [2] 👍  [3] 👎" in output


async def test_typing_a_number_presses_the_button(chat):
    terminal, printed = chat
    await terminal.handle_line("常务会议材料提前几天报送?")
    printed.clear()

    await terminal.handle_line("1")
    assert printed[0] == "机器人:\n《通州区人民政府工作规则》第四十八条(第十章 会议制度)\n\n" + ARTICLE.text

    printed.clear()
    await terminal.handle_line("2")
    assert printed[0] == "  (提示) 已记录,谢谢您的反馈!"
    assert printed[1].startswith("(已更新) 机器人:")
    assert printed[2] == "  [1] 全文 第四十八条  [2] ✅👍  [3] 👎"


async def test_quit_ends_the_loop(chat):
    terminal, printed = chat
    lines = iter(["/start", "/quit", "never read"])

    await chat_loop(terminal, lambda: next(lines))

    assert "区政府办公助手" in printed[0]
    assert next(lines) == "never read"
