"""The update inbox: an update is kept from its arrival until it is handled, and known once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage import inbox

NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)  # a stamp: nothing here reads the time


def test_updates_wait_in_arrival_order_until_handled(db):
    with db.transaction() as session:
        fresh = inbox.record(session, channel="telegram", updates=[("12", '{"u": 12}'), ("10", '{"u": 10}')], now=NOW)
    with db.transaction() as session:
        assert fresh == ["12", "10"]
        assert inbox.pending(session, channel="telegram") == [("12", '{"u": 12}'), ("10", '{"u": 10}')]
        inbox.mark_done(session, channel="telegram", update_id="12", now=NOW)
    with db.transaction() as session:
        assert inbox.pending(session, channel="telegram") == [("10", '{"u": 10}')]


def test_an_update_delivered_again_is_recognised_even_after_it_was_handled(db):
    with db.transaction() as session:
        inbox.record(session, channel="telegram", updates=[("7", "{}")], now=NOW)
        inbox.mark_done(session, channel="telegram", update_id="7", now=NOW)
    with db.transaction() as session:
        again = inbox.record(session, channel="telegram", updates=[("7", "{}"), ("8", "{}")], now=NOW)
        other_channel = inbox.record(session, channel="dingtalk", updates=[("7", "{}")], now=NOW)
    assert again == ["8"] and other_channel == ["7"]


def test_handled_updates_are_forgotten_after_a_week_pending_ones_never(db):
    with db.transaction() as session:
        inbox.record(session, channel="telegram", updates=[("1", "{}"), ("2", "{}")], now=NOW)
        inbox.mark_done(session, channel="telegram", update_id="1", now=NOW)
        inbox.forget_done(session, now=NOW + inbox.KEEP_DONE + timedelta(minutes=1))
    with db.transaction() as session:
        assert inbox.record(session, channel="telegram", updates=[("1", "{}")], now=NOW) == ["1"]
        assert [update_id for update_id, _ in inbox.pending(session, channel="telegram")] == ["2", "1"]
