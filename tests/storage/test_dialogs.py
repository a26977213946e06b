"""Stored forms: one per person and chat, advanced only from the version that was read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from storage import dialogs
from storage.dialogs import DialogConflict, DialogKey

NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)  # a stamp, not a rule's "now": nothing here reads the time
KEY = DialogKey("telegram", "16", "16")


def test_a_form_is_stored_advanced_and_closed(db):
    with db.transaction() as session:
        first = dialogs.save(session, KEY, flow="deadline_form", step="when", data={"command": "deadline"},
                             version=None, now=NOW)
    with db.transaction() as session:
        opened = dialogs.load(session, KEY)
        assert (opened.flow, opened.step, opened.data, opened.version) == ("deadline_form", "when",
                                                                            {"command": "deadline"}, first)
        dialogs.save(session, KEY, flow="deadline_form", step="title", data={"day": "2026-12-09", "标题": "整改"},
                     version=opened.version, now=NOW + timedelta(minutes=1))
    with db.transaction() as session:
        advanced = dialogs.load(session, KEY)
        assert advanced.step == "title" and advanced.data["标题"] == "整改" and advanced.version == first + 1
        assert advanced.updated_at == NOW + timedelta(minutes=1)
        dialogs.close(session, KEY, version=advanced.version)
    with db.transaction() as session:
        assert dialogs.load(session, KEY) is None


def test_a_step_from_a_stale_version_is_refused_and_writes_nothing(db):
    """Two replicas read version 1; the second to write must not overwrite the first one's step."""
    with db.transaction() as session:
        dialogs.save(session, KEY, flow="deadline_form", step="when", data={}, version=None, now=NOW)
    with db.transaction() as session:
        read_by_both = dialogs.load(session, KEY).version
    with db.transaction() as session:
        dialogs.save(session, KEY, flow="deadline_form", step="title", data={"by": "a"}, version=read_by_both, now=NOW)
    with pytest.raises(DialogConflict), db.transaction() as session:
        dialogs.save(session, KEY, flow="deadline_form", step="title", data={"by": "b"}, version=read_by_both,
                     now=NOW)
    with pytest.raises(DialogConflict), db.transaction() as session:
        dialogs.close(session, KEY, version=read_by_both)
    with db.transaction() as session:
        assert dialogs.load(session, KEY).data == {"by": "a"}


def test_two_forms_opened_at_once_for_one_person_and_chat_keep_one(db):
    with db.transaction() as session:
        dialogs.save(session, KEY, flow="deadline_form", step="when", data={"n": 1}, version=None, now=NOW)
    with pytest.raises(DialogConflict), db.transaction() as session:
        dialogs.save(session, KEY, flow="deadline_form", step="when", data={"n": 2}, version=None, now=NOW)
    with db.transaction() as session:
        assert dialogs.load(session, KEY).data == {"n": 1}


def test_forms_of_other_chats_and_channels_are_separate(db):
    group = DialogKey("telegram", "-100600", "16")
    other_channel = DialogKey("dingtalk", "16", "16")
    with db.transaction() as session:
        for key in (KEY, group, other_channel):
            dialogs.save(session, key, flow="deadline_form", step="when", data={"chat": key.chat_id},
                         version=None, now=NOW)
        dialogs.discard(session, KEY)
    with db.transaction() as session:
        assert dialogs.load(session, KEY) is None
        assert dialogs.load(session, group).data == {"chat": "-100600"}
        assert dialogs.load(session, other_channel) is not None
