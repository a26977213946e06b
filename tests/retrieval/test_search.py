"""The searcher's parts: the dense query text, the dense scores, the signals refusal reads."""

from __future__ import annotations

import numpy as np
import pytest

from retrieval.search import AFFINITY_SHARE, dense_query
from retrieval.service import RulesQA


def test_dense_query_drops_colloquial_particles_only() -> None:
    assert dense_query("副区长出差是不是要请假呢?") == "副区长出差 要请假 ?"
    assert dense_query("常务会议材料提前几天报送?") == "常务会议材料提前几天报送?"
    assert dense_query("吗?") == "吗?"  # nothing but particles: kept as typed
    assert dense_query("How many days?") == "How many days?"


def test_every_chunk_is_scored_against_the_vectors_stored_in_chroma(qa: RulesQA) -> None:
    searcher = qa.searcher
    question = "常务会议材料提前几天报送"
    records = searcher.index._collection.get(include=["embeddings"])
    stored = np.asarray(records["embeddings"]) @ np.asarray(searcher.embeddings.embed_query(question))
    scored = searcher._similarities(question)
    row = {c.id: i for i, c in enumerate(searcher.index.chunks())}
    assert len(scored) == len(records["ids"]) == len(row)
    assert np.allclose([scored[row[i]] for i in records["ids"]], stored, atol=1e-4)


def test_article_score_is_its_best_sentence_plus_a_share_of_the_whole_article(qa: RulesQA) -> None:
    searcher = qa.searcher
    signals = searcher.signals("常务会议材料提前几天报送?")
    assert np.all(signals.dense >= signals.sentence)
    best = searcher.search("常务会议材料提前几天报送?", k=1)[0]
    assert best.article.number == 48
    assert best.best_sentence in best.article.text and best.best_sentence != best.article.text


def test_affinity_is_the_mean_of_the_documents_closer_sentences(qa: RulesQA) -> None:
    searcher = qa.searcher
    question = "常务会议材料提前几天报送?"
    hit = searcher.search(question, k=1)[0]
    index = searcher.index
    vector = np.asarray(searcher.embeddings.embed_query(dense_query(question)))
    records = index._collection.get(where={"kind": "sentence"}, include=["embeddings"])
    similarities = np.sort(np.asarray(records["embeddings"]) @ vector)
    expected = similarities[-int(len(similarities) * AFFINITY_SHARE) :].mean()
    assert hit.affinity == pytest.approx(float(expected), abs=1e-4)
    assert hit.affinity < hit.dense


def test_a_question_about_pay_is_further_from_the_rule_book_than_one_about_meetings(qa: RulesQA) -> None:
    on_topic = qa.searcher.search("常务会议材料提前几天报送?", k=1)[0]
    off_topic = qa.searcher.search("食堂的午饭几点开始供应?", k=1)[0]
    assert off_topic.affinity < on_topic.affinity


def test_the_second_embedding_reads_the_question_in_the_rule_books_words(qa: RulesQA) -> None:
    searcher = qa.searcher
    assert searcher.bridged_query("想用一下副区长的名章,要谁点头?") == "想用一下副区长的个人印章,要谁点头?"
    assert searcher.bridged_query("Who keeps the seal?") == "印章 用印"
    assert searcher.bridged_query("What about lunch?") == "What about lunch?"  # no word the glossary knows


def test_a_two_part_question_reads_as_the_mean_of_its_parts_each_embedded_once(qa: RulesQA, monkeypatch) -> None:
    searcher = qa.searcher
    first, second = "全体会议一年开几次", "常务会议材料提前几天报送"
    whole = f"{first}?{second}?"
    parts_mean = (searcher._question_similarity(first, {}) + searcher._question_similarity(second, {})) / 2
    assert np.allclose(searcher._question_similarity(whole, {}), parts_mean)
    embedded: list[str] = []
    embed = searcher.embeddings.embed_query
    monkeypatch.setattr(searcher.embeddings, "embed_query", lambda text: embedded.append(text) or embed(text))
    answer = qa.ask(whole)
    assert embedded == [first, second]  # neither the whole question nor a part a second time
    assert {45, 48} <= {citation.article for citation in answer.citations}


def test_words_no_document_and_no_glossary_entry_knows_are_counted(qa: RulesQA) -> None:
    searcher = qa.searcher
    assert searcher.unknown_share("副区长出差跟谁请假?") == 0.0
    assert searcher.unknown_share("常务会议材料提前几天报送?") == 0.0  # 几天 asks; it names no topic
    assert searcher.unknown_share("停车位怎么申请?") == pytest.approx(1 / 2)  # 停车位 unknown, 申请 in the rules
    assert searcher.unknown_share("公章谁管?") == 0.0  # 公章: a glossary word for 印章


def test_each_hit_carries_its_lead_over_the_next_article(qa: RulesQA) -> None:
    hits = qa.searcher.search("常务会议材料提前几天报送?", k=3)
    assert hits[0].margin == pytest.approx(hits[0].score - hits[1].score)
    assert hits[1].margin == pytest.approx(hits[1].score - hits[2].score)
    assert hits[0].question_chars == len("常务会议材料提前几天报送")


def test_a_question_with_a_piece_too_short_to_be_a_part_is_read_whole(qa: RulesQA) -> None:
    searcher = qa.searcher
    whole = "印章谁管?常务会议材料提前几天报送?全体会议一年开几次?"  # 印章谁管: too short to be a part
    parts_mean = (searcher._question_similarity("常务会议材料提前几天报送", {}) + searcher._question_similarity("全体会议一年开几次", {})) / 2
    read = searcher._question_similarity(whole, {})
    assert not np.allclose(read, parts_mean)
    assert searcher.bridged_query(whole) == dense_query(whole)  # no glossary word: one embedding
    assert np.allclose(read, searcher._similarities(dense_query(whole)))
