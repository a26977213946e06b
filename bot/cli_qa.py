"""`officebot ask`, `ingest`, `examples` and `eval`: the rules Q&A on the command line.

    officebot ask "常务会议材料提前几天报送?"
    officebot ask --json "副区长出差跟谁请假?"
    printf '问题一\\n问题二\\n' | officebot ask --json       # one JSON object per line
    officebot ingest 办法.txt                                # no PATH: bundled corpus + CORPUS_PATHS
    officebot examples 办法.txt      # the LLM drafts 办法.questions.tsv; read it, then ingest again
    officebot eval ../shared/eval/dev-questions.jsonl --json
    officebot eval bench/questions/validation.jsonl bench/questions/blind.jsonl   # refusal per file and together
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bootstrap.settings import get_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    ask = subparsers.add_parser("ask", help="查询规则 (ask \"问题\")")
    ask.add_argument("question", nargs="?", help="问题;配合 --json 省略时从标准输入逐行读取")
    ask.add_argument("--json", action="store_true", help="输出 JSON")
    ask.set_defaults(func=_ask)

    ingest = subparsers.add_parser("ingest", help="导入规则文件 (.txt/.md/.docx/.pdf)")
    ingest.add_argument("paths", nargs="*", type=Path, help="文件;省略时导入内置规则和 CORPUS_PATHS")
    ingest.set_defaults(func=_ingest)

    examples = subparsers.add_parser("examples", help="用配置的大模型为规则文件起草示例问题 (NAME.questions.tsv)")
    examples.add_argument("path", type=Path, help="规则文件 (.txt/.md/.docx/.pdf)")
    examples.add_argument("--per-article", type=int, default=6, help="每条条款起草几个问题 (1–20,默认 6)")
    examples.add_argument("--force", action="store_true", help="覆盖已有的示例问题文件")
    examples.set_defaults(func=_examples)

    evaluate = subparsers.add_parser("eval", help="用问题集评测问答效果")
    evaluate.add_argument("files", nargs="+", type=Path, metavar="FILE",
                          help="JSONL 问题文件 (question, articles, answer_facts, kind, lang);多个文件时另列各文件的拒答情况")
    evaluate.add_argument("--json", action="store_true", help="输出 JSON")
    evaluate.set_defaults(func=_eval)


def _fail(message: str) -> int:
    print(f"错误:{message}", file=sys.stderr)
    return 2


def _open_qa(*, build_if_empty: bool = True):
    from bootstrap.qa_engine import open_rules_qa

    return open_rules_qa(get_settings(), build_if_empty=build_if_empty)


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
    from bootstrap.qa_engine import default_corpus

    settings = get_settings()
    try:
        qa = _open_qa(build_if_empty=False)
        defaults = [] if args.paths else default_corpus(settings)
        if args.paths and not qa.searcher.documents:
            # A fresh index gets the bundled rule book and CORPUS_PATHS too, so ingesting the
            # office's own files never leaves every question about the bundled book unanswered.
            defaults = default_corpus(settings)
            print("索引是空的:同时导入内置规则和 CORPUS_PATHS。")
        report = qa.ingest(args.paths, defaults=defaults)
    except ValueError as error:  # CorpusError / EmbeddingConfigError: Chinese, names the file
        return _fail(str(error))
    for path in report.withheld:
        print(f"已删除过,未重新导入:{path}(要恢复,请运行 officebot ingest {path})")
    for title in report.added:
        print(f"已新增:{title}")
    for title in report.updated:
        print(f"已更新:{title}")
    if report.unchanged:
        print(f"未变化(跳过):{'、'.join(report.unchanged)}")
    print(f"索引共 {len(qa.searcher.articles)} 条条款,来自 {len(qa.searcher.documents)} 份文件。")
    return 0


def _examples(args: argparse.Namespace) -> int:
    from retrieval.example_writer import ExampleQuestionWriter
    from retrieval.examples import examples_path, format_examples
    from retrieval.sources import read_document

    settings = get_settings()
    if not (settings.llm_base_url and settings.llm_model):
        return _fail("未配置大模型:请在 .env 中设置 LLM_BASE_URL 和 LLM_MODEL(任何 OpenAI 兼容接口)。")
    if not 1 <= args.per_article <= 20:
        return _fail("--per-article 应在 1 到 20 之间。")
    target = examples_path(args.path)
    if target.exists() and not args.force:
        return _fail(f"{target} 已存在:请先检查或备份;要重新起草请加 --force。")
    try:
        document = read_document(args.path, with_examples=False)
    except ValueError as error:  # CorpusError: Chinese, names the file
        return _fail(str(error))
    writer = ExampleQuestionWriter(
        base_url=settings.llm_base_url,
        model=settings.llm_model,
        api_key=settings.llm_api_key,
        # Drafting is a batch job, not a chat reply: a slow local model gets at least a minute an article.
        timeout_seconds=max(settings.llm_timeout_seconds, 60.0),
        per_article=args.per_article,
    )
    drafted = writer.run(document)
    if not drafted.examples:
        return _fail("大模型没有给出可用的问题(原因见日志),未写入文件。")
    header = (
        f"Example questions for {args.path.name}, drafted by {settings.llm_model} (officebot examples).\n"
        f"Read and edit them, then run: officebot ingest {args.path}"
    )
    partial = target.with_name(target.name + ".part")
    partial.write_text(format_examples(drafted.examples, header=header), encoding="utf-8")
    partial.replace(target)  # a half-written file never lies where ingest would read it
    drafted_articles = len(document.articles) - len(drafted.failed_articles)
    print(f"已为 {drafted_articles} 条条款起草 {len(drafted.examples)} 个示例问题,写入 {target}。")
    if drafted.failed_articles:
        print(f"未能起草的条款(可手工补充):{'、'.join(map(str, drafted.failed_articles))}")
    print(f"请检查、修改后运行:officebot ingest {args.path}")
    return 0


def _eval(args: argparse.Namespace) -> int:
    from retrieval.evaluation import EvalFileError, Evaluator, load_questions

    try:
        questions = [question for path in args.files for question in load_questions(path)]
        qa = _open_qa()
    except (EvalFileError, ValueError) as error:
        return _fail(str(error))
    if not qa.searcher.documents:
        return _fail("索引是空的:请先运行 officebot ingest。")
    report = Evaluator(qa.ask_ranked, default_document=qa.searcher.documents[0].title).run(questions)
    print(json.dumps(report.summary(), ensure_ascii=False, indent=2) if args.json else report.table())
    return 0
