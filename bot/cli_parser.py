"""The `officebot` argument parser, in Chinese: a mistyped command line gets 「错误:缺少必填参数 --csv」
and the usage, not argparse's English (`error: the following arguments are required`).

Every sub-command's parser is of this class too (argparse makes them of the parent's class).

    officebot feedback             # 用法:officebot feedback [-h] --csv [file]
                                   # 错误:缺少必填参数:--csv
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import NoReturn

# argparse's English messages (Python 3.11) and what the office reads instead.
MESSAGES = (
    (re.compile(r"the following arguments are required: (.+)"), "缺少必填参数:{0}"),
    (re.compile(r"argument (\S+): invalid int value: '(.*)'"), "参数 {0} 应为整数,「{1}」不是"),
    (re.compile(r"argument (\S+): invalid float value: '(.*)'"), "参数 {0} 应为数字,「{1}」不是"),
    (re.compile(r"argument (\S+): invalid choice: '(.*)' \(choose from (.+)\)"), "参数 {0} 不能是「{1}」,可选:{2}"),
    (re.compile(r"argument (\S+): expected one argument"), "参数 {0} 后面要写一个值"),
    (re.compile(r"argument (\S+): expected at least one argument"), "参数 {0} 后面至少要写一个值"),
    (re.compile(r"argument (\S+): not allowed with argument (\S+)"), "参数 {0} 不能与 {1} 同时使用"),
    (re.compile(r"unrecognized arguments: (.+)"), "无法识别的参数:{0}"),
    (re.compile(r"ambiguous option: (\S+) could match (.+)"), "参数 {0} 不明确,可能是:{1}"),
    (re.compile(r"one of the arguments (.+) is required"), "必须写其中一个参数:{0}"),
)


def in_chinese(message: str) -> str:
    """argparse's message in Chinese; one it does not know is kept as it is."""
    for pattern, chinese in MESSAGES:
        match = pattern.fullmatch(message)
        if match:
            return chinese.format(*(group.replace("'", "").replace(", ", "、") for group in match.groups()))
    return message


class HelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):  # type: ignore[no-untyped-def]
        super().add_usage(usage, actions, groups, "用法:" if prefix is None else prefix)


class ArgumentParser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        kwargs.setdefault("formatter_class", HelpFormatter)
        add_help = kwargs.pop("add_help", True)
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        if add_help:
            self.add_argument("-h", "--help", action="help", help="显示本帮助并退出")

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"错误:{in_chinese(message)}\n")
