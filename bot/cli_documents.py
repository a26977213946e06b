"""`officebot documents list|remove`: the rule documents in the index, and taking one out of it.

    officebot documents list
    officebot documents remove 示范街道办公用品管理办法       # by title, or by the key `list` shows
    officebot documents remove tongzhou-government-work-rules-2022 --bundled   # the bundled book: on purpose only

A removed document's articles are no longer found or cited. A bare `officebot ingest` (and so
`make run`) does not bring it back; `officebot ingest PATH` with its file does.
"""

from __future__ import annotations

import argparse
import sys

from bootstrap.settings import get_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    documents = subparsers.add_parser("documents", help="已建立索引的规则文件 (list|remove)")
    actions = documents.add_subparsers(dest="documents_command", required=True, metavar="ACTION")
    listing = actions.add_parser("list", help="列出文件:标题、条款数、建立索引的时间、来源")
    listing.set_defaults(func=_list)
    remove = actions.add_parser("remove", help="从索引中删除一份文件,机器人不再引用它")
    remove.add_argument("document", help="文件标题或编号 (见 documents list)")
    remove.add_argument("--bundled", action="store_true", help="确认删除随程序提供的内置规则库")
    remove.set_defaults(func=_remove)


def _fail(message: str) -> int:
    print(f"错误:{message}", file=sys.stderr)
    return 2


def _open_qa():  # type: ignore[no-untyped-def]
    from bootstrap.qa_engine import open_rules_qa

    return open_rules_qa(get_settings(), build_if_empty=False)


def _list(args: argparse.Namespace) -> int:
    from retrieval.sources import bundled_keys

    settings = get_settings()
    try:
        documents = _open_qa().searcher.documents
    except ValueError as error:  # embedding configuration problems carry Chinese messages
        return _fail(str(error))
    if not documents:
        print("索引是空的:请运行 officebot ingest。")
        return 0
    bundled = bundled_keys()
    print("编号\t标题\t条款数\t建立索引\t来源")
    for document in documents:
        when = document.indexed_at.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M") if document.indexed_at else "—"
        source = "内置规则库" if document.key in bundled else (document.source or "—")
        print(f"{document.key}\t{document.title}\t{len(document.articles)}\t{when}\t{source}")
    return 0


def _remove(args: argparse.Namespace) -> int:
    from bootstrap.services import Services
    from retrieval.service import BundledDocumentError, DocumentError
    from storage import audit

    try:
        qa = _open_qa()
        document = qa.remove(args.document, bundled_ok=args.bundled)
    except BundledDocumentError as error:
        return _fail(f"{error}请加 --bundled:officebot documents remove {args.document} --bundled")
    except (DocumentError, ValueError) as error:
        return _fail(str(error))
    with Services.create().db.transaction() as session:
        audit.record(session, action="removed", entity="document", entity_id=0,
                     detail={"key": document.key, "title": document.title, "source": document.source})
    print(f"已删除:{document.title}({len(document.articles)} 条),机器人不再引用它。")
    print(f"要恢复,请运行 officebot ingest {document.source or '文件路径'}")
    left = qa.searcher.documents
    print(f"索引现有 {len(qa.searcher.articles)} 条条款,来自 {len(left)} 份文件。")
    return 0
