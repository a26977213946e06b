"""PDF rule documents (pypdf): a PDF made from a regulation ingests to the same articles as its .txt;
a scan without a text layer or a damaged file is explained and nothing is indexed. The PDFs are
written by tests/retrieval/pdf_maker.py the way a word processor lays text out (wrapped lines,
page numbers), in the standard CJK font STSong-Light."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from retrieval.service import RulesQA
from retrieval.sources import CorpusError, bundled_corpus_paths, read_document

sys.path.insert(0, str(Path(__file__).parent))
from pdf_maker import write_pdf  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"
REGULATION = FIXTURES / "zhengfu-xinxi-gongkai-tiaoli-2019.txt"  # 政府信息公开条例 (国务院令第711号)


def _as_pdf(source: Path, target: Path, measure: int = 30) -> Path:
    write_pdf(target, source.read_text("utf-8").splitlines(), measure=measure)
    return target


def test_a_regulation_as_pdf_ingests_to_the_same_articles_as_its_text(tmp_path: Path) -> None:
    pdf = _as_pdf(REGULATION, tmp_path / "政府信息公开条例.pdf")
    from_text, from_pdf = read_document(REGULATION), read_document(pdf)
    assert from_pdf.title == from_text.title == "中华人民共和国政府信息公开条例"
    assert from_pdf.number == from_text.number == "国务院令第711号"
    assert len(from_pdf.articles) == 56
    assert from_pdf.articles == from_text.articles  # numbers, labels, chapters, texts and items


@pytest.mark.parametrize("measure", [25, 40])
def test_the_bundled_rule_book_as_pdf_keeps_every_word_of_every_article(tmp_path: Path, measure: int) -> None:
    source = bundled_corpus_paths()[0]
    from_text = read_document(source, with_examples=False)
    from_pdf = read_document(_as_pdf(source, tmp_path / "rules.pdf", measure))
    assert [(a.label, a.chapter, len(a.items)) for a in from_pdf.articles] == [
        (a.label, a.chapter, len(a.items)) for a in from_text.articles
    ]
    # A sentence ending exactly at the margin may split a paragraph; no word is lost or added.
    assert [a.text.replace("\n", "") for a in from_pdf.articles] == [a.text.replace("\n", "") for a in from_text.articles]


def test_an_ingested_pdf_is_cited(empty_qa: RulesQA, tmp_path: Path) -> None:
    report = empty_qa.ingest([_as_pdf(REGULATION, tmp_path / "政府信息公开条例.pdf")])
    assert report.added == ["中华人民共和国政府信息公开条例"] and report.articles == 56
    answer = empty_qa.ask("行政机关收到政府信息公开申请,不能当场答复的,应当在多少个工作日内予以答复?")
    assert answer.citations[0].label == "第三十三条"
    assert answer.citations[0].document == "中华人民共和国政府信息公开条例"


def test_a_scan_without_a_text_layer_is_explained_and_nothing_is_indexed(empty_qa: RulesQA, tmp_path: Path) -> None:
    scan = tmp_path / "扫描件.pdf"
    write_pdf(scan, [])
    with pytest.raises(CorpusError, match=r"没有文字层\(可能是扫描件\)"):
        empty_qa.ingest([_as_pdf(REGULATION, tmp_path / "ok.pdf"), scan])
    assert empty_qa._index.count() == 0


def test_a_damaged_pdf_is_explained(tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(_as_pdf(REGULATION, tmp_path / "ok.pdf").read_bytes()[:300])
    with pytest.raises(CorpusError, match="broken.pdf.*无法读取 PDF 文件"):
        read_document(broken)


def test_letter_spaced_chinese_is_closed_up(tmp_path: Path) -> None:
    spaced = [" ".join(line) for line in ["示范会务规则", "第一条 会议室须提前一天预约。", "第二条 用后须关灯锁门。"]]
    pdf = tmp_path / "spaced.pdf"
    write_pdf(pdf, spaced)
    document = read_document(pdf)
    assert document.title == "示范会务规则"
    assert [a.text for a in document.articles] == ["会议室须提前一天预约。", "用后须关灯锁门。"]
