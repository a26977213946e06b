"""Drafting example questions with the optional LLM: what is kept from a reply, what happens when the
model fails, and `officebot examples` against a real OpenAI-compatible HTTP endpoint."""

from __future__ import annotations

import json
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.cli import main
from retrieval.example_writer import ExampleQuestionWriter, usable_questions
from retrieval.examples import examples_path
from retrieval.sources import read_document

FIXTURES = Path(__file__).parent / "fixtures"
ARTICLE = "单价超过2000元的设备,须报街道主任审批,并按下列顺序办理:"


def test_a_reply_becomes_questions_without_markers_copies_or_repeats() -> None:
    reply = "\n".join(
        [
            "1. 买台贵点的电脑要谁批?",
            "- 买台贵点的电脑要谁批?",
            "(3) 设备超过多少钱\t要主任签字?",
            "单价超过2000元的设备,须报街道主任审批",  # a sentence of the article, not a question
            "",
            "好的,以下是问题:" + "很长的解释" * 20,
            "打印机坏了想换新的,走什么流程?",
        ]
    )
    assert usable_questions(reply, article_text=ARTICLE) == [
        "买台贵点的电脑要谁批?",
        "设备超过多少钱 要主任签字?",
        "打印机坏了想换新的,走什么流程?",
    ]


class ScriptedChat:
    """Answers article by article from a script; an Exception in it is raised instead."""

    def __init__(self, *replies: str | Exception) -> None:
        self.replies = list(replies)

    def invoke(self, messages):
        reply = self.replies.pop(0)
        if isinstance(reply, Exception):
            raise reply
        return SimpleNamespace(content=reply)


def test_an_article_the_model_fails_on_is_reported_and_the_rest_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "office-supplies-rules.txt"
    shutil.copy(FIXTURES / "office-supplies-rules.txt", path)
    writer = ExampleQuestionWriter(base_url="http://127.0.0.1:9/v1", model="stub", per_article=2)
    writer._chat = ScriptedChat("这办法为啥定?\n目的是什么?\n还有一个?", TimeoutError("slow"), "", "找谁批?", "哪天起算?")
    drafted = writer.run(read_document(path))
    assert drafted.examples == ((1, "这办法为啥定?"), (1, "目的是什么?"), (4, "找谁批?"), (5, "哪天起算?"))
    assert drafted.failed_articles == (2, 3)


class FakeCompletions(BaseHTTPRequestHandler):
    """The one route ChatOpenAI calls, answering every article with the same two questions."""

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        request = json.loads(self.rfile.read(length))
        assert self.path.endswith("/chat/completions") and request["messages"][0]["role"] == "system"
        body = json.dumps(
            {
                "id": "chatcmpl-1",
                "object": "chat.completion",
                "created": 0,
                "model": request["model"],
                "choices": [{"index": 0, "message": {"role": "assistant", "content": "1. 这条谁说了算?\n2. 有没有时间要求?"}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def llm_endpoint(monkeypatch: pytest.MonkeyPatch):
    from bootstrap.settings import get_settings

    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeCompletions)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("LLM_BASE_URL", f"http://127.0.0.1:{server.server_port}/v1")
    monkeypatch.setenv("LLM_MODEL", "fake-model")
    get_settings.cache_clear()
    yield
    server.shutdown()
    get_settings.cache_clear()


def test_officebot_examples_writes_a_file_ingest_reads(cli_env, llm_endpoint, tmp_path: Path, capsys) -> None:
    path = tmp_path / "office-supplies-rules.txt"
    shutil.copy(FIXTURES / "office-supplies-rules.txt", path)
    assert main(["examples", str(path), "--per-article", "2"]) == 0
    assert "起草 10 个示例问题" in capsys.readouterr().out
    document = read_document(path)
    assert len(document.examples) == 10 and document.examples[0] == (1, "这条谁说了算?")
    assert examples_path(path).read_text("utf-8").startswith("# Example questions for office-supplies-rules.txt")

    assert main(["examples", str(path)]) == 2  # an existing file is not overwritten by accident
    assert "已存在" in capsys.readouterr().err
    examples_path(path).write_text("99\t坏行\n", encoding="utf-8")
    assert main(["examples", str(path), "--force"]) == 0  # a broken file can be drafted again


def test_officebot_examples_needs_a_configured_model(cli_env, tmp_path: Path, capsys) -> None:
    path = tmp_path / "office-supplies-rules.txt"
    shutil.copy(FIXTURES / "office-supplies-rules.txt", path)
    assert main(["examples", str(path)]) == 2
    assert "LLM_BASE_URL" in capsys.readouterr().err
    assert not examples_path(path).exists()
