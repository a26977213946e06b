"""A mistyped `officebot` command line is answered in Chinese with the usage, never argparse's English."""

from __future__ import annotations

import pytest

from bot.cli import build_parser


@pytest.mark.parametrize(("argv", "error"), [
    (["feedback"], "错误:缺少必填参数:--csv"),
    (["meetings", "cancel", "--id", "3"], "错误:缺少必填参数:--reason"),
    (["users", "add", "--telegram-id", "abc", "--name", "甲", "--role", "工作人员", "--unit", "区财政局"],
     "错误:参数 --telegram-id 应为整数,「abc」不是"),
    (["agenda", "export", "--date", "2026-12-09", "--format", "pdf"], "错误:参数 --format 不能是「pdf」,可选:md、docx、csv"),
    (["meetings", "add", "--date"], "错误:参数 --date 后面要写一个值"),
    (["ask", "问题", "--bogus"], "错误:无法识别的参数:--bogus"),
])
def test_a_mistyped_command_line_is_refused_in_chinese(argv, error, capsys):
    with pytest.raises(SystemExit) as exit:
        build_parser().parse_args(argv)

    assert exit.value.code == 2
    usage, message = capsys.readouterr().err.strip().rsplit("\n", 1)
    assert usage.startswith("用法:officebot ")
    assert message == error


def test_help_is_in_chinese(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["feedback", "--help"])

    shown = capsys.readouterr().out
    assert shown.startswith("用法:officebot feedback")
    assert "选项:" in shown and "-h, --help  显示本帮助并退出" in shown
    assert "usage" not in shown and "show this help" not in shown
