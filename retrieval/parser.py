"""Turn the text of a rule document into chapters and articles.

Handles the two numbering styles of Chinese rule documents, `一、` (the bundled 通州 rules) and
`第X条` (most regulations), and falls back to one article per paragraph when neither is found.
Web-page boilerplate before the first heading and after the last article is dropped.

Example::

    >>> doc = RuleParser().run("第一章 总则\\n第一条 为了规范工作，制定本办法。\\n第二条 本办法自发布之日起施行。", key="demo")
    >>> [a.label for a in doc.articles], doc.articles[0].chapter
    (['第一条', '第二条'], '第一章 总则')
"""

from __future__ import annotations

import hashlib
import re

from retrieval.document import Article, RuleDocument
from retrieval.numerals import CHINESE_NUMERAL_CHARS, chinese_to_int, int_to_chinese

_NUM = f"[{CHINESE_NUMERAL_CHARS}]+"
_CHAPTER = re.compile(rf"^第({_NUM})章\s*(.{{0,30}})$")
_ENUM_ARTICLE = re.compile(rf"^({_NUM})、\s*(.*)$")  # 四十八、…
_TIAO_ARTICLE = re.compile(rf"^第({_NUM}|\d+)条\s*(.*)$")  # 第四十八条 …
_ITEM = re.compile(rf"^[(（]({_NUM})?[)）]")  # (一) … and the empty () of article 五十
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,8}〔\d{4}〕\d+号")
_DECREE_NUMBER = re.compile(r"[\u4e00-\u9fff]{0,3}令第\d+号")
_TITLE_ENDINGS = ("规则", "条例", "办法", "规定", "细则", "制度", "准则", "章程", "法", "规程", "守则")
# Web-page furniture around the rule text on government sites.
_BOILERPLATE = re.compile(r"分享|字号|主办[::]|承办[::]|网站标识码|ICP备|公网安备|相关解读|打印本页|关闭窗口|扫一扫")
_HAS_CHINESE = re.compile(r"[\u4e00-\u9fff]")
_FURNITURE = re.compile(r"[>＞|｜»]|首页|当前位置|您的位置")
_SENTENCE_END = tuple("。;；:：!！?？”)）")
_MIN_PARAGRAPH_CHARS = 10


class ParseError(ValueError):
    """The text has no usable rule content; the message is Chinese and says what to fix."""


