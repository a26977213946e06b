"""规则库 on the web: an upload is parsed and shown before anything is indexed; bad files are explained;
the question box answers from the index like the bot."""

from __future__ import annotations

from leave_seed import CLERK, OFFICE

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
