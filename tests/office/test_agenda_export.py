"""The office's agenda exports: Markdown and Word show the agenda in order, CSV lists every item."""

from __future__ import annotations

import csv
import io

import docx
import pytest

from agenda_seed import EXEC_VICE, OTHER_HEAD, TZ, VICE, approve, file, seed_meeting, submit
from office.agenda_export import ExportError, export_agenda
from storage.agenda import meeting_by_id


@pytest.fixture
def agenda_db(db):
    db = seed_meeting(db)
    scheduled = file(db, title="关于老旧小区改造的请示", normative_document=True, legality_review="已送达")
    submit(db, scheduled)
    approve(db, scheduled, VICE)
    approve(db, scheduled, EXEC_VICE)
    pending = file(db, who=OTHER_HEAD, title="关于产业园规划的请示")
    submit(db, pending, who=OTHER_HEAD)
    file(db, title="草稿|含竖线")
    return db


def export(db, fmt):
    with db.transaction() as session:
        return export_agenda(session=session, meeting=meeting_by_id(session, db.meeting_id), fmt=fmt, tz=TZ)


def test_markdown_agenda(agenda_db):
    name, content = export(agenda_db, "md")
    text = content.decode("utf-8")
    assert name == "议程-2026-12-09-区政府常务会议.md"
    assert "| 1 | 关于老旧小区改造的请示 | 区财政局 | 孙局长 | 赵副区长 |  | 已送交 |  |" in text
    assert "## 审核中的议题" in text and "关于产业园规划的请示(区发改委,待分管副区长审核)" in text
    assert "草稿" not in text


def test_docx_agenda(agenda_db):
    _, content = export(agenda_db, "docx")
    document = docx.Document(io.BytesIO(content))
    rows = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert rows[0][:4] == ["序号", "议题", "提出单位", "汇报人"]
    assert rows[1][:4] == ["1", "关于老旧小区改造的请示", "区财政局", "孙局长"] and len(rows) == 2


def test_csv_lists_every_item_with_its_state(agenda_db):
    _, content = export(agenda_db, "csv")
    assert content.startswith(b"\xef\xbb\xbf")  # Excel needs the BOM for Chinese
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert [(row[1], row[-1]) for row in rows[1:]] == [
        ("关于老旧小区改造的请示", "已列入议程"), ("关于产业园规划的请示", "待分管副区长审核"), ("草稿|含竖线", "草拟"),
    ]


def test_unknown_format_is_refused(agenda_db):
    with pytest.raises(ExportError, match="不支持的格式"):
        export(agenda_db, "pdf")


def test_csv_cells_cannot_smuggle_spreadsheet_formulas(agenda_db):
    # The office opens the file in Excel: a title typed as a formula must stay text.
    file(agenda_db, title='=HYPERLINK("http://evil.example","点此")')
    _, content = export(agenda_db, "csv")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[-1][1] == "'=HYPERLINK(\"http://evil.example\",\"点此\")"