class RuleParser:
    """Parses plain text (UTF-8, already decoded) into a `RuleDocument`.

    Usage::

        doc = RuleParser().run(path.read_text("utf-8"), key=path.stem)
    """

    def run(self, text: str, *, key: str, sha256: str | None = None, name: str = "") -> RuleDocument:
        """`name` (the file stem) is the title when the text has no heading to take one from."""
        if not key:
            raise ValueError("key must not be empty")
        lines = [_clean_line(line) for line in text.splitlines()]
        if not any(lines):
            raise ParseError("文件为空:没有可以索引的规则文字。")
        sha = sha256 or hashlib.sha256(text.encode("utf-8")).hexdigest()
        start = self._first_heading(lines)
        articles = self._numbered(lines, _ENUM_ARTICLE) or self._numbered(lines, _TIAO_ARTICLE)
        if not articles:
            articles = self._paragraphs(lines)
        if not articles:
            raise ParseError("文件中没有找到条款:需要「一、」或「第一条」编号的条文,或至少一段完整的文字。")
        preamble = lines[:start] if start is not None else lines[:1]
        return RuleDocument(
            key=key,
            title=_title(preamble) or _heading(preamble) or name or key,
            number=_number(text, preamble),
            articles=tuple(articles),
            sha256=sha,
        )

    @staticmethod
    def _first_heading(lines: list[str]) -> int | None:
        for index, line in enumerate(lines):
            if _CHAPTER.match(line) or _article_start(line, _ENUM_ARTICLE, 0) or _article_start(line, _TIAO_ARTICLE, 0):
                return index
        return None

    def _numbered(self, lines: list[str], pattern: re.Pattern[str]) -> list[Article]:
        """Articles numbered 1, 2, 3 … in sequence; an out-of-sequence number is body text."""
        articles: list[Article] = []
        chapter = chapter_of_current = ""
        current: tuple[int, list[str]] | None = None
        last_number = 0
        for line in lines:
            chapter_match = _CHAPTER.match(line)
            start = _article_start(line, pattern, last_number)
            if chapter_match or start or _ends_article(line):
                if current:
                    articles.append(_article(current[0], current[1], chapter_of_current))
                    current = None
            if chapter_match:
                title = re.sub(r"\s+", "", chapter_match.group(2))
                chapter = f"第{chapter_match.group(1)}章" + (f" {title}" if title else "")
            elif start:
                current = (start[0], [start[1]] if start[1] else [])
                last_number = start[0]
                chapter_of_current = chapter
            elif current and line:
                current[1].append(line)
        if current:
            articles.append(_article(current[0], current[1], chapter_of_current))
        return articles if len(articles) >= 2 else []

    @staticmethod
    def _paragraphs(lines: list[str]) -> list[Article]:
        paragraphs = [line for line in lines if len(line) >= _MIN_PARAGRAPH_CHARS and not _BOILERPLATE.search(line)]
        return [
            Article(number=n, label=f"第{n}段", chapter="", text=paragraph)
            for n, paragraph in enumerate(paragraphs, start=1)
        ]


def _clean_line(line: str) -> str:
    # str.strip() covers the EN SPACE (U+2002), NBSP and ideographic space of the sources;
    # leading '#' marks come from Markdown copies of regulations.
    return line.strip().lstrip("#").strip()


def _article_start(line: str, pattern: re.Pattern[str], previous: int) -> tuple[int, str] | None:
    match = pattern.match(line)
    if not match:
        return None
    try:
        number = chinese_to_int(match.group(1))
    except ValueError:
        return None
    return (number, match.group(2).strip()) if number == previous + 1 else None


def _ends_article(line: str) -> bool:
    """Boilerplate, or a heading-like line (short, no closing punctuation) such as a page title."""
    if not line:
        return False
    if _BOILERPLATE.search(line):
        return True
    return len(line) <= 60 and not line.endswith(_SENTENCE_END) and not _ITEM.match(line)


def _article(number: int, paragraphs: list[str], chapter: str) -> Article:
    items = tuple(p for p in paragraphs if _ITEM.match(p))
    return Article(
        number=number,
        label=f"第{int_to_chinese(number)}条",
        chapter=chapter,
        text="\n".join(paragraphs),
        items=items,
    )


def _title(preamble: list[str]) -> str:
    candidates = [line for line in preamble if line and len(line) <= 40 and not _BOILERPLATE.search(line)]
    for line in candidates:
        bare = re.sub(r"^[((].*?[))]", "", line)
        if bare.endswith(_TITLE_ENDINGS) and "关于印发" not in bare:
            return bare
    return ""


def _heading(preamble: list[str]) -> str:
    """The first line before the articles that reads like a heading: short, Chinese, not a sentence,
    a date or web-page furniture (a breadcrumb, a site banner)."""
    for line in preamble:
        if (
            line
            and len(line) <= 40
            and _HAS_CHINESE.search(line)
            and not line.endswith(_SENTENCE_END)
            and not line[0].isdigit()
            and not _BOILERPLATE.search(line)
            and not _FURNITURE.search(line)
        ):
            return line
    return ""


def _number(text: str, preamble: list[str]) -> str:
    match = _DOC_NUMBER.search(text)
    if match:
        return match.group(0)
    decrees = [m.group(0) for line in preamble for m in _DECREE_NUMBER.finditer(line)]
    return decrees[-1] if decrees else ""
