"""The guided form's steps (office/leave_form.py): each answer is checked where it is given."""

from __future__ import annotations

import pytest
from leave_seed import CLERK, NOW, OFFICE, OFFICE_2, PEOPLE, TODAY, day, leave_request, person_id, seed_directory

from office.dates import DayPart
from office.leave import LeaveError, file_leave
from office.leave_form import (
    read_day, request_of, start_draft, with_end, with_half_day, with_place, with_start,
)
from office.leave_routing import LeaveKind


@pytest.fixture
def directory(db):
    seed_directory(db)
    return db


def _started(db, kind=LeaveKind.BUSINESS_TRIP, start=5):
    with db.transaction() as session:
        draft = start_draft(session=session, person_id=person_id(session, CLERK), kind=kind)
        return with_start(session=session, draft=draft, start=DayPart(day(start)), today=TODAY)


def test_a_refused_answer_keeps_the_earlier_ones(directory):
    draft = _started(directory)
    with directory.transaction() as session:
        with pytest.raises(LeaveError, match="早于开始"):
            with_end(session=session, draft=draft, end=DayPart(day(3)))
        with pytest.raises(LeaveError, match="须填写目的地"):
            with_place(session=session, draft=with_end(session=session, draft=draft, end=DayPart(day(6))), place=" ")
        draft = with_place(session=session, draft=with_end(session=session, draft=draft, end=DayPart(day(6))),
                           place="天津")
    request = request_of(draft, reason="送审材料")
    assert (request.start, request.end, request.destination) == (day(5), day(6), "天津")


def test_a_past_start_or_an_unreadable_date_is_refused_at_its_step(directory):
    with pytest.raises(LeaveError, match="已过去"):
        _started(directory, start=-1)
    with pytest.raises(LeaveError, match="看不懂日期"):
        read_day("下月初", today=TODAY)


def test_a_start_inside_another_report_is_refused_at_the_start(directory):
    with directory.transaction() as session:
        file_leave(session=session, request=leave_request(session, CLERK, start=4, end=6), now=NOW)
    with pytest.raises(LeaveError, match="重叠"):
        _started(directory, start=5)


def test_half_day_is_the_half_chosen(directory):
    draft = _started(directory, kind=LeaveKind.VACATION)
    with directory.transaction() as session:
        draft = with_half_day(session=session, draft=draft, period="下午")
    assert (draft.start, draft.end) == (DayPart(day(5), "下午"), DayPart(day(5), "下午"))


def test_a_filer_nobody_could_approve_is_told_at_the_kind_step(db):
    seed_directory(db, people=[person for person in PEOPLE if person[0] != OFFICE_2])
    with db.transaction() as session, pytest.raises(LeaveError, match="无法送审"):
        start_draft(session=session, person_id=person_id(session, OFFICE), kind=LeaveKind.MEETING)
