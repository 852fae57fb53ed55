"""Benchmark a burst at Slack's ceiling: 25 leaders × 20 people, everything due at one instant.

    python -m tests.benchmarks.bench_burst [--postgres URL] [--leaders 25] [--people 20]

Each of the 500 people has an invitation due, and each leader the news that each of theirs
accepted: 1,000 messages at one instant, 20 of them to each leader's DM. The simulator
enforces its model of Slack's limits (`bot.simulator.webapi.Limits`: a workspace 600 a minute
with a burst of 20, a DM one a second with a burst of 3) and records every call made inside a
`Retry-After` it announced. The replicas are real `oneonone` processes:

- one `run` replica (its in-process scheduler), on SQLite and on PostgreSQL;
- three `run` replicas on PostgreSQL;
- `run --no-scheduler` with a cron `tick` each minute (the first at the burst's instant);
- two workspaces at once (a multi-workspace install, half the leaders in each): one `run`
  replica, and three on PostgreSQL. Each workspace has its own limit, so the model's minimum
  is half of one workspace's.

The model's minimum time is the longer of the workspace's ((messages − burst) / rate) and the
busiest DM's; efficiency is that minimum over the measured time from the burst's instant to the
last message sent. Duplicates are delivery ids posted twice; losses are rows left unsent.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from datetime import time as dtime

from slack_sdk.oauth.installation_store import Installation
from sqlalchemy import Engine, func, insert, select

from bot import db
from bot.config import Settings
from bot.installations import installation_store
from bot.models import Delivery, DeliveryState, Pairing, PairingStatus
from bot.simulator import BOT_TOKEN, SlackSimulator, Workspace
from bot.simulator.webapi import Limits
from bot.slack import manifest
from tests.benchmarks.common import ROOT, fresh_databases

TEAMS = ("T0SIMULATED", "T0SECOND001")
CLIENT_ID, CLIENT_SECRET = "111.222", "bench-oauth-secret"
LEAD = 8.0  # seconds from starting the replicas to the burst's instant
CRON = 60.0


def fill(engine: Engine, leaders: int, people: int, due: datetime, workspaces: int = 1) -> int:
    """Invited 1:1s, and for each an invitation to the person and the news to the leader; the
    leaders take turns between the workspaces."""
    pairings = [
        {
            "team_id": TEAMS[leader % workspaces],
            "leader_id": f"UL{leader:09d}",
            "member_id": f"UP{leader:04d}{person:05d}",
            "status": PairingStatus.INVITED,
            "frequency": "weekly",
            "weekday": 2,
            "positions": "",
            "at": dtime(10),
            "zone": "America/New_York",
            "interval": 1,
            "start": due.date(),
            "minutes": 30,
            "created_at": due - timedelta(days=1),
        }
        for leader in range(leaders)
        for person in range(people)
    ]
    with engine.begin() as connection:
        ids = connection.execute(insert(Pairing).returning(Pairing.id), pairings).scalars().all()
        rows = []
        for pairing_id, pairing in zip(ids, pairings, strict=True):
            for subject, recipient in (
                (f"pairing:{pairing_id}", pairing["member_id"]),
                (f"pairing:{pairing_id}:accepted", pairing["leader_id"]),
            ):
                rows.append(
                    {
                        "team_id": pairing["team_id"],
                        "kind": "invitation",
                        "subject": subject,
                        "recipient": recipient,
                        "due_at": due,
                        "available_at": due,
                        "state": DeliveryState.PENDING,
                        "attempts": 0,
                        "created_at": due - timedelta(days=1),
                    }
                )
        connection.execute(insert(Delivery), rows)
    return len(rows)


def minimum_seconds(messages: int, busiest_dm: int, limits: Limits, workspaces: int = 1) -> float:
    """Each workspace sends its share at its own rate, side by side."""
    share = messages / workspaces
    workspace = max(share - limits.workspace_burst, 0) / limits.per_workspace
    dm = max(busiest_dm - limits.channel_burst, 0) / limits.per_channel
    return max(workspace, dm)


def spawn(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot", *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def sent_count(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).where(Delivery.state == DeliveryState.SENT))


def install(engine: Engine, simulator: SlackSimulator) -> dict[str, str]:
    """Both workspaces installed (the installation store's rows, as OAuth leaves them), each
    with its own token; the settings of a multi-workspace deployment."""
    settings = Settings(database_url="", client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    store = installation_store(settings, engine)
    for n, team_id in enumerate(TEAMS):
        token = f"xoxb-bench-{n}"
        simulator.add_workspace(Workspace(team_id=team_id, bot_user_id=f"UBOT{n:07d}"), token)
        store.save(
            Installation(
                app_id="ABENCH00001",
                team_id=team_id,
                bot_token=token,
                bot_id=f"BBENCH{n:05d}",
                bot_user_id=f"UBOT{n:07d}",
                bot_scopes=manifest.bot_scopes(),
                user_id="UINSTALLER1",
            )
        )
    return {"SLACK_CLIENT_ID": CLIENT_ID, "SLACK_CLIENT_SECRET": CLIENT_SECRET}


def run_mode(url: str, mode: str, leaders: int, people: int) -> dict[str, float]:
    simulator = SlackSimulator(any_user=True, limits=Limits()).start()
    engine = db.make_engine(url)
    db.migrate(engine)
    due = datetime.now(UTC) + timedelta(seconds=LEAD)
    workspaces = 2 if mode.startswith("two workspaces") else 1
    total = fill(engine, leaders, people, due, workspaces)
    tokens = install(engine, simulator) if workspaces > 1 else {"SLACK_BOT_TOKEN": BOT_TOKEN}
    env = {
        **os.environ,
        **tokens,
        "DATABASE_URL": url,
        "SLACK_SIGNING_SECRET": "bench-signing-secret",
        "SLACK_API_URL": simulator.api_url,
        "LOG_LEVEL": "ERROR",
    }
    replicas = {"run": 1, "three runs": 3, "cron tick": 1}[mode.removeprefix("two workspaces: ")]
    serving = ["run", "--http", "--port", "0"] + (["--no-scheduler"] if mode == "cron tick" else [])
    processes = [spawn(serving, env) for _ in range(replicas)]
    ticks: list[subprocess.Popen[str]] = []
    next_tick = due.timestamp()
    minimum = minimum_seconds(total, people, Limits(), workspaces)
    deadline = due.timestamp() + 20 * minimum + 120
    finished = None
    try:
        while time.time() < deadline:
            if mode == "cron tick" and time.time() >= next_tick:
                ticks.append(spawn(["tick"], env))
                next_tick += CRON
            if sent_count(engine) >= total:
                finished = time.time()
                break
            time.sleep(0.1)
    finally:
        for process in processes + ticks:
            process.terminate()
        for process in processes + ticks:
            process.wait(30)
    posted = Counter(
        call.args["metadata"]["event_payload"]["delivery_id"]
        for call in simulator.calls_to("chat.postMessage")
        if call.status == 200
    )
    with engine.connect() as connection:
        unsent = connection.scalar(select(func.count()).where(Delivery.state != DeliveryState.SENT))
    result = {
        "messages": total,
        "minimum": minimum,
        "measured": (finished or time.time()) - due.timestamp(),
        "429s": sum(1 for c in simulator.calls_to("chat.postMessage") if c.status == 429),
        "inside_retry_after": len(simulator.inside_retry_after),
        "duplicates": sum(count - 1 for count in posted.values() if count > 1),
        "lost": unsent,
    }
    engine.dispose()
    simulator.stop()
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", default=os.environ.get("TEST_POSTGRES_URL"))
    parser.add_argument("--leaders", type=int, default=25)
    parser.add_argument("--people", type=int, default=20)
    parser.add_argument("--modes", help="a comma-separated subset of the modes")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print(
        "| database | mode | messages | model minimum s | measured s | efficiency "
        "| 429s | calls inside Retry-After | duplicates | lost |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, create, drop in fresh_databases(args.postgres):
        modes = ["run", "cron tick", "two workspaces: run"]
        if name == "PostgreSQL":
            modes += ["three runs", "two workspaces: three runs"]
        for mode in modes:
            if args.modes and mode not in args.modes.split(","):
                continue
            url = create()
            try:
                r = run_mode(url, mode, args.leaders, args.people)
            finally:
                drop(url)
            print(
                f"| {name} | {mode} | {r['messages']:,} | {r['minimum']:.1f} "
                f"| {r['measured']:.1f} | {r['minimum'] / r['measured']:.2f} | {r['429s']} "
                f"| {r['inside_retry_after']} | {r['duplicates']} | {r['lost']} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
