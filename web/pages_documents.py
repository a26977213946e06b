"""规则库 (/documents, office only): the indexed rule documents (when indexed, from where), with 删除
to take one out of the index (the bundled rule book only with a ticked confirmation; audited); upload one
(.txt, .md, .docx, .pdf), read its parsed articles before anything is indexed, then index it; a question box
answering exactly as the bot does (retrieval's RulesQA, the same engine and index).

Uploads wait in DATA_DIR/uploads until indexed; `officebot ingest` reads them the same way.
"""

from __future__ import annotations

import re
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from office.actors import record_audit
from office.console_access import Viewer
from retrieval.document import RuleDocument
from retrieval.service import BundledDocumentError, DocumentError, QuestionError
from retrieval.sources import SUPPORTED_SUFFIXES, CorpusError, bundled_keys, read_document
from web.auth import Outcome, action, page, services_of
from web.rendering import render

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
UNSAFE = re.compile(r"[^\w\u4e00-\u9fff.-]")


def uploads_dir(request: Request) -> Path:
    path = services_of(request).settings.data_dir / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _upload_path(request: Request, name: str) -> Path | None:
    """The staged file of that name, never outside the uploads directory."""
    clean = UNSAFE.sub("_", Path(name).name)
    path = uploads_dir(request) / clean
    return path if clean and path.suffix.lower() in SUPPORTED_SUFFIXES else None


@page(office_only=True)
def documents(request: Request, viewer: Viewer) -> Response:
    services = services_of(request)
    question = request.query_params.get("q", "").strip()
    qa = services.qa
    answer, unsearchable = None, ""
    try:
        answer = qa.ask(question) if question else None
    except QuestionError as error:  # noise, only emoji …: the engine says what to ask instead
        unsearchable = str(error)
    bundled = bundled_keys()
    rows = [_row(request, document, document.key in bundled) for document in qa.searcher.documents]
    return render(request, "documents.html", {"documents": rows, "question": question, "answer": answer,
                                              "unsearchable": unsearchable, "suffixes": "、".join(SUPPORTED_SUFFIXES)})


def _row(request: Request, document: RuleDocument, bundled: bool) -> dict:
    uploads = uploads_dir(request)
    if bundled:
        source = "内置规则库"
    elif document.source and Path(document.source).parent == uploads:
        source = f"网页上传:{Path(document.source).name}"
    else:
        source = document.source or "—"
    return {"key": document.key, "title": document.title, "number": document.number, "bundled": bundled,
            "articles": len(document.articles), "chapters": len(document.chapters),
            "indexed_at": document.indexed_at, "source": source}


@action(office_only=True)
def _stage(request: Request, viewer: Viewer, form) -> Outcome:  # type: ignore[no-untyped-def]
    upload = form.get("file")
    if upload is None or not getattr(upload, "filename", ""):
        return Outcome("请选择要上传的文件。", back="/documents", refused=True)
    path = _upload_path(request, upload.filename)
    if path is None:
        return Outcome(f"不支持的文件类型,请上传 {'、'.join(SUPPORTED_SUFFIXES)} 文件。", back="/documents", refused=True)
    content = upload.file.read(MAX_UPLOAD_BYTES + 1)
    if len(content) > MAX_UPLOAD_BYTES:
        return Outcome("文件太大(最多 5 MB)。", back="/documents", refused=True)
    path.write_bytes(content)
    try:
        document = read_document(path)
    except CorpusError as exc:
        path.unlink(missing_ok=True)
        return Outcome(str(exc).replace(str(path), upload.filename), back="/documents", refused=True)
    request.state.parsed = (path.name, document)
    return Outcome(f"已读取「{document.title}」,共 {len(document.articles)} 条。请核对后建立索引。", back="/documents")


async def preview(request: Request) -> Response:
    """The upload, stored in DATA_DIR/uploads and parsed: its articles shown, nothing indexed yet."""
    response = await _stage(request)
    parsed = getattr(request.state, "parsed", None)
    if parsed is None:
        return response
    name, document = parsed
    return render(request, "document_preview.html", {"name": name, "document": document})


@action(office_only=True)
def index(request: Request, viewer: Viewer, form) -> Outcome:  # type: ignore[no-untyped-def]
    services = services_of(request)
    path = _upload_path(request, str(form.get("name", "")))
    if path is None or not path.is_file():
        return Outcome("没有找到待建立索引的文件,请重新上传。", back="/documents", refused=True)
    try:
        report = services.qa.ingest([path])
    except ValueError as exc:
        return Outcome(str(exc), back="/documents", refused=True)
    titles = report.added + report.updated
    with services.db.transaction() as session:
        record_audit(session, viewer.actor, action="indexed", entity="document", entity_id=0,
                     detail={"file": path.name, "added": report.added, "updated": report.updated})
    if not titles:
        return Outcome(f"「{'、'.join(report.unchanged)}」内容未变化,无需重新建立索引。", back="/documents")
    return Outcome(f"已建立索引:{'、'.join(titles)}。机器人现在可以引用它作答。", back="/documents")


@action(office_only=True)
def remove(request: Request, viewer: Viewer, form) -> Outcome:  # type: ignore[no-untyped-def]
    services = services_of(request)
    key = str(form.get("key", ""))
    try:
        document = services.qa.remove(key, bundled_ok=form.get("bundled") == "yes")
    except BundledDocumentError as exc:
        return Outcome(f"{exc}请勾选「确认删除内置规则库」后再按删除。", back="/documents", refused=True)
    except DocumentError as exc:
        return Outcome(str(exc), back="/documents", refused=True)
    with services.db.transaction() as session:
        record_audit(session, viewer.actor, action="removed", entity="document", entity_id=0,
                     detail={"key": document.key, "title": document.title, "source": document.source})
    return Outcome(f"已删除「{document.title}」({len(document.articles)} 条):机器人不再引用它。", back="/documents")


ROUTES = [
    Route("/documents", documents),
    Route("/documents/preview", preview, methods=["POST"]),
    Route("/documents/index", index, methods=["POST"]),
    Route("/documents/remove", remove, methods=["POST"]),
]
