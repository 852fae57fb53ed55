"""Peak memory of `oneonone run` with 100,000 running 1:1s in its database.

    python tests/benchmarks/bench_memory.py [--postgres URL] [--pairings 100000]

The database holds that many running 1:1s (and their outbox rows) as of the real clock;
`oneonone run` (HTTP, with its in-process scheduler) starts on it, runs its first scheduler
pass, then answers 200 `/oneonone schedule` commands. The figure is the process's peak
resident memory (VmHWM), read from /proc.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bot import db
from bot.simulator import BOT_TOKEN, SIGNING_SECRET
from tests.benchmarks.bench_ack import free_port, post, schedule_body, wait_healthy
from tests.benchmarks.bench_outbox import fill
from tests.benchmarks.common import ROOT, fresh_databases, start_simulator

COMMANDS = 200


def peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc")


def measure(database_url: str, api_url: str, pairings: int) -> tuple[float, float]:
    """(peak MB after the first pass, peak MB after the commands)."""
    engine = db.make_engine(database_url)
    db.migrate(engine)
    fill(engine, pairings, 0, now=datetime.now(UTC))
    engine.dispose()
    port = free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": api_url,
        "LOG_LEVEL": "INFO",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--http", "--port", str(port)],
        env=environment,
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_healthy(f"http://127.0.0.1:{port}/healthz", process)
        time.sleep(3)  # the first pass runs as the scheduler starts
        after_pass = peak_mb(process.pid)
        response_url = api_url.replace("/api/", "/response/bench")
        for n in range(COMMANDS):
            post(
                f"http://127.0.0.1:{port}/slack/events", schedule_body(f"UNEW{n:07d}", response_url)
            )
        time.sleep(1)
        return after_pass, peak_mb(process.pid)
    finally:
        process.terminate()
        process.wait(20)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", default=os.environ.get("TEST_POSTGRES_URL"))
    parser.add_argument("--pairings", type=int, default=100_000)
    args = parser.parse_args()
    simulator, api_url = start_simulator()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print("| database | running 1:1s | peak RSS after the first pass | after 200 commands |")
    print("| --- | ---: | ---: | ---: |")
    try:
        for name, create, drop in fresh_databases(args.postgres):
            url = create()
            try:
                after_pass, after_commands = measure(url, api_url, args.pairings)
            finally:
                drop(url)
            print(
                f"| {name} | {args.pairings:,} | {after_pass:.0f} MB | {after_commands:.0f} MB |",
                flush=True,
            )
    finally:
        simulator.terminate()
        simulator.wait(10)


if __name__ == "__main__":
    main()
