"""Benchmark one scheduler pass: idle among 1k / 10k / 100k pairings, and with 1,000 due.

    python tests/benchmarks/bench_outbox.py [--postgres URL] [--sizes 1000,10000,100000]

Each pairing is a running 1:1 whose next meeting is tomorrow, with its outbox rows: last week's
prompt and agenda (sent) and next week's prompt (pending, not yet due). The pass runs the
product's planners (keeping meetings ahead) as `oneonone tick` does. The simulator runs in its
own process on loopback, so the CPU time measured here is our own. It prints the figures and
the query plans of the pass's two reads.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from datetime import time as dtime

from sqlalchemy import Engine, insert, text
from sqlalchemy.orm import Session

from bot import db
from bot.app import MESSAGES
from bot.delivery.limiter import Bucket, Limiter
from bot.delivery.outbox import Message, Outbox, Policy
from bot.models import Delivery, DeliveryState, Pairing, PairingStatus
from bot.simulator import BOT_TOKEN
from tests.benchmarks.common import fresh_databases, start_simulator

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
KIND = "bench"
TEAM = "T0SIMULATED"


def render(_session: Session, delivery: Delivery, _now: datetime) -> Message:
    return Message(text=f"Your 1:1 questions are ready ({delivery.subject})")


def fill(engine: Engine, pairings: int, due: int, now: datetime = NOW) -> None:
    """Running 1:1s whose next meeting is a day after `now`, each with its outbox rows, and
    `due` deliveries due at `now`."""
    rows, ones = [], []
    for n in range(pairings):
        ones.append(
            {
                "team_id": TEAM,
                "leader_id": "ULEADER0001",
                "member_id": f"U{n:010d}",
                "status": PairingStatus.ACTIVE,
                "frequency": "weekly",
                "interval": 1,
                "weekday": 2,
                "positions": "",
                "at": dtime(10),
                "zone": "America/New_York",
                "start": now.date(),
                "minutes": 30,
                "created_at": now - timedelta(days=30),
                "top_up_at": now + timedelta(days=1),
            }
        )
        person = f"U{n:010d}"
        for kind, subject, state, at in (
            ("prompt", f"meeting:{2 * n}", DeliveryState.SENT, now - timedelta(days=7)),
            ("agenda", f"meeting:{2 * n}", DeliveryState.SENT, now - timedelta(days=6)),
            ("prompt", f"meeting:{2 * n + 1}", DeliveryState.PENDING, now + timedelta(days=1)),
        ):
            rows.append(
                {
                    "team_id": TEAM,
                    "kind": kind,
                    "subject": subject,
                    "recipient": person,
                    "due_at": at,
                    "available_at": at,
                    "state": state,
                    "attempts": 0,
                    "created_at": now - timedelta(days=8),
                }
            )
    for n in range(due):
        rows.append(
            {
                "team_id": TEAM,
                "kind": KIND,
                "subject": f"due:{n}",
                "recipient": f"U9{n:09d}",
                "due_at": now,
                "available_at": now,
                "state": DeliveryState.PENDING,
                "attempts": 0,
                "created_at": now,
            }
        )
    with engine.begin() as connection:
        for start in range(0, len(ones), 5000):
            connection.execute(insert(Pairing), ones[start : start + 5000])
        for start in range(0, len(rows), 5000):
            connection.execute(insert(Delivery), rows[start : start + 5000])
        if engine.dialect.name == "postgresql":
            connection.execute(text("ANALYZE deliveries"))
            connection.execute(text("ANALYZE pairings"))
        else:
            connection.execute(text("ANALYZE"))


def plan_of_claim(engine: Engine) -> str:
    prefix = "EXPLAIN QUERY PLAN" if engine.dialect.name == "sqlite" else "EXPLAIN"
    queries = (
        f"{prefix} SELECT id FROM deliveries WHERE state IN ('pending', 'in_flight') "
        f"AND available_at <= '{NOW.isoformat()}' ORDER BY available_at LIMIT 500",
        f"{prefix} SELECT id FROM pairings WHERE top_up_at <= '{NOW.isoformat()}' "
        "AND status = 'active' ORDER BY top_up_at LIMIT 1000",
    )
    with engine.connect() as connection:
        return " || ".join(
            " | ".join(str(row[-1]) for row in connection.execute(text(query))) for query in queries
        )


def measure(database_url: str, api_url: str, pairings: int, due: int) -> dict[str, float]:
    engine = db.make_engine(database_url)
    db.migrate(engine)
    fill(engine, pairings, due)
    # The pass's own cost, without Slack's limits (bench_burst measures those).
    unlimited = Limiter(engine, workspace=Bucket(1e9, 1e9), dm=Bucket(1e9, 1e9))
    box = Outbox(
        engine,
        lambda _e, _t: BOT_TOKEN,
        api_url,
        {KIND: render},
        planners=[planner for feature in MESSAGES for planner in feature.PLANNERS],
        limiter=unlimited,
        policy=Policy(budget=600),
    )
    box.run_pass(NOW - timedelta(hours=1))  # warm the pool and caches
    wall, cpu = [], []
    runs = 1 if due else 30
    for _ in range(runs):
        started_wall, started_cpu = time.perf_counter(), time.process_time()
        report = box.run_pass(NOW)
        wall.append(time.perf_counter() - started_wall)
        cpu.append(time.process_time() - started_cpu)
    assert report.sent == due, report
    result = {
        "wall_ms": statistics.median(wall) * 1000,
        "cpu_ms": statistics.median(cpu) * 1000,
        "plan": plan_of_claim(engine),
    }
    engine.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", default=os.environ.get("TEST_POSTGRES_URL"))
    parser.add_argument("--sizes", default="1000,10000,100000")
    args = parser.parse_args()
    simulator, api_url = start_simulator()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print("| database | pairings | due | pass wall ms | pass CPU ms (ours) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    plans = {}
    try:
        for name, create, drop in fresh_databases(args.postgres):
            for pairings, due in [(int(s), 0) for s in args.sizes.split(",")] + [(1000, 1000)]:
                url = create()
                try:
                    result = measure(url, api_url, pairings, due)
                finally:
                    drop(url)
                plans[name] = result["plan"]
                print(
                    f"| {name} | {pairings:,} | {due:,} | {result['wall_ms']:.2f} "
                    f"| {result['cpu_ms']:.2f} |",
                    flush=True,
                )
    finally:
        simulator.terminate()
        simulator.wait(10)
    for name, plan in plans.items():
        print(f"query plans on {name}: {plan}")


if __name__ == "__main__":
    main()
