"""A malformed HOLIDAY_CALENDAR_FILE stops `officebot chat` / `officebot run` at the start with a
message naming the line, instead of a traceback (or 出错了) at the first deadline that needs it."""

from __future__ import annotations

from bot.chat import run_chat
from bootstrap.services import Services
from bootstrap.settings import Settings
from bot.startup_checks import config_problem


def test_a_bad_calendar_line_is_named_with_what_to_do(db, tmp_path):
    path = tmp_path / "holidays.txt"
    path.write_text("2027-10-01 休 国庆节\n2027-13-40 班\n", encoding="utf-8")
    services = Services(Settings(_env_file=None, data_dir=tmp_path, holiday_calendar_file=path), db)

    problem = config_problem(services)

    assert problem == (f"节假日安排文件(HOLIDAY_CALENDAR_FILE)有误:{path} 第2行日期不存在:“2027-13-40 班”。"
                       "请改正该文件,或清空 HOLIDAY_CALENDAR_FILE 后重新启动。")


def test_a_good_calendar_file_is_no_problem(db, tmp_path):
    path = tmp_path / "holidays.txt"
    path.write_text("2027-10-01 休 国庆节\n", encoding="utf-8")
    assert config_problem(Services(Settings(_env_file=None, data_dir=tmp_path, holiday_calendar_file=path), db)) is None


def test_the_terminal_chat_refuses_to_start_on_a_bad_calendar(tmp_path, monkeypatch, capsys):
    path = tmp_path / "holidays.txt"
    path.write_text("2027-10-01 放假\n", encoding="utf-8")
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setenv("HOLIDAY_CALENDAR_FILE", str(path))
    from bootstrap.settings import get_settings

    get_settings.cache_clear()
    try:
        status = run_chat(user_id=10_000)
    finally:
        get_settings.cache_clear()

    assert status == 2
    err = capsys.readouterr().err
    assert err.startswith("错误:节假日安排文件(HOLIDAY_CALENDAR_FILE)有误:") and "第1行无法识别" in err
    assert "Traceback" not in err
