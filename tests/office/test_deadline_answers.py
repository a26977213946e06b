"""The computed deadline of a rules question (office/deadline_answers.py): when a statement is made,
and that its date is the deadline workflow's own for the same event."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from office.deadline_answers import deadline_statement
from office.deadline_commands import Line, plan_foreign
from office.deadline_rules import DeadlineKind
from office.workdays import WorkdayCalendar

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 3, 10, 0, tzinfo=TZ)  # a Thursday
CALENDAR = WorkdayCalendar()


def _statement(question: str, articles: list[int]):
    return deadline_statement(question=question, articles=articles, now=NOW, calendar=CALENDAR)


def test_the_date_is_the_deadline_workflows_own_for_the_same_event():
    question = "12月22日有外宾来访请区长出席,书面请示最晚哪天报外事办?"
    planned = plan_foreign(Line(day=date(2026, 12, 22), at=None, title="外宾来访", target=None), now=NOW, tz=TZ,
                           calendar=CALENDAR)
    statement = _statement(question, [65])
    assert statement is not None and statement.kind is DeadlineKind.FOREIGN_AFFAIRS
    assert statement.due_at == planned.due_at
    assert statement.estimated is planned.estimated_calendar is False


def test_the_first_cited_article_that_sets_the_asked_deadline_is_used():
    statement = _statement("下周三上午9点开常务会,议题材料最晚什么时候报?", [52, 48, 47])
    assert statement is not None and statement.article == 48
    assert statement.due_at == datetime(2026, 12, 6, 9, 0, tzinfo=TZ)


@pytest.mark.parametrize(
    ("question", "articles"),
    [
        ("外宾来访,书面请示最晚哪天报外事办?", [65]),  # no date named
        ("下周三的外宾座谈会,书面请示报外事办要写什么?", [65]),  # does not ask when
        ("下周三开常务会,会议纪要最晚哪天印发?", [54, 46]),  # no article sets it
        ("下周三开常务会,议题材料最晚什么时候报?", [17]),  # the article cited is about something else
    ],
)
def test_no_statement_without_a_date_a_when_question_and_its_rule(question, articles):
    assert _statement(question, articles) is None


def test_a_naive_now_is_refused():
    with pytest.raises(ValueError):
        deadline_statement(question="明天的外事活动最晚哪天报?", articles=[65], now=datetime(2026, 12, 3), calendar=CALENDAR)
