"""One meeting's agenda as a file for the office: Markdown, Word (.docx) or CSV.

Markdown and Word show the agenda (已列入议程, in order, with reporter and 分管副区长) and then the
items still under review; CSV lists every item of the meeting with its state, for spreadsheets
(UTF-8 with BOM so that Excel reads the Chinese). Try it::

    officebot agenda export --date 2026-12-09 --format docx --output 议程.docx
    /agenda export 2026-12-09 md        (in Telegram, office only)
"""

from __future__ import annotations

import csv
import io
from datetime import tzinfo

from docx import Document
from sqlalchemy.orm import Session

from office.agenda import meeting_agenda
from office.agenda_formats import FORMATS
from office.csv_safe import safe_cell
from office.meetings import meeting_label
from storage.agenda import AgendaItem, Meeting, items_of_meeting

COLUMNS = ("序号", "议题", "提出单位", "汇报人", "分管副区长", "涉及单位", "合法性审查意见", "特殊紧急", "状态")


class ExportError(ValueError):
    """An export that cannot be made; the message (Chinese) says why."""


def _row(item: AgendaItem) -> list[str]:
    legality = {"附件": f"附件 {item.legality_file_name or ''}".strip(), "已送达": "已送交"}.get(item.legality_review or "", "")
    return [
        str(item.position or ""),
        item.title,
        item.proposing_unit,
        item.reporter.name,
        item.overseer.name,
        "、".join(item.other_units),
        legality,
        (item.urgent_reason or "") if item.urgent else "",
        item.state,
    ]


def _markdown(title: str, scheduled: list[AgendaItem], pending: list[AgendaItem]) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = [f"# {title}", "", "| " + " | ".join(COLUMNS[:-1]) + " |", "|" + "---|" * (len(COLUMNS) - 1)]
    lines += ["| " + " | ".join(cell(value) for value in _row(item)[:-1]) + " |" for item in scheduled]
    if not scheduled:
        lines.append("")
        lines.append("(尚无已列入议程的议题)")
    if pending:
        lines += ["", "## 审核中的议题", ""]
        lines += [f"- {cell(item.title)}({cell(item.proposing_unit)},{item.state})" for item in pending]
    return "\n".join(lines) + "\n"


def _docx(title: str, scheduled: list[AgendaItem], pending: list[AgendaItem]) -> bytes:
    document = Document()
    document.add_heading(title, level=1)
    table = document.add_table(rows=1, cols=len(COLUMNS) - 1)
    table.style = "Table Grid"
    for cell, name in zip(table.rows[0].cells, COLUMNS[:-1], strict=True):
        cell.text = name
    for item in scheduled:
        for cell, value in zip(table.add_row().cells, _row(item)[:-1], strict=True):
            cell.text = value
    if not scheduled:
        document.add_paragraph("(尚无已列入议程的议题)")
    if pending:
        document.add_heading("审核中的议题", level=2)
        for item in pending:
            document.add_paragraph(f"{item.title}({item.proposing_unit},{item.state})", style="List Bullet")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _csv(items: list[AgendaItem]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows([safe_cell(cell) for cell in _row(item)] for item in items)
    return buffer.getvalue().encode("utf-8-sig")


def export_agenda(*, session: Session, meeting: Meeting, fmt: str, tz: tzinfo) -> tuple[str, bytes]:
    """(file name, content) of the meeting's agenda in `fmt` (md | docx | csv)."""
    if fmt not in FORMATS:
        raise ExportError(f"不支持的格式「{fmt}」,可选:{'、'.join(FORMATS)}")
    title = f"议程:{meeting_label(meeting, tz)}"
    name = f"议程-{meeting.starts_at.astimezone(tz):%Y-%m-%d}-{meeting.kind}.{fmt}"
    if fmt == "csv":
        return name, _csv(items_of_meeting(session, meeting.id))
    scheduled, pending = meeting_agenda(session=session, meeting=meeting)
    if fmt == "md":
        return name, _markdown(title, scheduled, pending).encode("utf-8")
    return name, _docx(title, scheduled, pending)
