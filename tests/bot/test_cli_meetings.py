"""`officebot agenda export` on the command line: a day with two meetings of one type."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from bot.cli import main
from office.dates import format_day
from office.directory import add_member
from office.meetings import register_meetings
from storage.agenda import MeetingType
from storage.people import Role


def test_export_picks_one_of_two_meetings_of_a_type_by_time_or_number(db, tmp_path, monkeypatch, capsys, clock):
    day = clock.now().date() + timedelta(days=10)
    with db.transaction() as session:
        add_member(session=session, actor=None, telegram_id=1, name="王区长", unit="区政府", role=Role.MAYOR)
        for hour, place in ((9, "第一会议室"), (15, "第二会议室")):
            register_meetings(session=session, kind=MeetingType.MAYOR_TOPIC, starts_at=datetime.combine(day, time(hour), clock.tz),
                              place=place, chair_name=None, weeks=1, actor=None, admin_ids=(), now=clock.now())
    monkeypatch.setenv("DATABASE_URL", db.url)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setenv("CLOCK_SHIFT_SECONDS", str(clock.shift.total_seconds()))
    from bootstrap.settings import get_settings

    get_settings.cache_clear()
    try:
        export = ["agenda", "export", "--date", day.isoformat(), "--type", "区长专题会议"]
        assert main(export) == 2
        refused = capsys.readouterr().err
        assert main([*export, "--time", "15:00", "--output", str(tmp_path / "afternoon.md")]) == 0
        assert main([*export, "--id", "1", "--output", str(tmp_path / "morning.md")]) == 0
        assert main([*export, "--time", "25:00"]) == 2
        bad_time = capsys.readouterr().err
    finally:
        get_settings.cache_clear()
    assert "有 2 个区长专题会议" in refused and "请写明会议类型" not in refused
    assert "#1 09:00 区长专题会议,第一会议室" in refused and "#2 15:00 区长专题会议,第二会议室" in refused
    assert "加 --time 09:00 或 --id 1" in refused
    assert "第二会议室" in (tmp_path / "afternoon.md").read_text(encoding="utf-8")
    assert "第一会议室" in (tmp_path / "morning.md").read_text(encoding="utf-8")
    assert "看不懂时间「25:00」" in bad_time


def test_mistyped_dates_and_times_are_explained_in_chinese_with_command_line_hints(db, tmp_path, monkeypatch, capsys,
                                                                                   clock):
    day = clock.now().date() + timedelta(days=10)
    monkeypatch.setenv("DATABASE_URL", db.url)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setenv("CLOCK_SHIFT_SECONDS", str(clock.shift.total_seconds()))
    from bootstrap.settings import get_settings

    get_settings.cache_clear()
    try:
        errors = []
        for argv in (["meetings", "add", "--date", day.isoformat(), "--time", "25:00", "--type", "常务会议"],
                     ["meetings", "add", "--date", "2026-13-09", "--time", "09:00", "--type", "常务会议"],
                     ["agenda", "export", "--date", day.isoformat()]):
            assert main(argv) == 2
            errors.append(capsys.readouterr().err.strip())
    finally:
        get_settings.cache_clear()
    assert errors == [
        "错误:看不懂时间「25:00」,请按 24 小时制写成 --time 09:00 或 --time 15:30",
        "错误:「2026-13-09」不是有效日期,请写成 --date 2026-12-09",
        f"错误:{format_day(day)} 没有已登记的会议,请用 officebot meetings list 查看近期会议。",
    ]
