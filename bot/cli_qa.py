"""`officebot ask`, `officebot ingest` and `officebot eval`: the rules Q&A on the command line.

    officebot ask "常务会议材料提前几天报送?"
    officebot ask --json "副区长出差跟谁请假?"
    printf '问题一\\n问题二\\n' | officebot ask --json       # one JSON object per line
    officebot ingest 办法.txt                                # no PATH: bundled corpus + CORPUS_PATHS
    officebot eval ../shared/eval/dev-questions.jsonl --json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.settings import get_settings  # first: sets the telemetry switches before chromadb loads


def register(subparsers: argparse._SubParsersAction) -> None:
    ask = subparsers.add_parser("ask", help="查询规则 (ask \"问题\")")
    ask.add_argument("question", nargs="?", help="问题;配合 --json 省略时从标准输入逐行读取")
    ask.add_argument("--json", action="store_true", help="输出 JSON")
    ask.set_defaults(func=_ask)

    ingest = subparsers.add_parser("ingest", help="导入规则文件 (.txt/.md/.docx)")
    ingest.add_argument("paths", nargs="*", type=Path, help="文件;省略时导入内置规则和 CORPUS_PATHS")
    ingest.set_defaults(func=_ingest)

    evaluate = subparsers.add_parser("eval", help="用问题集评测问答效果")
    evaluate.add_argument("file", type=Path, help="JSONL 问题文件 (question, articles, answer_facts, kind, lang)")
    evaluate.add_argument("--json", action="store_true", help="输出 JSON")
    evaluate.set_defaults(func=_eval)


def _fail(message: str) -> int:
    print(f"错误:{message}", file=sys.stderr)
    return 2


def _open_qa(*, build_if_empty: bool = True):
    from retrieval.service import RulesQA

    return RulesQA.from_settings(get_settings(), build_if_empty=build_if_empty)


def _ask(args: argparse.Namespace) -> int:
    from retrieval.service import QuestionError

    if args.question is None and not args.json:
        return _fail("请给出问题,例如:officebot ask \"常务会议材料提前几天报送?\"")
    if args.question is not None and not args.question.strip():
        return _fail("问题是空的:请输入想查询的规定。")
    try:
        qa = _open_qa()
    except ValueError as error:  # embedding/corpus configuration problems carry Chinese messages
        return _fail(str(error))
    if args.question is not None:
        try:
            answer = qa.ask(args.question)
        except QuestionError as error:
            return _fail(str(error))
        print(json.dumps(answer.to_json(), ensure_ascii=False) if args.json else answer.text)
        return 0
    status = 0
    for line in sys.stdin:
        question = line.rstrip("\n")
        if not question.strip():
            continue
        try:
            print(json.dumps(qa.ask(question).to_json(), ensure_ascii=False), flush=True)
        except QuestionError as error:
            print(f"错误:{error}", file=sys.stderr)
            row = {"question": question, "answered": False, "answer": str(error), "citations": [], "error": str(error)}
            print(json.dumps(row, ensure_ascii=False), flush=True)
            status = 2
    return status


def _ingest(args: argparse.Namespace) -> int:
    from retrieval.service import default_corpus

    settings = get_settings()
    try:
        qa = _open_qa(build_if_empty=False)
        report = qa.ingest(args.paths or default_corpus(settings))
    except ValueError as error:  # CorpusError / EmbeddingConfigError: Chinese, names the file
        return _fail(str(error))
    for title in report.added:
        print(f"已新增:{title}")
    for title in report.updated:
        print(f"已更新:{title}")
    if report.unchanged:
        print(f"未变化(跳过):{'、'.join(report.unchanged)}")
    print(f"索引共 {len(qa.searcher.articles)} 条条款,来自 {len(qa.searcher.documents)} 份文件。")
    return 0


def _eval(args: argparse.Namespace) -> int:
    from retrieval.evaluation import EvalFileError, Evaluator, load_questions

    try:
        questions = load_questions(args.file)
        qa = _open_qa()
    except (EvalFileError, ValueError) as error:
        return _fail(str(error))
    if not qa.searcher.documents:
        return _fail("索引是空的:请先运行 officebot ingest。")
    report = Evaluator(qa.ask_ranked, default_document=qa.searcher.documents[0].title).run(questions)
    print(json.dumps(report.summary(), ensure_ascii=False, indent=2) if args.json else report.table())
    return 0
