"""`officebot users …` names a person by their Telegram id, their DingTalk id, or both."""

from __future__ import annotations

import pytest

from bot.cli import main
from office.directory import find_member


@pytest.fixture
def cli(db, tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", db.url)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    from bootstrap.settings import get_settings

    get_settings.cache_clear()
    yield main
    get_settings.cache_clear()


def test_a_person_registered_on_dingtalk_gets_a_telegram_account_later(cli, db, capsys):
    assert cli(["users", "add", "--dingtalk-id", "manager4521", "--name", "李四", "--role", "工作人员",
                "--unit", "区财政局"]) == 0
    assert cli(["users", "set", "--dingtalk-id", "manager4521", "--telegram-id", "1001"]) == 0
    assert cli(["users", "list"]) == 0
    listing = capsys.readouterr().out
    assert "1001 / 钉钉:manager4521 李四 区财政局 工作人员" in listing
    with db.transaction() as session:
        by_dingtalk = find_member(session=session, channel="dingtalk", account="manager4521")
        assert by_dingtalk == find_member(session=session, telegram_id=1001)
        assert by_dingtalk is not None and by_dingtalk.name == "李四"


def test_an_account_of_someone_else_is_refused_and_nothing_changes(cli, db, capsys):
    assert cli(["users", "add", "--telegram-id", "1001", "--name", "甲", "--role", "工作人员", "--unit", "区财政局"]) == 0
    assert cli(["users", "add", "--dingtalk-id", "u2", "--name", "乙", "--role", "工作人员", "--unit", "区财政局"]) == 0
    assert cli(["users", "set", "--telegram-id", "1001", "--dingtalk-id", "u2", "--name", "丙"]) == 2
    assert "不是同一人" in capsys.readouterr().err
    with db.transaction() as session:
        first = find_member(session=session, telegram_id=1001)
        assert first is not None and first.name == "甲" and first.dingtalk_id is None


def test_remove_by_dingtalk_id(cli, db):
    assert cli(["users", "add", "--dingtalk-id", "u3", "--name", "丁", "--role", "工作人员", "--unit", "区教委"]) == 0
    assert cli(["users", "remove", "--dingtalk-id", "u3"]) == 0
    with db.transaction() as session:
        assert find_member(session=session, channel="dingtalk", account="u3") is None
