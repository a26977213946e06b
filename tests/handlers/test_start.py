"""/help lists every command with the further forms people would not guess (/agenda todo, /leaves 明天);
/cancel always gets an answer: the form is given up, or there was none open. Both on the core, so
every messenger behaves alike."""

from __future__ import annotations

import pytest

from bot.app import FEATURES
from bootstrap.services import Services
from bootstrap.settings import Settings
from handlers.conversation import Conversation
from handlers.forms import CANCELLED
from handlers.messages import Incoming
from office.directory import add_member
from storage.people import Role

HEAD = 5001


@pytest.fixture
def core(db, tmp_path, clock):
    services = Services(settings=Settings(_env_file=None, data_dir=tmp_path, database_url=db.url), db=db, clock=clock)
    with db.transaction() as session:
        add_member(session=session, actor=None, telegram_id=HEAD, name="孙局长", unit="区财政局",
                   role=Role.UNIT_HEAD)
    return Conversation.of_features(services, FEATURES)


def _say(core: Conversation, text: str, update_id: int) -> str:
    incoming = Incoming("telegram", str(HEAD), True, str(HEAD), text=text, update_id=str(update_id))
    assert core.claims(incoming)
    return "\n".join(reply.text.plain() for reply in core.respond(incoming).replies)


def test_help_shows_the_forms_of_a_command_under_it(core):
    lines = _say(core, "/help", 1).splitlines()

    agenda = lines.index("/agenda — 议题:提交议题、查看议程和待办")
    assert lines[agenda + 1 : agenda + 6] == [
        "\u3000/agenda 2026-12-09 常务会议 关于XX的请示 — 提交议题",
        "\u3000/agenda 2026-12-09 — 当天会议的议程",
        "\u3000/agenda mine — 本单位的议题",
        "\u3000/agenda todo — 待我审核、批准的议题和我的草稿",
        "\u3000/agenda export 2026-12-09 docx — 导出议程(办公室)",
    ]
    leaves = lines.index("/leaves — 我的请假、待我审批;办公室可查某日外出人员")
    assert lines[leaves + 1] == "\u3000/leaves 明天 — 当天外出人员(办公室;日期也可写 2026-12-01、下周一)"
    assert "/cancel — 放弃正在填写的内容" in lines


def test_cancel_without_an_open_form_says_there_is_nothing_to_give_up(core):
    assert _say(core, "/cancel", 1) == "现在没有正在填写的内容,无需放弃。"


def test_cancel_with_an_open_form_gives_it_up(core):
    _say(core, "/deadline", 1)  # opens the guided form

    assert _say(core, "/cancel", 2) == CANCELLED
    assert _say(core, "/cancel", 3) == "现在没有正在填写的内容,无需放弃。"
