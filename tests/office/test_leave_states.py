"""A hypothesis state machine over filing, deciding, withdrawing, cancelling and returning.

A model keeps the state each report should be in; after every step the database must agree,
each open report's dates must not overlap another of the same person, every successful step
must have left exactly one audit row, and a 销假 deadline is open exactly while a report is 已批准.
"""

from __future__ import annotations

import itertools
from datetime import datetime, time, timedelta

from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test
from leave_seed import NOW, TZ, leave_request
from sqlalchemy import func, select

from office.actors import Actor
from office.directory import add_member
from office.leave import LeaveError, LeaveState, cancel_leave, decide_leave, file_leave, return_from_leave, withdraw_leave
from storage.audit import AuditEntry
from storage.deadlines import Deadline
from storage.leaves import LeaveReport
from storage.people import Role

OPEN = (LeaveState.PENDING, LeaveState.APPROVED)


def test_leave_state_machine(db):
    ids = itertools.count(1000, 10)
    mayor = 999  # routing asks the directory's 区长, so there is one for all examples
    with db.transaction() as session:
        add_member(session=session, actor=None, telegram_id=mayor, name="区长", unit="区政府",
                   role=Role.MAYOR)

    class LeaveMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            # Fresh people and unit per example: the database is shared by all examples of this test.
            base = next(ids)
            self.mayor, self.vice, self.head, self.stranger = mayor, base + 1, base + 2, base + 3
            unit = f"单位{base}"
            with db.transaction() as session:
                for telegram_id, role, person_unit, oversees in (
                    (self.vice, Role.VICE_MAYOR, "区政府", (unit,)),
                    (self.head, Role.UNIT_HEAD, unit, ()),
                ):
                    add_member(session=session, actor=None, telegram_id=telegram_id,
                               name=f"人{telegram_id}", unit=person_unit, role=role, oversees=oversees)
            self.model: dict[int, dict] = {}  # report id -> {"state", "start", "end", "approvals", "audits"}

        def _with(self, state: LeaveState) -> list[int]:
            return sorted(rid for rid, report in self.model.items() if report["state"] is state)

        @rule(start=st.integers(1, 20), length=st.integers(0, 3), kind=st.sampled_from(["出差", "休假", "离京出访"]))
        def file(self, start, length, kind):
            clash = any(r["state"] in OPEN and r["start"] <= start + length and start <= r["end"]
                        for r in self.model.values())
            try:
                with db.transaction() as session:
                    request = leave_request(session, self.head, kind=kind, start=start, end=start + length)
                    leave = file_leave(session=session, request=request, now=NOW)
            except LeaveError as exc:
                assert clash, exc
                return
            assert not clash
            self.model[leave.id] = {"state": LeaveState.PENDING, "start": start, "end": start + length,
                                    "approvals": {a.label: a.id for a in leave.approvals}, "decided": set(),
                                    "audits": 1, "end_date": leave.end}

        def _decide(self, report_id, label, actor, approve):
            report = self.model[report_id]
            allowed = report["state"] is LeaveState.PENDING and label not in report["decided"]
            try:
                with db.transaction() as session:
                    decide_leave(session=session, approval_id=report["approvals"][label], actor=Actor.telegram(actor),
                                 approve=approve, note=None, now=NOW)
            except LeaveError:
                assert not allowed
                return
            assert allowed
            report["decided"].add(label)
            report["audits"] += 1
            if not approve:
                report["state"] = LeaveState.REJECTED
            elif report["decided"] == {"区长", "分管副区长"}:
                report["state"] = LeaveState.APPROVED

        @precondition(lambda self: self.model)
        @rule(data=st.data(), label=st.sampled_from(["区长", "分管副区长"]), approve=st.booleans())
        def decide(self, data, label, approve):
            report_id = data.draw(st.sampled_from(sorted(self.model)))
            self._decide(report_id, label, self.mayor if label == "区长" else self.vice, approve)

        @precondition(lambda self: self.model)
        @rule(data=st.data(), label=st.sampled_from(["区长", "分管副区长"]))
        def forged_decision(self, data, label):
            report_id = data.draw(st.sampled_from(sorted(self.model)))
            actor = data.draw(st.sampled_from([self.stranger, self.head, self.mayor if label != "区长" else self.vice]))
            approval_id = self.model[report_id]["approvals"][label]
            try:
                with db.transaction() as session:
                    decide_leave(session=session, approval_id=approval_id, actor=Actor.telegram(actor), approve=True,
                                 note=None, now=NOW)
            except LeaveError:
                return
            raise AssertionError("a non-approver decided")

        @precondition(lambda self: self.model)
        @rule(data=st.data())
        def withdraw(self, data):
            report_id = data.draw(st.sampled_from(sorted(self.model)))
            report = self.model[report_id]
            try:
                with db.transaction() as session:
                    withdraw_leave(session=session, report_id=report_id, actor=Actor.telegram(self.head), now=NOW)
            except LeaveError:
                assert report["state"] is not LeaveState.PENDING
                return
            assert report["state"] is LeaveState.PENDING
            report["state"], report["audits"] = LeaveState.WITHDRAWN, report["audits"] + 1

        @precondition(lambda self: self.model)
        @rule(data=st.data())
        def cancel(self, data):
            report_id = data.draw(st.sampled_from(sorted(self.model)))
            report = self.model[report_id]
            try:
                with db.transaction() as session:
                    cancel_leave(session=session, report_id=report_id, actor=Actor.telegram(self.head), reason="改期",
                                 now=NOW)
            except LeaveError:
                assert report["state"] is not LeaveState.APPROVED
                return
            assert report["state"] is LeaveState.APPROVED
            report["state"], report["audits"] = LeaveState.CANCELLED, report["audits"] + 1

        @precondition(lambda self: self._with(LeaveState.APPROVED))
        @rule(data=st.data())
        def back(self, data):
            report_id = data.draw(st.sampled_from(self._with(LeaveState.APPROVED)))
            report = self.model[report_id]
            # Returning on the last day: the latest begun approved report is the one closed.
            now = datetime.combine(report["end_date"], time(17, 0), tzinfo=TZ)
            begun = [rid for rid in self._with(LeaveState.APPROVED)
                     if NOW.date() + timedelta(days=self.model[rid]["start"]) <= now.date()]
            expected = max(begun, key=lambda rid: (self.model[rid]["start"], rid))
            with db.transaction() as session:
                returned = return_from_leave(session=session, actor=Actor.telegram(self.head), now=now)
            assert returned.id == expected
            self.model[expected]["state"] = LeaveState.RETURNED
            self.model[expected]["audits"] += 1

        @invariant()
        def database_agrees(self):
            if not self.model:
                return
            with db.transaction() as session:
                states = dict(session.execute(select(LeaveReport.id, LeaveReport.state)
                                              .where(LeaveReport.id.in_(self.model))).all())
                audits = dict(session.execute(
                    select(AuditEntry.entity_id, func.count()).where(AuditEntry.entity == "leave",
                                                                      AuditEntry.entity_id.in_(self.model))
                    .group_by(AuditEntry.entity_id)).all())
                open_deadlines = set(session.scalars(
                    select(Deadline.source_id).where(Deadline.source_type == "leave", Deadline.state == "open",
                                                     Deadline.source_id.in_(self.model))))
            assert states == {rid: r["state"].value for rid, r in self.model.items()}
            assert audits == {rid: r["audits"] for rid, r in self.model.items()}
            assert open_deadlines == set(self._with(LeaveState.APPROVED))

    run_state_machine_as_test(
        LeaveMachine,
        settings=settings(max_examples=25, stateful_step_count=20, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]),
    )
