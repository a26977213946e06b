"""The text of a PDF's text layer (pypdf), laid back into the lines the rule parser reads.

A PDF breaks every paragraph into lines the width of the page; the parser would take each short
line without closing punctuation for a heading and cut the article there. So a line that fills the
page's measure (within two characters of the widest line in the file, CJK counted as one, ASCII as
half) runs on into the next one, unless it ends a sentence (。!?), or ends a clause (;:) before a
line that opens an item, an article or a chapter. A sentence that ends exactly at the margin thus
splits its paragraph in two, which changes no word of the article; joining there instead would also
glue a paragraph, a heading or web-page furniture that follows onto the article.

Page numbers (`— 3 —`, `第3页`) are dropped, and text whose CJK characters are letter-spaced
(`第 一 条`) is closed up. A PDF without a text layer (a scan) yields '', which the caller reports.

Example::

    text = pdf_text(Path("条例.pdf"))    # PdfTextError with a Chinese message for an unreadable file
"""

from __future__ import annotations

import re
from pathlib import Path

_PAGE_NUMBER = re.compile(r"^[-—–－\s]*\d+[-—–－\s]*$|^第\s*\d+\s*页(\s*共\s*\d+\s*页)?$|^\d+\s*/\s*\d+$")
_SENTENCE_END = tuple("。!！?？")
_CLAUSE_END = tuple(";；:：")
_UNIT_START = re.compile(r"^([(（][一二三四五六七八九十]+[)）]|第[一二三四五六七八九十百零〇\d]+[章节条]|[一二三四五六七八九十]+、)")
_CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
_SPACED_CJK = re.compile(rf"(?<=[{_CJK}]) (?=[{_CJK}])")
_ADJACENT_CJK = re.compile(rf"(?<=[{_CJK}])(?=[{_CJK}])")
_WRAP_TOLERANCE = 2.0  # characters a full line may fall short of the widest one (line-breaking rules)
_MIN_MEASURE = 15.0  # narrower text is not wrapped prose


class PdfTextError(ValueError):
    """The PDF cannot be read (damaged, encrypted); the message is Chinese."""


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise PdfTextError("PDF 文件有密码保护,无法读取文字。请提供未加密的文件。")
        pages = [page.extract_text() or "" for page in reader.pages]
    except PdfTextError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        raise PdfTextError("无法读取 PDF 文件,请确认它是有效的 PDF。") from error
    lines = [line for page in pages for line in _page_lines(page)]
    return "\n".join(_unwrapped(lines))


def _page_lines(page: str) -> list[str]:
    if len(_SPACED_CJK.findall(page)) > len(_ADJACENT_CJK.findall(page)):
        page = _SPACED_CJK.sub("", page)  # letter-spaced: more spaced CJK pairs than touching ones
    lines = [line.strip() for line in page.splitlines()]
    return [line for line in lines if line and not _PAGE_NUMBER.match(line)]


def _width(line: str) -> float:
    return sum(0.5 if ord(char) < 0x2000 else 1.0 for char in line)


def _unwrapped(lines: list[str]) -> list[str]:
    measure = max((_width(line) for line in lines), default=0.0)
    if measure < _MIN_MEASURE:
        return lines
    joined = lines[:1]
    for previous, line in zip(lines, lines[1:]):
        full = _width(previous) >= measure - _WRAP_TOLERANCE
        ends = previous.endswith(_SENTENCE_END) or (previous.endswith(_CLAUSE_END) and _UNIT_START.match(line))
        if full and not ends:
            joined[-1] += line
        else:
            joined.append(line)
    return joined
