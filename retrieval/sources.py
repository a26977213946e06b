"""Reading rule documents from disk: UTF-8 .txt/.md, .docx and PDF with a text layer
(retrieval/pdf_text.py), with their example questions (retrieval/examples.py), plus the bundled rule book.

Example::

    doc = read_document(Path("办法.txt"))    # RuleDocument, or CorpusError with a Chinese message
    paths = bundled_corpus_paths()
    bundled_keys()                           # {'tongzhou-government-work-rules-2022'}
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from importlib import resources
from pathlib import Path

from retrieval.document import RuleDocument
from retrieval.examples import ExampleFileError, examples_path, parse_examples
from retrieval.parser import ParseError, RuleParser
from retrieval.pdf_text import PdfTextError, pdf_text

SUPPORTED_SUFFIXES = (".txt", ".md", ".docx", ".pdf")


class CorpusError(ValueError):
    """A corpus file cannot be ingested; the message is Chinese and names the file."""


def bundled_corpus_paths() -> list[Path]:
    """The rule documents shipped inside the package (the 通州 rules)."""
    corpus = resources.files("retrieval").joinpath("corpus")
    return sorted(Path(str(entry)) for entry in corpus.iterdir() if entry.name.endswith((".txt", ".md")))


def bundled_keys() -> set[str]:
    """The document keys of the bundled rule book: removing one of these needs a clear confirmation."""
    return {document_key(path) for path in bundled_corpus_paths()}


def document_key(path: Path) -> str:
    """The file stem when it is short and ASCII (fits Telegram callback data), else a hash of it."""
    stem = path.stem
    if re.fullmatch(r"[A-Za-z0-9._-]{1,40}", stem):
        return stem
    return "doc-" + hashlib.sha1(stem.encode("utf-8")).hexdigest()[:10]


def read_document(path: Path, parser: RuleParser | None = None, *, with_examples: bool = True) -> RuleDocument:
    """Read and parse one file with its example questions (none when `with_examples` is False);
    every problem becomes a `CorpusError`."""
    if not path.is_file():
        raise CorpusError(f"找不到文件:{path}")
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise CorpusError(f"不支持的文件类型 {path.suffix or '(无扩展名)'}:{path}。请提供 UTF-8 编码的 .txt/.md、.docx 或 .pdf 文件。")
    raw = path.read_bytes()
    suffix = path.suffix.lower()
    text = _docx_text(path) if suffix == ".docx" else _pdf_text(path) if suffix == ".pdf" else _utf8_text(path, raw)
    if not text.strip() and suffix == ".pdf":
        raise CorpusError(f"PDF 文件没有文字层(可能是扫描件):{path}。请提供带文字的 PDF,或先做文字识别(OCR)后再导入;没有建立任何索引。")
    if not text.strip():
        raise CorpusError(f"文件是空的:{path}。请提供有条文内容的规则文件。")
    examples = examples_path(path)
    try:
        examples_raw = examples.read_bytes() if with_examples and examples.is_file() else None
    except OSError as error:
        raise CorpusError(f"无法读取示例问题文件:{examples}({error.strerror})。") from error
    digest = hashlib.sha256(raw)
    if examples_raw is not None:
        digest.update(b"\0" + examples_raw)  # edited example questions re-index the document
    try:
        document = (parser or RuleParser()).run(
            text, key=document_key(path), sha256=digest.hexdigest(), name=path.stem
        )
    except ParseError as error:
        raise CorpusError(f"{path}:{error}") from error
    document = replace(document, source=str(path))
    if examples_raw is None:
        return document
    try:
        found = parse_examples(examples_raw, path=examples, articles={a.number for a in document.articles})
    except ExampleFileError as error:
        raise CorpusError(str(error)) from error
    return replace(document, examples=found)


def _utf8_text(path: Path, raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CorpusError(f"文件不是 UTF-8 编码:{path}。请另存为 UTF-8 后再导入。") from error


def _pdf_text(path: Path) -> str:
    try:
        return pdf_text(path)
    except PdfTextError as error:
        raise CorpusError(f"{path}:{error}") from error


def _docx_text(path: Path) -> str:
    import docx

    try:
        return "\n".join(paragraph.text for paragraph in docx.Document(str(path)).paragraphs)
    except Exception as error:  # python-docx raises several kinds for a damaged file
        raise CorpusError(f"无法读取 Word 文件:{path}。请确认它是有效的 .docx 文件。") from error
