"""Answer latency as a user meets it.

Warm: every question of the files is asked `--runs` times in one engine (after one warm-up question);
p50 and p95 are taken over every run of every question, so a slow run counts as it does for the
person who waited. Beside them, the p95 of each question's best run: the engine's own cost with the
load spikes of other processes on a shared machine taken out (the figure this script used to report).
Cold: `--cold N` times `officebot ask QUESTION` as a fresh process N times (the index already built)
and reports the median wall time.

    .venv/bin/python bench/latency.py ../shared/eval/dev-questions.jsonl bench/questions/validation.jsonl \\
        bench/questions/paraphrase.jsonl bench/questions/blind.jsonl --runs 3 --cold 5

Figures are printed and written to bench/results/latency-<time>.json (git-ignored). The settings
(DATA_DIR, CHROMA_*) are read as `officebot` reads them.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bootstrap.qa_engine import open_rules_qa
from bootstrap.settings import get_settings
from retrieval.evaluation import load_questions

REPO = Path(__file__).resolve().parents[1]


def percentiles(seconds: list[float]) -> dict[str, float]:
    """p50 and p95 in milliseconds (inclusive quantiles: the p95 of 20 values lies between the two slowest)."""
    cut = statistics.quantiles(seconds, n=100, method="inclusive")
    return {"p50_ms": round(cut[49] * 1000, 1), "p95_ms": round(cut[94] * 1000, 1)}


def warm(files: list[Path], runs: int) -> dict:
    """Per file and over all files: percentiles over every run, and over each question's best run."""
    qa = open_rules_qa(get_settings())
    questions = [(path.name, q.question) for path in files for q in load_questions(path)]
    qa.ask(questions[0][1])
    times: list[list[float]] = [[] for _ in questions]
    for _ in range(runs):  # whole passes, so that a load spike hits different questions in each
        for row, (_, question) in enumerate(questions):
            started = time.perf_counter()
            qa.ask(question)
            times[row].append(time.perf_counter() - started)

    def figures(rows: list[int]) -> dict:
        every = [t for row in rows for t in times[row]]
        best = [min(times[row]) for row in rows]
        return {"questions": len(rows), "runs": len(every), "every_run": percentiles(every),
                "best_of_runs": percentiles(best)}

    report = {path.name: figures([i for i, (name, _) in enumerate(questions) if name == path.name]) for path in files}
    report["all"] = figures(list(range(len(questions))))
    return report


def cold(question: str, times: int) -> dict:
    """Median wall time of `officebot ask QUESTION` as a new process."""
    officebot = Path(sys.executable).parent / "officebot"
    walls = []
    for _ in range(times):
        started = time.perf_counter()
        subprocess.run([str(officebot), "ask", question], check=True, stdout=subprocess.DEVNULL)
        walls.append(time.perf_counter() - started)
    return {"runs": times, "median_s": round(statistics.median(walls), 2), "all_s": [round(w, 2) for w in walls]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", type=Path, nargs="+")
    parser.add_argument("--runs", type=int, default=3, help="passes over the questions (default 3)")
    parser.add_argument("--cold", type=int, default=0, metavar="N", help="also time N cold `officebot ask` processes")
    args = parser.parse_args()
    if args.runs < 1 or args.cold < 0:
        parser.error("--runs must be ≥ 1 and --cold ≥ 0")
    load_before = os.getloadavg()[0]
    report: dict = {"warm": warm(args.files, args.runs)}
    for name, row in report["warm"].items():
        every, best = row["every_run"], row["best_of_runs"]
        print(f"{name}: {row['questions']} questions × {args.runs}: every run p50 {every['p50_ms']} ms, "
              f"p95 {every['p95_ms']} ms; best of {args.runs} p50 {best['p50_ms']} ms, p95 {best['p95_ms']} ms")
    if args.cold:
        report["cold"] = cold(load_questions(args.files[0])[0].question, args.cold)
        print(f"cold officebot ask: median {report['cold']['median_s']} s of {args.cold} ({report['cold']['all_s']})")
    report["load_average"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    print(f"load average before / after: {report['load_average'][0]} / {report['load_average'][1]} on {os.cpu_count()} cores")
    results = REPO / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    path = results / f"latency-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"written to {path}")


if __name__ == "__main__":
    main()
