"""Reading corpus files: encodings, file types, and the bundled corpus as package data."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from retrieval.sources import CorpusError, bundled_corpus_paths, document_key, read_document

FIXTURES = Path(__file__).parent / "fixtures"


def test_bundled_corpus_ships_with_the_package() -> None:
    paths = bundled_corpus_paths()
    assert [p.name for p in paths] == ["tongzhou-government-work-rules-2022.txt"]
    assert len(read_document(paths[0]).articles) == 85


def test_non_utf8_file_is_refused_with_a_chinese_message() -> None:
    with pytest.raises(CorpusError, match="不是 UTF-8"):
        read_document(FIXTURES / "gbk-encoded.txt")


def test_blank_file_is_refused(tmp_path: Path) -> None:
    blank = tmp_path / "blank.txt"
    blank.write_text(" \n\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="空"):
        read_document(blank)


@pytest.mark.parametrize("name", ["rules.rtf", "missing.txt"])
def test_unsupported_or_missing_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    if name.endswith(".rtf"):
        path.write_bytes(b"{\\rtf1}")
    with pytest.raises(CorpusError):
        read_document(path)


def test_docx_document(tmp_path: Path) -> None:
    word = docx.Document()
    for line in ["示范用车管理办法", "第一条 公务用车须提前一天登记。", "第二条 本办法自印发之日起施行。"]:
        word.add_paragraph(line)
    path = tmp_path / "cars.docx"
    word.save(str(path))
    doc = read_document(path)
    assert doc.title == "示范用车管理办法"
    assert [a.text for a in doc.articles] == ["公务用车须提前一天登记。", "本办法自印发之日起施行。"]


def test_document_key_fits_telegram_callback_data() -> None:
    assert document_key(Path("tongzhou-government-work-rules-2022.txt")) == "tongzhou-government-work-rules-2022"
    key = document_key(Path("政府信息公开条例.txt"))
    assert key.isascii() and len(key) <= 20
    assert key == document_key(Path("/elsewhere/政府信息公开条例.md"))


def test_a_chinese_file_name_without_a_heading_titles_the_document(tmp_path: Path) -> None:
    path = tmp_path / "国务院工作规则.txt"
    path.write_text("第一章 总则\n第一条 为规范工作,制定本规则。\n第二条 本规则自印发之日起施行。\n", encoding="utf-8")
    doc = read_document(path)
    assert doc.title == "国务院工作规则"
    assert doc.key.startswith("doc-")  # the key stays short for buttons; it is never shown as the title


def test_the_first_heading_line_titles_a_document_without_a_rules_word(tmp_path: Path) -> None:
    path = tmp_path / "规定汇编.txt"
    text = "首页 > 政策文件\n会议室使用须知\n2024年3月1日\n第一条 会议室须提前一天预约。\n第二条 用后须关灯锁门。\n"
    path.write_text(text, encoding="utf-8")
    assert read_document(path).title == "会议室使用须知"


def test_a_heading_with_a_rules_word_wins_over_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "条例.txt"
    path.write_text("通知\n示范街道印章管理办法\n第一条 印章由办公室保管。\n第二条 用印须登记。\n", encoding="utf-8")
    assert read_document(path).title == "示范街道印章管理办法"
