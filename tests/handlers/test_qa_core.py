"""Q&A and its ratings on the conversation core, without a messenger: the follow-up context lives
in the database (a restart, another replica), a redelivered update is applied once, and the engine
searches while no database connection is held."""

from __future__ import annotations

from pathlib import Path

import pytest
from qa_bot import ScriptedQA

from bootstrap.services import Services
from bootstrap.settings import Settings
from handlers import expired, feedback, qa, start
from handlers.conversation import Conversation
from handlers.messages import Incoming, Response
from storage.db import Database
from storage.feedback import AnswerLog, rated_answers

ALICE = "501"
FEATURES = [start, feedback, qa, expired]


class Replica:
    """One bot process: its own services and core on the shared database; each answer is sent
    (`delivered`), as the adapter does, so a redelivery is not owed it again."""

    def __init__(self, db: Database, tmp_path: Path, clock, engine: ScriptedQA) -> None:  # type: ignore[no-untyped-def]
        services = Services(Settings(_env_file=None, data_dir=tmp_path, followup_seconds=300), db, clock=clock)
        services.qa = engine
        self.core = Conversation(services, FEATURES)

    def respond(self, incoming: Incoming) -> Response:
        response = self.core.respond(incoming)
        self.core.delivered(incoming)
        return response

    def claims(self, incoming: Incoming) -> bool:
        return self.core.claims(incoming)


def question(text: str, update_id: str, *, chat: str = ALICE) -> Incoming:
    return Incoming("telegram", chat, chat == ALICE, ALICE, text=text, update_id=update_id)


def press(data: str, update_id: str, shown: Response) -> Incoming:
    (reply,) = shown.replies
    return Incoming("telegram", ALICE, True, ALICE, button=data, update_id=update_id, shown_buttons=reply.buttons)


def rating_data(answer: Response, label: str) -> str:
    (reply,) = answer.replies
    return next(b.data for row in reply.buttons for b in row if b.label == label)


@pytest.fixture
def engine() -> ScriptedQA:
    return ScriptedQA()


def test_a_follow_up_after_a_restart_leans_on_the_question_asked_before_it(db, tmp_path, clock, engine):
    Replica(db, tmp_path, clock, engine).respond(question("副区长出差跟谁请假?", "1"))

    restarted = Replica(db, tmp_path, clock, engine)  # a new process: nothing kept in memory
    answer = restarted.respond(question("那区长呢?", "2"))

    assert engine.asked == [("副区长出差跟谁请假?", None), ("那区长呢?", "副区长出差跟谁请假?")]
    assert answer.replies[0].text.plain().startswith("依据第四十八条")


def test_the_context_is_per_chat(db, tmp_path, clock, engine):
    core = Replica(db, tmp_path, clock, engine)
    core.respond(question("副区长出差跟谁请假?", "1"))
    core.respond(Incoming("telegram", "-100501", False, ALICE, text="那区长呢?", update_id="2", addressed=True))

    assert engine.asked[1] == ("那区长呢?", None)


def test_a_redelivered_question_is_answered_and_logged_once(db, tmp_path, clock, engine):
    core = Replica(db, tmp_path, clock, engine)
    first = core.respond(question("常务会议材料提前几天报送?", "7"))
    again = Replica(db, tmp_path, clock, engine).respond(question("常务会议材料提前几天报送?", "7"))

    assert first.replies and again.replies == [] and again.notices == []
    assert len(engine.asked) == 1, "the redelivery is recognised before the slow search"
    with db.transaction() as session:
        assert session.query(AnswerLog).count() == 1


def test_a_redelivered_rating_press_does_not_undo_a_later_one(db, tmp_path, clock, engine):
    core = Replica(db, tmp_path, clock, engine)
    answer = core.respond(question("常务会议材料提前几天报送?", "1"))
    down = core.respond(press(rating_data(answer, "👎"), "2", answer))
    core.respond(press(rating_data(answer, "👍"), "3", answer))
    redelivered = core.respond(press(rating_data(answer, "👎"), "2", answer))

    assert down.toast == "已记录,谢谢您的反馈!"
    assert [b.label for b in down.replies[0].buttons[-1]] == ["相关条款", "👍", "✅👎"]
    assert redelivered.toast is None and redelivered.replies == []
    with db.transaction() as session:
        assert [row.rating for row in rated_answers(session)] == ["up"]


def test_the_engine_searches_while_no_database_connection_is_held(db, tmp_path, clock, engine):
    held: list[int] = []
    scripted = engine.reply

    def answer_noting_connections(text: str):  # type: ignore[no-untyped-def]
        held.append(db.engine.pool.checkedout())
        return scripted(text)

    engine.reply = answer_noting_connections
    Replica(db, tmp_path, clock, engine).respond(question("常务会议材料提前几天报送?", "1"))

    assert held == [0]


def test_text_in_a_group_not_addressed_to_the_bot_is_not_a_question(db, tmp_path, clock, engine):
    core = Replica(db, tmp_path, clock, engine)
    overheard = Incoming("telegram", "-100501", False, ALICE, text="常务会议材料提前几天报送?", update_id="1")

    assert not core.claims(overheard)
    assert core.respond(overheard).replies == [] and engine.asked == []


def test_an_answer_lost_in_a_crash_before_sending_is_sent_on_redelivery_without_searching_again(
        db, tmp_path, clock, engine):
    crashed = Replica(db, tmp_path, clock, engine).core.respond(question("常务会议材料提前几天报送?", "9"))  # never sent
    again = Replica(db, tmp_path, clock, engine).respond(question("常务会议材料提前几天报送?", "9"))

    assert again == crashed and any(span.quoted for span in again.replies[0].text.spans)
    assert len(engine.asked) == 1


def test_a_computed_deadline_is_shown_first_in_bold_before_the_cited_answer():
    from handlers.messages import BOLD
    from retrieval.answer import Answer, Citation, Passage

    citation = Citation("通州区人民政府工作规则", "rules", 65, "第六十五条", "", 1.0)
    answer = Answer("下周三的外事活动最晚哪天报?", True, "依据第六十五条:…提前7个工作日…",
                    passages=(Passage(citation, "均应提前7个工作日以书面形式报区政府外事办。"),),
                    computed="按第六十五条计算:…最晚须于 2026-11-30(周一)18:00 前报区政府外事办")
    rendered = qa.render_answer(answer)
    assert rendered.plain().startswith("📅 按第六十五条计算")
    assert rendered.plain().index("2026-11-30") < rendered.plain().index("依据第六十五条")
    assert rendered.spans[0].style == BOLD
