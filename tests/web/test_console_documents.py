"""规则库 on the web: an upload is parsed and shown before anything is indexed; bad files are explained;
the question box answers from the index like the bot; the list says when and from where each document
was indexed, and 删除 takes one out (the bundled rule book only when confirmed; office only; audited)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from leave_seed import CLERK, NOW, OFFICE
from sqlalchemy import select

from retrieval.index import RulesIndex
from retrieval.service import RulesQA
from storage.audit import AuditEntry
from storage.people import person_by_telegram_id

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "retrieval"))  # pdf_maker
from pdf_maker import write_pdf  # noqa: E402

RULES = "测试办法\n\n第一条 为规范会议管理,制定本办法。\n\n第二条 会议材料应当提前三日报送。\n".encode()


def test_an_upload_shows_its_parsed_articles_and_indexes_nothing_yet(client, sign_in, services):
    csrf = sign_in(OFFICE)
    response = client.post("/documents/preview", data={"csrf": csrf}, files={"file": ("测试办法.txt", RULES, "text/plain")})
    assert response.status_code == 200, response.text
    assert "预览:测试办法" in response.text and "第二条" in response.text and "提前三日报送" in response.text
    assert (services.settings.data_dir / "uploads" / "测试办法.txt").read_bytes() == RULES


def test_a_wrong_file_type_or_an_empty_file_is_explained(client, sign_in):
    csrf = sign_in(OFFICE)
    exe = client.post("/documents/preview", data={"csrf": csrf}, files={"file": ("a.exe", b"MZ", "application/octet-stream")})
    assert exe.status_code == 400 and "不支持的文件类型" in exe.text
    empty = client.post("/documents/preview", data={"csrf": csrf}, files={"file": ("空.txt", b"  ", "text/plain")})
    assert empty.status_code == 400 and "文件是空的" in empty.text


def test_only_the_office_uploads(client, sign_in, services):
    csrf = sign_in(CLERK)
    response = client.post("/documents/preview", data={"csrf": csrf}, files={"file": ("测试办法.txt", RULES, "text/plain")})
    assert response.status_code == 403
    assert not (services.settings.data_dir / "uploads" / "测试办法.txt").exists()


def test_the_question_box_answers_with_the_citation_the_bot_gives(client, sign_in, services, qa):
    services.__dict__["qa"] = qa  # the session's index of the bundled rule book (tests/conftest.py)
    sign_in(OFFICE)
    page = client.get("/documents", params={"q": "常务会议材料提前几天报送?"})
    expected = qa.ask("常务会议材料提前几天报送?")
    assert page.status_code == 200 and expected.summary in page.text
    assert expected.passages[0].citation.reference in page.text
    assert "通州区人民政府工作规则" in page.text  # the indexed documents are listed


@pytest.fixture
def own_qa(services, qa, qa_settings, tmp_path):  # type: ignore[no-untyped-def]
    """The console's engine over a copy of the session's index (bundled rule book), free to change;
    its clock is the console's pinned one."""
    chroma = tmp_path / "own-chroma"
    shutil.copytree(qa_settings.resolved_chroma_path, chroma)
    embeddings = qa.searcher.embeddings
    own = RulesQA(RulesIndex.open(embeddings, model=services.settings.embedding_model, path=chroma), embeddings,
                  qa.searcher.tokenizer, now=services.now)
    services.__dict__["qa"] = own
    return own


def _upload_and_index(client, csrf: str) -> None:  # type: ignore[no-untyped-def]
    client.post("/documents/preview", data={"csrf": csrf}, files={"file": ("测试办法.txt", RULES, "text/plain")})
    indexed = client.post("/documents/index", data={"csrf": csrf, "name": "测试办法.txt"})
    assert indexed.status_code == 200 and "已建立索引:测试办法" in indexed.text


def test_the_list_says_when_and_from_where_and_删除_takes_a_document_out(client, sign_in, services, own_qa, db):
    csrf = sign_in(OFFICE)
    _upload_and_index(client, csrf)
    page = client.get("/documents").text
    row = page[page.index("<td>测试办法</td>"):].split("</tr>")[0]
    assert NOW.strftime("%Y-%m-%d %H:%M") in row and "网页上传:测试办法.txt" in row and "<td>2</td>" in row
    assert own_qa.ask("会议材料应当提前几天报送?").citations[0].document == "测试办法"
    key = own_qa.find_document("测试办法").key
    removed = client.post("/documents/remove", data={"csrf": csrf, "key": key})
    assert removed.status_code == 200 and "已删除「测试办法」(2 条)" in removed.text
    assert "<td>测试办法</td>" not in client.get("/documents").text
    answer = own_qa.ask("会议材料应当提前几天报送?")
    assert "测试办法" not in [c.document for c in [*answer.citations, *answer.related]]
    with db.transaction() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "removed")).one()
        office = person_by_telegram_id(session, OFFICE)
        assert (entry.actor_person_id, entry.actor_telegram_id) == (office.id, None)  # named as a person
        assert entry.detail["title"] == "测试办法"


def test_the_bundled_rule_book_is_removed_only_with_the_confirmation_ticked(client, sign_in, own_qa):
    csrf = sign_in(OFFICE)
    key = own_qa.find_document("通州区人民政府工作规则").key
    refused = client.post("/documents/remove", data={"csrf": csrf, "key": key})
    assert refused.status_code == 400 and "内置规则库" in refused.text and "确认删除内置规则库" in refused.text
    assert own_qa.ask("常务会议材料提前几天报送?").citations[0].label == "第四十八条"
    removed = client.post("/documents/remove", data={"csrf": csrf, "key": key, "bundled": "yes"})
    assert removed.status_code == 200 and "已删除「通州区人民政府工作规则」(85 条)" in removed.text
    assert not own_qa.ask("常务会议材料提前几天报送?").answered


def test_only_the_office_removes_and_only_with_the_form_token(client, sign_in, own_qa):
    key = own_qa.find_document("通州区人民政府工作规则").key
    csrf = sign_in(CLERK)
    assert client.post("/documents/remove", data={"csrf": csrf, "key": key, "bundled": "yes"}).status_code == 403
    sign_in(OFFICE)
    assert client.post("/documents/remove", data={"csrf": "forged", "key": key, "bundled": "yes"}).status_code == 403
    assert len(own_qa.searcher.articles) == 85


def test_a_pdf_upload_is_previewed_and_indexed_and_a_scan_is_refused(client, sign_in, own_qa, tmp_path):
    pdf = tmp_path / "会务须知.pdf"
    write_pdf(pdf, ["示范街道会务规则", "第一条 会议室须提前一天向综合办公室预约。", "第二条 会议结束后须关灯锁门。"])
    csrf = sign_in(OFFICE)
    preview = client.post("/documents/preview", data={"csrf": csrf},
                          files={"file": ("会务须知.pdf", pdf.read_bytes(), "application/pdf")})
    assert preview.status_code == 200 and "预览:示范街道会务规则" in preview.text and "提前一天向综合办公室预约" in preview.text
    indexed = client.post("/documents/index", data={"csrf": csrf, "name": "会务须知.pdf"})
    assert indexed.status_code == 200 and "已建立索引:示范街道会务规则" in indexed.text
    assert own_qa.ask("会议室要提前多久预约?").citations[0].document == "示范街道会务规则"
    scan = tmp_path / "扫描件.pdf"
    write_pdf(scan, [])
    refused = client.post("/documents/preview", data={"csrf": csrf},
                          files={"file": ("扫描件.pdf", scan.read_bytes(), "application/pdf")})
    assert refused.status_code == 400 and "没有文字层(可能是扫描件)" in refused.text
