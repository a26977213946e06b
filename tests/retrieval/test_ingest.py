"""Ingesting documents: new, unchanged (no-op), changed (replaced), and bad files (nothing written)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bootstrap.qa_engine import open_rules_qa
from retrieval.service import RulesQA
from retrieval.sources import CorpusError

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def supplies(tmp_path: Path) -> Path:
    path = tmp_path / "office-supplies-rules.txt"
    shutil.copy(FIXTURES / "office-supplies-rules.txt", path)
    return path


def test_new_document_is_indexed_and_searchable(empty_qa: RulesQA, supplies: Path) -> None:
    report = empty_qa.ingest([supplies])
    assert report.added == ["示范街道办公用品管理办法"] and report.articles == 5
    answer = empty_qa.ask("单价超过2000元的设备由谁审批?")
    assert answer.citations[0].label == "第四条"
    assert answer.citations[0].document == "示范街道办公用品管理办法"


def test_unchanged_document_is_a_no_op(empty_qa: RulesQA, supplies: Path) -> None:
    empty_qa.ingest([supplies])
    count = empty_qa._index.count()
    report = empty_qa.ingest([supplies])
    assert report.unchanged == ["示范街道办公用品管理办法"]
    assert not report.changed and report.articles == 0
    assert empty_qa._index.count() == count


def test_changed_document_replaces_its_old_articles(empty_qa: RulesQA, supplies: Path) -> None:
    empty_qa.ingest([supplies])
    supplies.write_text(supplies.read_text("utf-8").replace("3个工作日内发放", "5个工作日内发放"), encoding="utf-8")
    report = empty_qa.ingest([supplies])
    assert report.updated == ["示范街道办公用品管理办法"]
    passage = empty_qa.article("office-supplies-rules", 3)
    assert "5个工作日内发放" in passage.text and "3个工作日" not in passage.text
    assert len(empty_qa.searcher.articles) == 5
    assert len(empty_qa._index.fingerprints()) == 1


def test_a_bad_file_leaves_the_index_as_it_was(empty_qa: RulesQA, supplies: Path, tmp_path: Path) -> None:
    blank = tmp_path / "blank.txt"
    blank.write_text("\n", encoding="utf-8")
    with pytest.raises(CorpusError):
        empty_qa.ingest([supplies, blank])
    with pytest.raises(CorpusError):
        empty_qa.ingest([supplies, FIXTURES / "gbk-encoded.txt"])
    assert empty_qa._index.count() == 0
    assert empty_qa.searcher.articles == []


def test_an_outdated_copy_of_the_bundled_rule_book_is_reported_at_start(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from bootstrap.settings import Settings
    from retrieval.sources import bundled_corpus_paths

    bundled = next(p for p in bundled_corpus_paths() if p.stem.startswith("tongzhou"))
    older = tmp_path / "older" / bundled.name
    older.parent.mkdir()
    older.write_text(bundled.read_text("utf-8").replace("至少于会议召开前3天", "至少于会议召开前5天"), encoding="utf-8")
    settings = Settings(_env_file=None, data_dir=tmp_path / "data", corpus_paths=[])
    open_rules_qa(settings, build_if_empty=False).ingest([older])
    with caplog.at_level("WARNING", logger="retrieval.service"):
        qa = open_rules_qa(settings)
    assert "differs from the bundled version" in caplog.text
    assert "前5天" in qa.article(older.stem, 48).text  # reported, not overwritten
    caplog.clear()
    with caplog.at_level("WARNING", logger="retrieval.service"):
        open_rules_qa(settings, build_if_empty=False)  # what `officebot ingest` opens
    assert "differs" not in caplog.text
