"""Acknowledgement latency of `/oneonone schedule` and of a button click, against the floor.

    python tests/benchmarks/bench_ack.py [--postgres URL] [--requests 400]

Both servers run as their own processes on loopback, side by side in the same run: our
production server (`oneonone run --http --no-scheduler`: waitress, the real Bolt app with
request verification on, the database) and a bare Bolt app on the same waitress that only
acks the same requests (the floor). Requests are correctly signed and sent one at a time,
alternating between the two, each on a new connection as Slack's are. The Slack simulator
runs in a third process. The schedule commands each invite a different person (a real
write: the pairing, the invitation in the outbox, sent after the ack); the clicks accept
those invitations. The latency is from sending the request to the end of the answer.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier
from sqlalchemy import Engine, select, text

from bot import db
from bot.models import Pairing
from bot.simulator import BOT_TOKEN, SIGNING_SECRET
from tests.benchmarks.common import ROOT, fresh_databases, start_simulator

TEAM, LEADER = "T0SIMULATED", "ULEADER0001"
SIGNER = SignatureVerifier(SIGNING_SECRET)
PAUSE = float(os.environ.get("BENCH_PAUSE", "0"))  # seconds between requests; 0: back to back
WARM = 30  # requests first sent to warm up each server, not counted


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def post(url: str, body: str) -> float:
    """Seconds from sending a signed form post to the end of its answer."""
    stamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": SIGNER.generate_signature(timestamp=stamp, body=body),
    }
    request = urllib.request.Request(url, data=body.encode(), headers=headers, method="POST")
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=10) as answer:
        answer.read()
        assert answer.status == 200, answer.status
    return time.perf_counter() - started


def schedule_body(member: str, response_url: str) -> str:
    return urlencode(
        {
            "team_id": TEAM,
            "user_id": LEADER,
            "command": "/oneonone",
            "text": f"schedule <@{member}> weekly on Tuesday at 10:00",
            "api_app_id": "ASIMULATED1",
            "response_url": response_url,
            "trigger_id": "1.2.bench",
        }
    )


def click_body(member: str, pairing_id: int, response_url: str) -> str:
    payload = {
        "type": "block_actions",
        "team": {"id": TEAM},
        "user": {"id": member, "team_id": TEAM},
        "api_app_id": "ASIMULATED1",
        "trigger_id": "1.2.bench",
        "container": {"type": "message"},
        "response_url": response_url,
        "actions": [
            {
                "type": "button",
                "action_id": "invitation_accept",
                "block_id": "invitation",
                "value": str(pairing_id),
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }
    return urlencode({"payload": json.dumps(payload)})


def wait_healthy(url: str, process: subprocess.Popen) -> None:
    for _ in range(200):
        if process.poll() is not None:
            raise RuntimeError(f"the server exited: {process.stderr.read()}")  # type: ignore[union-attr]
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{url} never answered")


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p99 * 1000


def measure(database_url: str, api_url: str, requests: int) -> list[tuple[str, ...]]:
    engine = db.make_engine(database_url)
    db.migrate(engine)
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": api_url,
        "LOG_LEVEL": "WARNING",
    }
    ours_port, bare_port = free_port(), free_port()
    ours = subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--http", "--no-scheduler", "--port", str(ours_port)],
        env=environment,
        cwd=ROOT,
        stderr=open(os.environ.get("BENCH_LOG", os.devnull), "w"),  # noqa: SIM115
        text=True,
    )
    bare = subprocess.Popen(
        [sys.executable, __file__, "--bare", str(bare_port)],
        env=environment,
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    response_url = api_url.replace("/api/", "/response/bench")
    try:
        for port, process in ((ours_port, ours), (bare_port, bare)):
            wait_healthy(f"http://127.0.0.1:{port}/healthz", process)
        servers = {
            name: f"http://127.0.0.1:{port}/slack/events"
            for name, port in (("ours", ours_port), ("bare", bare_port))
        }
        members = [f"U{n:010d}" for n in range(requests + WARM)]
        schedules = alternate(servers, [schedule_body(m, response_url) for m in members])
        settle(engine, "SELECT count(*) FROM pairings", len(members))
        with engine.connect() as connection:
            ids = dict(connection.execute(select(Pairing.member_id, Pairing.id)).all())
        clicks = alternate(servers, [click_body(m, ids[m], response_url) for m in members])
        settle(engine, "SELECT count(*) FROM pairings WHERE status = 'active'", len(members))
        return [row("/oneonone schedule", schedules), row("Accept (a button)", clicks)]
    finally:
        for process in (ours, bare):
            process.terminate()
            process.wait(20)
        engine.dispose()


def alternate(servers: dict[str, str], bodies: list[str]) -> dict[str, list[float]]:
    """Each body to each server in turn, one request at a time; the first WARM are not kept."""
    timings: dict[str, list[float]] = {name: [] for name in servers}
    for n, body in enumerate(bodies):
        for name, url in servers.items():
            elapsed = post(url, body)
            if n >= WARM:
                timings[name].append(elapsed)
        time.sleep(PAUSE)
    return timings


def settle(engine: Engine, query: str, expected: int) -> None:
    """Wait for the work done after the acks (each ack comes first) to be done."""
    for _ in range(600):
        with engine.connect() as connection:
            if connection.execute(text(query)).scalar_one() == expected:
                return
        time.sleep(0.1)
    with engine.connect() as connection:
        got = connection.execute(text(query)).scalar_one()
    raise AssertionError(f"{query} is {got}, never {expected}")


def row(what: str, timings: dict[str, list[float]]) -> tuple[str, ...]:
    ours_p50, ours_p99 = percentiles(timings["ours"])
    bare_p50, bare_p99 = percentiles(timings["bare"])
    return (
        what,
        f"{ours_p50:.1f}",
        f"{ours_p99:.1f}",
        f"{bare_p50:.1f}",
        f"{bare_p99:.1f}",
        f"{ours_p50 / bare_p50:.2f}",
        f"{ours_p99 / bare_p99:.2f}",
    )


def bare_main(port: int) -> None:
    """The floor: Bolt on the same server, verifying signatures, acking and nothing else."""
    import re

    from slack_bolt import App
    from slack_sdk import WebClient

    from bot import web

    app = App(
        signing_secret=SIGNING_SECRET,
        client=WebClient(token=BOT_TOKEN, base_url=os.environ["SLACK_API_URL"]),
        token_verification_enabled=False,
    )
    app.command("/oneonone")(lambda ack: ack())
    app.action(re.compile(".*"))(lambda ack: ack())
    engine = db.make_engine(os.environ["DATABASE_URL"])
    web.serve(web.wsgi_app(app, engine, SIGNING_SECRET), host="127.0.0.1", port=port)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", default=os.environ.get("TEST_POSTGRES_URL"))
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--bare", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare:
        bare_main(args.bare)
        return
    simulator, api_url = start_simulator()
    print(
        f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; milliseconds over "
        f"{args.requests} requests of each kind to each server"
    )
    print(
        "| database | request | ours p50 | ours p99 | bare Bolt p50 | bare Bolt p99 "
        "| ratio p50 | ratio p99 |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    try:
        for name, create, drop in fresh_databases(args.postgres):
            url = create()
            try:
                for cells in measure(url, api_url, args.requests):
                    print(f"| {name} | " + " | ".join(cells) + " |", flush=True)
            finally:
                drop(url)
    finally:
        simulator.terminate()
        simulator.wait(10)


if __name__ == "__main__":
    main()
