"""Removing a document: its articles leave both the lexical and the vector index and are no longer
cited; the removal sticks across a bare ingest; the bundled rule book needs a clear confirmation;
`officebot documents list|remove` on the command line."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from bootstrap.settings import Settings
from retrieval.index import RulesIndex
from retrieval.service import DocumentError, RulesQA

FIXTURES = Path(__file__).parent / "fixtures"
INDEXED_AT = datetime(2026, 12, 3, 1, 30, tzinfo=UTC)
SUPPLIES = "示范街道办公用品管理办法"
SUPPLIES_QUESTION = "单价超过2000元的设备由谁审批?"


@pytest.fixture
def supplies(tmp_path: Path) -> Path:
    path = tmp_path / "office-supplies-rules.txt"
    shutil.copy(FIXTURES / "office-supplies-rules.txt", path)
    return path


@pytest.fixture
def meetings(tmp_path: Path) -> Path:
    path = tmp_path / "会务须知.txt"
    path.write_text("第一条 会议室须提前一天向综合办公室预约。\n第二条 会议结束后须关灯锁门。\n", encoding="utf-8")
    return path


@pytest.fixture
def pinned_qa(tmp_path: Path, embeddings, qa: RulesQA) -> RulesQA:
    """An engine over its own empty index whose clock reads INDEXED_AT."""
    settings = Settings(_env_file=None, data_dir=tmp_path / "data", corpus_paths=[])
    index = RulesIndex.open(embeddings, model=settings.embedding_model, path=settings.resolved_chroma_path)
    return RulesQA(index, embeddings, qa.searcher.tokenizer, now=lambda: INDEXED_AT)


def test_the_index_records_when_and_from_where_a_document_was_indexed(pinned_qa: RulesQA, supplies: Path) -> None:
    pinned_qa.ingest([supplies])
    [document] = pinned_qa.searcher.documents
    assert (document.title, document.source, document.indexed_at) == (SUPPLIES, str(supplies), INDEXED_AT)


def test_a_removed_document_is_no_longer_found_or_cited(pinned_qa: RulesQA, supplies: Path, meetings: Path) -> None:
    pinned_qa.ingest([supplies, meetings])
    assert pinned_qa.ask(SUPPLIES_QUESTION).citations[0].document == SUPPLIES
    removed = pinned_qa.remove(f"《{SUPPLIES}》")
    assert removed.key == "office-supplies-rules"
    answer = pinned_qa.ask(SUPPLIES_QUESTION)
    assert all(c.document != SUPPLIES for c in [*answer.citations, *answer.related])
    assert SUPPLIES not in answer.text
    assert [d.title for d in pinned_qa.searcher.documents] == ["会务须知"]
    assert {d.title for d, _ in pinned_qa.searcher.articles} == {"会务须知"}  # the lexical (BM25) side
    assert {c.document_key for c in pinned_qa._index.chunks()} == {pinned_qa.searcher.documents[0].key}  # Chroma


def test_a_removal_sticks_until_the_file_is_ingested_by_name(pinned_qa: RulesQA, supplies: Path, meetings: Path) -> None:
    pinned_qa.ingest([meetings], defaults=[supplies])
    pinned_qa.remove("office-supplies-rules")
    again = pinned_qa.ingest([], defaults=[supplies])  # what a bare `officebot ingest` does
    assert again.withheld == [supplies] and not again.changed
    assert SUPPLIES not in [d.title for d in pinned_qa.searcher.documents]
    back = pinned_qa.ingest([supplies])
    assert back.added == [SUPPLIES] and pinned_qa.ask(SUPPLIES_QUESTION).citations[0].label == "第四条"
    assert pinned_qa.ingest([], defaults=[supplies]).withheld == []


def test_an_unknown_document_is_explained_with_the_indexed_ones(pinned_qa: RulesQA, supplies: Path) -> None:
    pinned_qa.ingest([supplies])
    with pytest.raises(DocumentError, match=f"没有找到文件「食堂管理办法」.*{SUPPLIES}\\(office-supplies-rules\\)"):
        pinned_qa.remove("食堂管理办法")
    assert len(pinned_qa.searcher.articles) == 5


@pytest.fixture
def own_data_dir(qa_settings: Settings, qa: RulesQA, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`officebot` over a copy of the session's index of the bundled rule book, free to change."""
    from bootstrap.settings import get_settings

    data = tmp_path / "own-data"
    shutil.copytree(qa_settings.resolved_chroma_path, data / "chroma")
    monkeypatch.setenv("DATA_DIR", str(data))
    monkeypatch.setenv("CORPUS_PATHS", "")
    for name in ("CHROMA_PATH", "CHROMA_HOST", "LLM_BASE_URL", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield data
    get_settings.cache_clear()


def test_documents_list_and_remove_on_the_command_line(own_data_dir: Path, meetings: Path, capsys) -> None:
    assert main(["ingest", str(meetings)]) == 0
    capsys.readouterr()
    assert main(["documents", "list"]) == 0
    rows = [line.split("\t") for line in capsys.readouterr().out.splitlines()]
    assert rows[0] == ["编号", "标题", "条款数", "建立索引", "来源"]
    assert rows[1][1:3] == ["通州区人民政府工作规则", "85"] and rows[1][4] == "内置规则库"
    assert rows[2][1:3] == ["会务须知", "2"] and rows[2][4] == str(meetings)
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", rows[2][3])
    assert main(["documents", "remove", "会务须知"]) == 0
    assert "已删除:会务须知(2 条)" in capsys.readouterr().out
    assert main(["documents", "list"]) == 0
    assert "会务须知" not in capsys.readouterr().out


def test_the_bundled_rule_book_is_removed_only_on_purpose(own_data_dir: Path, capsys) -> None:
    assert main(["documents", "remove", "通州区人民政府工作规则"]) == 2
    error = capsys.readouterr().err
    assert "内置规则库" in error and "--bundled" in error
    assert main(["ask", "常务会议材料提前几天报送?"]) == 0
    assert "第四十八条" in capsys.readouterr().out  # still there
    assert main(["documents", "remove", "通州区人民政府工作规则", "--bundled"]) == 0
    assert "已删除:通州区人民政府工作规则(85 条)" in capsys.readouterr().out
    assert main(["ingest"]) == 0  # what `make run` does first: the removal sticks
    assert "已删除过,未重新导入" in capsys.readouterr().out
    assert main(["ask", "常务会议材料提前几天报送?"]) == 0
    assert "第四十八条" not in capsys.readouterr().out
