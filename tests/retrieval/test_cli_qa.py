"""The command-line contract of `officebot ask`, `ingest` and `eval`."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main

FIXTURES = Path(__file__).parent / "fixtures"


def test_ask_prints_answer_and_citation(cli_env, capsys) -> None:
    assert main(["ask", "使用区政府领导个人印章需要谁同意?"]) == 0
    out = capsys.readouterr().out
    assert "依据第六十一条" in out and "《通州区人民政府工作规则》第六十一条(第十二章 印章使用制度)" in out


def test_ask_json_one_object(cli_env, capsys) -> None:
    assert main(["ask", "--json", "常务会议的会议材料至少提前几天报送?"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["answered"] is True and data["citations"][0]["label"] == "第四十八条"
    assert "至少于会议召开前3天报送区政府办公室" in data["answer"]


def test_ask_json_batch_from_stdin_in_order(cli_env, capsys, monkeypatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("使用区政府领导个人印章需要谁同意?\n附近哪家火锅店好吃?\n\n副区长要出差,需要向谁请示?\n"))
    assert main(["ask", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["question"] for r in rows] == ["使用区政府领导个人印章需要谁同意?", "附近哪家火锅店好吃?", "副区长要出差,需要向谁请示?"]
    assert [r["answered"] for r in rows] == [True, False, True]
    assert rows[2]["citations"][0]["article"] == 82


@pytest.mark.parametrize("argv", [["ask", ""], ["ask", "   "], ["ask", "--json", " "], ["ask"]])
def test_empty_question_exits_non_zero(cli_env, capsys, argv) -> None:
    assert main(argv) != 0
    assert "错误" in capsys.readouterr().err


def test_ingest_bad_file_exits_non_zero_with_message(cli_env, capsys) -> None:
    assert main(["ingest", str(FIXTURES / "gbk-encoded.txt")]) != 0
    assert "UTF-8" in capsys.readouterr().err


def test_ingest_without_paths_is_a_no_op_when_unchanged(cli_env, capsys) -> None:
    assert main(["ingest"]) == 0
    out = capsys.readouterr().out
    assert "未变化" in out and "85 条条款" in out


def test_eval_json(cli_env, capsys, tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    rows = [
        {"question": "使用区政府领导个人印章需要谁同意?", "articles": [61], "answer_facts": ["须经区政府领导本人同意后"], "kind": "fact", "lang": "zh"},
        {"question": "附近哪家火锅店好吃?", "articles": [], "answer_facts": [], "kind": "unanswerable", "lang": "zh"},
    ]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    assert main(["eval", str(path), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["by_lang"]["zh"]["recall@1"] == 1.0
    assert summary["refusal_accuracy"] == 1.0 and summary["fact_containment"] == 1.0


def test_eval_missing_file_exits_non_zero(cli_env, capsys, tmp_path: Path) -> None:
    assert main(["eval", str(tmp_path / "none.jsonl")]) != 0
    assert "找不到" in capsys.readouterr().err


def test_officebot_works_from_any_directory(qa_settings, qa, tmp_path: Path) -> None:
    env = {**os.environ, "DATA_DIR": str(qa_settings.data_dir), "CORPUS_PATHS": ""}
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "ask", "--json", "副区长要出差,需要向谁请示?"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["citations"][0]["article"] == 82


def test_a_reader_that_stops_early_gets_no_traceback(qa_settings, qa, tmp_path: Path) -> None:
    # `officebot ask --json < questions.txt | head -1`: the pipe closes while answers are still printed.
    env = {**os.environ, "DATA_DIR": str(qa_settings.data_dir), "CORPUS_PATHS": ""}
    questions = "常务会议材料提前几天报送?\n" * 200
    ask = subprocess.Popen([sys.executable, "-m", "bot.cli", "ask", "--json"], cwd=tmp_path, env=env,
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    ask.stdin.write(questions)
    ask.stdin.close()
    first = ask.stdout.readline()
    ask.stdout.close()
    stderr = ask.stderr.read()
    assert ask.wait(timeout=120) == 141
    assert json.loads(first)["answered"] and "Traceback" not in stderr


def test_buffered_output_meeting_a_closed_pipe_ends_quietly(qa_settings, qa, tmp_path: Path) -> None:
    # `officebot ask "…" | true`: the reader is gone before anything is written; stdout is buffered.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    env |= {"DATA_DIR": str(qa_settings.data_dir), "CORPUS_PATHS": ""}
    ask = subprocess.Popen([sys.executable, "-m", "bot.cli", "ask", "公章谁管?"], cwd=tmp_path, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    ask.stdout.close()
    stderr = ask.stderr.read()
    assert ask.wait(timeout=120) == 141
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr


def test_ingest_of_own_file_on_a_fresh_index_keeps_the_bundled_rule_book(tmp_path: Path, monkeypatch, capsys) -> None:
    from bootstrap.settings import get_settings

    own = tmp_path / "printers.txt"
    own.write_text("第一条 本办法适用于机关打印机的使用。\n第二条 打印机每人每天限打一百页。\n", encoding="utf-8")
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CORPUS_PATHS", "")
    monkeypatch.delenv("CHROMA_PATH", raising=False)
    monkeypatch.delenv("CHROMA_HOST", raising=False)
    monkeypatch.delenv("LLM_BASE_URL", raising=False)
    get_settings.cache_clear()
    try:
        assert main(["ingest", str(own)]) == 0
        out = capsys.readouterr().out
        assert "已新增:通州区人民政府工作规则" in out and "已新增:printers" in out
        assert main(["ask", "使用区政府领导个人印章需要谁同意?"]) == 0
        assert "依据第六十一条" in capsys.readouterr().out
    finally:
        get_settings.cache_clear()
