"""Example questions: read from beside the document, indexed with it, lifting their article in the
ranking without ever being quoted as rule text."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from retrieval.examples import ExampleFileError, examples_path, parse_examples
from retrieval.search import lift_by_examples
from retrieval.service import RulesQA
from retrieval.sources import CorpusError, bundled_corpus_paths, read_document

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLES = "# 示例问题\n4\t想买台贵点的电脑,要谁点头?\n\n5\t这个办法哪天开始算数?\n"
ASKED = "换一台好点的笔记本电脑找谁批?"


@pytest.fixture
def supplies(tmp_path: Path) -> Path:
    path = tmp_path / "office-supplies-rules.txt"
    shutil.copy(FIXTURES / "office-supplies-rules.txt", path)
    return path


def test_examples_file_lies_beside_its_document_and_skips_comments(supplies: Path) -> None:
    path = examples_path(supplies)
    assert path.name == "office-supplies-rules.questions.tsv"
    path.write_text(EXAMPLES, encoding="utf-8")
    parsed = parse_examples(path.read_bytes(), path=path, articles={1, 2, 3, 4, 5})
    assert parsed == ((4, "想买台贵点的电脑,要谁点头?"), (5, "这个办法哪天开始算数?"))


@pytest.mark.parametrize(
    ("text", "message"),
    [("4 想买电脑找谁批?\n", "第1行格式不对"), ("# 注释\n9\t第九条在哪?\n", "第2行:文件中没有第9条"), ("4\t\n", "第1行格式不对")],
)
def test_a_bad_line_names_its_number_and_what_to_fix(supplies: Path, text: str, message: str) -> None:
    path = examples_path(supplies)
    with pytest.raises(ExampleFileError, match=message):
        parse_examples(text.encode("utf-8"), path=path, articles={1, 2, 3, 4, 5})


def test_a_non_utf8_examples_file_is_refused_with_a_message(supplies: Path) -> None:
    examples_path(supplies).write_bytes("4\t想买电脑找谁批?\n".encode("gbk"))
    with pytest.raises(CorpusError, match="不是 UTF-8"):
        read_document(supplies)


def test_examples_are_part_of_the_documents_fingerprint(supplies: Path) -> None:
    plain = read_document(supplies)
    examples_path(supplies).write_text(EXAMPLES, encoding="utf-8")
    with_examples = read_document(supplies)
    assert plain.examples == () and len(with_examples.examples) == 2
    assert with_examples.sha256 != plain.sha256


def test_adding_examples_reindexes_the_document(empty_qa: RulesQA, supplies: Path) -> None:
    empty_qa.ingest([supplies])
    count = empty_qa.searcher.index.count()
    examples_path(supplies).write_text(EXAMPLES, encoding="utf-8")
    report = empty_qa.ingest([supplies])
    assert report.updated == ["示范街道办公用品管理办法"]
    assert empty_qa.searcher.index.count() == count + 2


def test_a_bad_examples_file_leaves_the_index_as_it_was(empty_qa: RulesQA, supplies: Path) -> None:
    examples_path(supplies).write_text("9\t第九条在哪?\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="没有第9条"):
        empty_qa.ingest([supplies])
    assert empty_qa.searcher.index.count() == 0


def test_an_example_lifts_its_article_and_is_never_quoted(empty_qa: RulesQA, supplies: Path) -> None:
    empty_qa.ingest([supplies])
    before = empty_qa.searcher.search(ASKED, k=2)
    examples_path(supplies).write_text(EXAMPLES, encoding="utf-8")
    empty_qa.ingest([supplies])
    after = empty_qa.searcher.search(ASKED, k=2)
    assert before[0].article.number == after[0].article.number == 4
    assert after[0].dense > before[0].dense  # the example is closer than any sentence of the article
    assert after[0].score - after[1].score > before[0].score - before[1].score
    assert after[0].best_sentence in after[0].article.text  # highlights come from the rule, never the example
    answer = empty_qa.ask("单价超过2000元的设备找谁批?")
    assert answer.answered and answer.citations[0].label == "第四条"
    assert all(h in answer.passages[0].text for h in answer.passages[0].highlights)
    assert "电脑" not in answer.text  # the rule is quoted, not the example question


def test_examples_count_only_where_closer_than_this_questions_usual_gap() -> None:
    sentence = np.array([0.80, 0.85, 0.90, 0.82, 0.88])
    example = np.array([0.82, 0.87, 0.92, 0.90, -1.0])  # the fifth article has no examples (-1)
    lifted = lift_by_examples(sentence, example)
    # Examples run 0.02 above the sentences (the median gap): only the fourth article's 0.08 lead counts.
    assert lifted == pytest.approx([0.80, 0.85, 0.90, 0.88, 0.88])
    assert np.array_equal(lift_by_examples(sentence, np.full(5, -1.0)), sentence)


def test_the_bundled_rule_book_has_examples_for_every_article() -> None:
    document = read_document(next(p for p in bundled_corpus_paths() if p.stem.startswith("tongzhou")))
    assert {number for number, _ in document.examples} == {a.number for a in document.articles}
    assert len(document.examples) >= 4 * len(document.articles)
