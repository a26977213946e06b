"""Rules Q&A over Telegram under load: the real `officebot run` process against the Bot API emulator.

20 simulated people each ask their questions one after another (send, wait for the answer, ask
the next), all at the same time, 1,000 questions in total. Reported: answers per second over the
whole run, and the p50/p95 time from a person's send to the bot's reply arriving at the emulator.
The bot's rate limiter (≈30 messages/s overall, as Telegram allows) is part of what is measured.

Run it (from the repository root; ingests the bundled rules into a temporary index first unless
--chroma-path points at an existing one)::

    .venv/bin/python bench/bench_telegram_qa.py
    .venv/bin/python bench/bench_telegram_qa.py --questions 200 --users 5 --chroma-path /tmp/index/chroma

Results are printed and written to bench/results/telegram_qa-<time>.json (git-ignored).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "e2e"))  # the emulator and the process harness of the e2e tests

from emulator import Emulator  # noqa: E402
from harness import Bot, base_env, officebot_command  # noqa: E402

# Colloquial questions as staff ask them; a few are outside the rules on purpose.
QUESTIONS = [
    "常务会议的材料要提前几天报送?",
    "副区长出差跟谁请假?",
    "区长离京出访要向谁请示?",
    "部门一把手休假需要谁批准?",
    "区政府全体会议多久开一次?",
    "区长专题会议由谁主持?",
    "议题涉及其他部门意见不一致怎么办?",
    "规范性文件发布后多少天内备案?",
    "重大舆情多长时间内要发布信息?",
    "外事活动要提前几个工作日报外事办?",
    "哪些事项不提交常务会议讨论?",
    "合法性审查意见什么时候需要?",
    "区政府领导不能出席常务会议怎么办?",
    "公文报送前要和哪些部门沟通?",
    "调研时可以在外面吃饭吗?",
    "会议纪要由谁签发?",
    "政务公开有什么要求?",
    "今天北京天气怎么样?",
    "怎么申请停车位?",
    "What is the deadline for meeting materials?",
]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def one_person(bot: Bot, user_id: int, count: int, offset: int, latencies: list[float]) -> None:
    api = bot.api
    loop = asyncio.get_running_loop()
    for index in range(count):
        question = QUESTIONS[(offset + index) % len(QUESTIONS)]
        sent_at = loop.time()
        sent = api.send_text(user_id, question)

        def answers(message: dict, asked: int = sent["message_id"]) -> bool:
            return message.get("reply_to_message", {}).get("message_id") == asked

        await api.wait_message(user_id, answers, after=sent["message_id"], timeout=120)
        latencies.append(loop.time() - sent_at)


async def drive(bot: Bot, questions: int, users: int) -> tuple[float, list[float]]:
    user_ids = [900_000 + n for n in range(users)]
    for user_id in user_ids:
        bot.api.add_user(user_id, f"用户{user_id % 1000}")
    latencies: list[float] = []
    shares = [questions // users + (1 if n < questions % users else 0) for n in range(users)]
    started = time.perf_counter()
    await asyncio.gather(*(one_person(bot, uid, share, n, latencies) for n, (uid, share) in enumerate(zip(user_ids, shares))))
    return time.perf_counter() - started, latencies


def ingest(root: Path) -> Path:
    chroma = root / "chroma"
    subprocess.run(officebot_command("ingest"), cwd=root, env=base_env(DATA_DIR=str(root / "data"), CHROMA_PATH=str(chroma)),
                   check=True, capture_output=True)
    return chroma


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=1000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--chroma-path", type=Path, help="an index already built with `officebot ingest`")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-telegram-qa-") as tmp:
        root = Path(tmp)
        chroma = args.chroma_path or ingest(root)
        emulator = Emulator().start()
        world = emulator.new_bot()
        env = base_env(TELEGRAM_BOT_TOKEN=world.token, TELEGRAM_API_URL=emulator.url, DATA_DIR=str(root / "bot"),
                       CHROMA_PATH=str(chroma), LOG_LEVEL="WARNING")
        bot = Bot(emulator, world, root, env)
        try:
            bot.wait_ready()
            # One question first, so a cold start does not count against the run.
            emulator.run_async(drive(bot, 1, 1), timeout=300)
            seconds, latencies = emulator.run_async(drive(bot, args.questions, args.users), timeout=3600)
        finally:
            exit_code = bot.stop()
            emulator.stop()

    result = {
        "benchmark": "telegram_qa",
        "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": f"{platform.node()} {platform.machine()} python {platform.python_version()}",
        "questions": len(latencies),
        "users": args.users,
        "seconds": round(seconds, 2),
        "answers_per_second": round(len(latencies) / seconds, 2),
        "latency_p50_ms": round(statistics.median(latencies) * 1000, 1),
        "latency_p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
        "latency_max_ms": round(max(latencies) * 1000, 1),
        "bot_exit_code": exit_code,
    }
    results = REPO / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    path = results / f"telegram_qa-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))
    print(f"written to {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
