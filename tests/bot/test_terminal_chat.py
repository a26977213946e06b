"""`officebot chat`: typed lines go to the real handlers; replies and buttons are printed."""

from __future__ import annotations

import logging
import sys
from datetime import timedelta

import pytest

from bot.app import build_application
from bot.chat import TerminalChat, chat_loop, local_api, log_to, sends_alerts
from bot.scheduler import JOB_NAME
from bot.local_api import LocalRequest
from bootstrap.services import Services
from bootstrap.settings import Settings
from office.directory import add_member
from retrieval.answer import Answer, Citation, Passage
from storage.people import Role

USER = 10_000
MAYOR, VICE, HEAD = 2001, 2002, 2003
ARTICLE = Passage(
    Citation("通州区人民政府工作规则", "tz", 48, "第四十八条", "第十章 会议制度", 1.0),
    "会议请示至少于会议召开前3天报送区政府办公室。",
)


class OneArticleQA:
    def __init__(self) -> None:
        self.questions: list[str] = []

    def ask(self, question: str, *, context: str | None = None) -> Answer:
        self.questions.append(question)
        return Answer(question, True, "依据第四十八条:3天。", (ARTICLE,))

    def article(self, document_key: str, number: int) -> Passage | None:
        return ARTICLE if (document_key, number) == ("tz", 48) else None


@pytest.fixture
def services(db, tmp_path, clock):
    services = Services(Settings(_env_file=None, telegram_bot_token="1:chat", data_dir=tmp_path), db, clock=clock)
    services.qa = OneArticleQA()
    with db.transaction() as session:
        for telegram_id, name, unit, role, oversees in (
            (MAYOR, "王区长", "区政府", Role.MAYOR, ()),
            (VICE, "赵副区长", "区政府", Role.VICE_MAYOR, ("区财政局",)),
            (HEAD, "孙局长", "区财政局", Role.UNIT_HEAD, ()),
        ):
            add_member(session=session, actor=None, telegram_id=telegram_id, name=name, unit=unit,
                       role=role, oversees=oversees)
    return services


@pytest.fixture
async def terminal(services):
    """`terminal(user_id)`: the terminal chat played by that person; all share one bot."""
    api = local_api(services, USER, "我", token="1:chat")
    application = build_application(services, request=LocalRequest(api))
    printed: list[str] = []
    async with application:
        yield lambda user: TerminalChat(application, api, user, write=printed.append), printed


@pytest.fixture
def chat(terminal):
    play, printed = terminal
    return play(USER), printed


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


async def test_a_number_presses_the_button_printed_with_it_on_an_older_card(terminal, clock):
    """Issue 15.13: after /leaves, the number of the own report's 撤回 withdraws it; it used to press
    the same position of the newest card, the approval card of somebody else's report."""
    play, printed = terminal
    start = clock.now().date() + timedelta(days=20)
    head = play(HEAD)
    await head.handle_line(f"/leave 出差 {start} {start + timedelta(days=1)} 上海 参加协作会")
    await head.handle_line("1")  # 确认提交
    vice = play(VICE)
    vice.print_events()  # the terminal opens: the approval request is on screen as [1] 同意 …
    await vice.handle_line(f"/leave 出差 {start + timedelta(days=5)} {start + timedelta(days=6)} 南京 调研")
    assert "  [5] 确认提交  [6] 放弃" in printed
    await vice.handle_line("5")
    printed.clear()

    await vice.handle_line("/leaves")
    assert "  [7] 撤回 2" in printed  # the own report
    assert "  [8] 同意  [9] 退回  [10] 附言并同意  [11] 附言并退回" in printed  # 孙局长's report
    printed.clear()

    await vice.handle_line("7")

    output = "\n".join(printed)
    assert "  (提示) 已撤回" in output
    assert "出差(编号 2,已撤回)" in output
    assert "孙局长" not in output  # his report was not touched
    printed.clear()
    await vice.handle_line("/leaves")
    assert "分管副区长 赵副区长:待决定" in "\n".join(printed)


async def test_a_number_that_names_no_button_is_not_sent(chat, services):
    terminal, printed = chat
    await terminal.handle_line("9")
    await terminal.handle_line("常务会议材料提前几天报送?")
    printed.clear()

    await terminal.handle_line("4")

    assert printed == ["  (提示) 没有这个按钮。请输入按钮前方括号里的编号,例如 1。", ""]
    assert services.qa.questions == ["常务会议材料提前几天报送?"]  # neither 9 nor 4 became a question


async def test_buttons_of_two_answers_keep_their_own_numbers(chat):
    terminal, printed = chat
    await terminal.handle_line("常务会议材料提前几天报送?")
    await terminal.handle_line("会议材料报送时限?")
    assert "  [4] 全文 第四十八条  [5] 👍  [6] 👎" in printed
    printed.clear()

    await terminal.handle_line("2")  # 👍 on the first answer

    assert printed[1].startswith("(已更新) 机器人:\n依据第四十八条")
    assert printed[2] == "  [1] 全文 第四十八条  [2] ✅👍  [3] 👎"


async def test_what_the_bot_sends_another_person_is_printed_with_their_name(terminal, clock):
    play, printed = terminal
    start = clock.now().date() + timedelta(days=20)
    vice = play(VICE)
    await vice.handle_line(f"/leave 出差 {start} {start + timedelta(days=1)} 南京 调研")
    printed.clear()

    await vice.handle_line("1")

    output = "\n".join(printed)
    assert "[发往 王区长] 机器人:" in output  # the approval request reached the mayor's chat
    assert "未能私信通知" not in output


def test_log_lines_go_to_the_log_file_not_the_conversation(tmp_path, capsys):
    root = logging.getLogger()
    kept = root.handlers[:]
    root.addHandler(logging.StreamHandler(sys.stderr))  # as `officebot` sets it up for every command
    try:
        log_to(tmp_path / "officebot-chat.log")
        logging.getLogger("bot.scheduler").warning("reminder 7 was sent after its claim expired")
    finally:
        for handler in root.handlers:
            handler.close()
        root.handlers[:] = kept

    assert "reminder 7" not in capsys.readouterr().err
    assert "reminder 7 was sent" in (tmp_path / "officebot-chat.log").read_text(encoding="utf-8")


@pytest.mark.parametrize(("configured", "sends"), [
    ({}, True),
    ({"telegram_bot_token": "123:real"}, False),
    ({"dingtalk_client_id": "ding", "dingtalk_client_secret": "secret"}, False),
    ({"database_url": "postgresql+psycopg://officebot@db.internal/officebot"}, False),
])
def test_the_terminal_chat_leaves_reminders_to_a_configured_real_bot(configured, sends):
    assert sends_alerts(Settings(_env_file=None, **configured)) is sends


async def test_without_the_dispatcher_no_reminder_job_is_scheduled(services):
    api = local_api(services, USER, "我", token="1:chat")
    quiet = build_application(services, request=LocalRequest(api), dispatch_alerts=False)
    sending = build_application(services, request=LocalRequest(api))
    assert quiet.job_queue.get_jobs_by_name(JOB_NAME) == ()
    assert len(sending.job_queue.get_jobs_by_name(JOB_NAME)) == 1
