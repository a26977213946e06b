"""Warm `ask` latency per question, best of N runs, so that other processes on a shared machine
(load spikes) do not hide the engine's own cost. `officebot eval` reports the single-run figures.

    .venv/bin/python bench/latency.py ../shared/eval/dev-questions.jsonl --runs 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from bot.settings import get_settings
from retrieval.evaluation import load_questions
from bot.qa_engine import open_rules_qa


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    qa = open_rules_qa(get_settings())
    questions = [q.question for q in load_questions(args.file)]
    qa.ask(questions[0])
    best = {q: float("inf") for q in questions}
    for _ in range(args.runs):
        for question in questions:
            started = time.perf_counter()
            qa.ask(question)
            best[question] = min(best[question], time.perf_counter() - started)
    times = sorted(best.values())
    cut = statistics.quantiles(times, n=100, method="inclusive")
    print(f"{len(times)} questions, best of {args.runs}: p50 {cut[49] * 1000:.1f} ms, p95 {cut[94] * 1000:.1f} ms")
    print(f"load average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
