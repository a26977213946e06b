"""A minimal PDF writer for the tests (imported by them; not a test): Chinese text in the standard
Adobe CJK font STSong-Light (not embedded, as many government PDFs are), encoded UniGB-UTF16-H, laid
out as a word processor would: each paragraph wrapped at the page's measure, a page number at the foot.

    write_pdf(path, ["标题", "第一条 ……"], measure=30)     # one text line per output line
    write_pdf(path, [])                                     # one page without a text layer (a scan)
"""

from __future__ import annotations

from pathlib import Path

LINES_PER_PAGE = 40
FONT_SIZE = 12


def _width(text: str) -> float:
    return sum(0.5 if ord(char) < 0x2000 else 1.0 for char in text)


def wrap(paragraph: str, measure: int) -> list[str]:
    """The paragraph cut into lines at most `measure` wide (CJK one, ASCII half)."""
    lines, line = [], ""
    for char in paragraph:
        if line and _width(line + char) > measure:
            lines.append(line)
            line = ""
        line += char
    return [*lines, line] if line else lines


def write_pdf(path: Path, paragraphs: list[str], *, measure: int = 30) -> None:
    lines = [line for paragraph in paragraphs if paragraph.strip() for line in wrap(paragraph.strip(), measure)]
    pages = [lines[i : i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)] or [[]]
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, once the pages are numbered
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UTF16-H /DescendantFonts [4 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /FontDescriptor 5 0 R"
        b" /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /DW 1000 >>",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880]"
        b" /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
    ]
    kids = []
    for number, page in enumerate(pages, start=1):
        text_lines = page if not paragraphs else [*page, f"— {number} —"]
        ops = []
        for row, line in enumerate(text_lines):
            y = 800 - row * 18 if row < len(page) else 40
            ops.append(f"BT /F1 {FONT_SIZE} Tf 72 {y} Td <{line.encode('utf-16-be').hex()}> Tj ET")
        stream = "\n".join(ops).encode("ascii")
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        content = len(objects)
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >>"
                       b" /Contents %d 0 R >>" % content)
        kids.append(len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (" ".join(f"{k} 0 R" for k in kids).encode(), len(kids))
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
