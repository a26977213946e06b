"""Races between a hand-over (/staff reassign) and the old approver's button, and between two
admins registering a 区长: the second transaction waits for the first and then sees its result.

Each test holds one transaction open while a thread starts the competing one; whichever order the
threads actually run in, the outcome asserted is the only correct one."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from agenda_seed import HEAD, NOW, OTHER_VICE, TZ, VICE, file, seed_meeting, submit
from office.actors import Actor
from office.agenda import approve_item
from office.directory import DirectoryError, add_member, members_with_role
from office.leave import LeaveError, LeaveRequest, decide_leave, file_leave
from office.reassign import reassign_open_decisions
from storage.agenda import AgendaItem, ItemState
from storage.leaves import LeaveApproval
from storage.people import Role

HOLD_SECONDS = 0.5  # how long the first transaction stays open while the second one starts


@pytest.fixture
def office_db(db):
    return seed_meeting(db)


def _in_thread(work):
    errors: list[Exception] = []

    def run():
        try:
            work()
        except Exception as error:  # noqa: BLE001 - collected for the test to assert on
            errors.append(error)

    thread = threading.Thread(target=run)
    return thread, errors


def _reassign(db):
    with db.transaction() as session:
        return reassign_open_decisions(session=session, actor=None, predecessor=Actor.telegram(VICE),
                                       successor=Actor.telegram(OTHER_VICE), now=NOW, tz=TZ)


def test_the_old_approver_cannot_decide_what_is_being_handed_over(office_db):
    start = NOW.date() + timedelta(days=3)
    request = LeaveRequest(person_id=office_db.person_ids[HEAD], kind="出差", start=start, end=start + timedelta(days=1),
                           destination="上海", reason="参加长三角协作会")
    with office_db.transaction() as session:
        leave = file_leave(session=session, request=request, now=NOW)
        approval_id = session.scalars(select(LeaveApproval.id).where(
            LeaveApproval.report_id == leave.id, LeaveApproval.label == "分管副区长")).one()

    def old_approver_presses():
        with office_db.transaction() as session:
            decide_leave(session=session, approval_id=approval_id, actor=Actor.telegram(VICE), approve=True, note=None,
                         now=NOW)

    thread, errors = _in_thread(old_approver_presses)
    with office_db.transaction() as session:
        reassign_open_decisions(session=session, actor=None, predecessor=Actor.telegram(VICE),
                                successor=Actor.telegram(OTHER_VICE), now=NOW, tz=TZ)
        thread.start()
        time.sleep(HOLD_SECONDS)
    thread.join(30)
    assert [type(e) for e in errors] == [LeaveError]
    with office_db.transaction() as session:
        approval = session.get(LeaveApproval, approval_id)
        assert (approval.approver.telegram_id, approval.decision) == (OTHER_VICE, None)


def test_a_review_passed_meanwhile_is_not_handed_over(office_db):
    item_id = file(office_db)
    submit(office_db, item_id)
    moved = {}
    thread, errors = _in_thread(lambda: moved.setdefault("result", _reassign(office_db)))
    with office_db.transaction() as session:
        approve_item(session=session, item_id=item_id, actor=Actor.telegram(VICE), now=NOW, tz=TZ)  # 审核通过
        thread.start()
        time.sleep(HOLD_SECONDS)
    thread.join(30)
    assert errors == [] and moved["result"].agenda_reviews == ()
    with office_db.transaction() as session:
        item = session.get(AgendaItem, item_id)
        assert (item.state, item.overseer.telegram_id) == (ItemState.LEADER_APPROVAL.value, VICE)


def test_two_admins_registering_a_mayor_at_once_register_one(db):
    def add(telegram_id):
        with db.transaction() as session:
            add_member(session=session, actor=None, telegram_id=telegram_id, name=f"区长{telegram_id}",
                       unit="区政府", role=Role.MAYOR)
            time.sleep(HOLD_SECONDS)

    threads = [_in_thread(lambda t=telegram_id: add(t)) for telegram_id in (10, 11)]
    for thread, _ in threads:
        thread.start()
    for thread, _ in threads:
        thread.join(30)
    assert sorted(type(e).__name__ for _, errors in threads for e in errors) == [DirectoryError.__name__]
    with db.transaction() as session:
        assert len(members_with_role(session=session, role=Role.MAYOR)) == 1
