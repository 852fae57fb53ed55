"""`oneonone tick` as separate processes: killed mid-send, or three at once, each invitation
is delivered exactly once."""

from __future__ import annotations

import os
import signal
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from bot.db import make_engine
from bot.delivery.outbox import Planned, Policy, Subject, enqueue
from bot.models import Delivery, DeliveryState, Pairing, PairingStatus
from bot.scheduling.cadence import Cadence, Frequency
from bot.simulator import BOT_TOKEN, SlackSimulator
from bot.simulator.webapi import Limits
from tests.conftest import Outage, oneonone
from tests.processes import Forked

NOW = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
LEADER = "UADA0000001"


def invite(engine: Engine, people: list[str]) -> None:
    with Session(engine) as session, session.begin():
        for person in people:
            pairing = Pairing(
                team_id="T0SIMULATED",
                leader_id=LEADER,
                member_id=person,
                status=PairingStatus.INVITED,
                cadence=Cadence(Frequency.WEEKLY, 1, time(10), "America/New_York"),
                start=date(2026, 11, 24),
                minutes=30,
                created_at=NOW,
            )
            session.add(pairing)
            session.flush()
            subject = Subject("pairing", str(pairing.id))
            planned = Planned("T0SIMULATED", "invitation", subject, person, NOW)
            enqueue(session, planned, now=NOW)


def tick(database_url: str, simulator: SlackSimulator, now: datetime) -> Forked:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_API_URL": simulator.api_url,
        "LOG_LEVEL": "WARNING",
    }
    return Forked(["tick", "--now", now.isoformat()], env=env)


def states(engine: Engine) -> dict:
    with Session(engine) as session:
        rows = session.execute(select(Delivery.state, func.count()).group_by(Delivery.state))
        return dict(rows.all())


def invitations(simulator: SlackSimulator) -> list[int]:
    return [
        call.args["metadata"]["event_payload"]["delivery_id"]
        for call in simulator.calls_to("chat.postMessage")
        if call.status == 200
    ]


@pytest.mark.parametrize("moment", ["after Slack accepted", "before sending"])
def test_a_tick_killed_mid_send_neither_duplicates_nor_loses(
    engine: Engine, database_url: str, simulator: SlackSimulator, moment: str
) -> None:
    invite(engine, ["UBART000001"])
    running: dict[str, Forked] = {}

    def kill() -> None:
        os.kill(running["tick"].pid, signal.SIGKILL)

    hook = {"after": kill} if moment == "after Slack accepted" else {"before": kill}
    simulator.fail("chat.postMessage", **hook)
    running["tick"] = tick(database_url, simulator, NOW)
    running["tick"].communicate(timeout=60)
    assert running["tick"].returncode == -signal.SIGKILL
    assert states(engine) == {DeliveryState.IN_FLIGHT: 1}
    expected = "1 recovered" if moment == "after Slack accepted" else "1 sent"
    early = tick(database_url, simulator, NOW + timedelta(minutes=1))
    out, err = early.communicate(timeout=60)
    assert early.returncode == 0, err
    if engine.dialect.name == "postgresql":  # the killed tick's lock went with it: at once
        assert expected in out
    else:  # SQLite cannot tell a dead tick from a slow one: the lease holds
        assert "0 sent, 0 recovered" in out
        # A lease runs from the instant of the claim: the killed tick claimed just after NOW.
        late = tick(database_url, simulator, NOW + Policy().lease + timedelta(seconds=2))
        out, err = late.communicate(timeout=60)
        assert late.returncode == 0, err
        assert expected in out
    assert len(simulator.messages("DBART000001")) == 1
    assert states(engine) == {DeliveryState.SENT: 1}


@pytest.mark.postgres
def test_a_tick_that_loses_its_database_mid_pass_says_so_and_the_next_takes_over_at_once(
    postgres_url: str, outage: Outage, simulator: SlackSimulator
) -> None:
    """PostgreSQL stops after Slack took the third of six invitations: the tick exits with one
    line, and a tick a minute later (well inside the lease) sends each of the six once."""
    simulator.any_user = True
    engine = make_engine(postgres_url)
    invite(engine, [f"U{n:010d}" for n in range(6)])
    posts = iter(range(1, 7))

    def stop_at_the_third() -> None:
        if next(posts) == 3:
            outage.begin()

    simulator.fail("chat.postMessage", times=3, after=stop_at_the_third)
    out, err = tick(postgres_url, simulator, NOW).communicate(timeout=60)
    assert err.startswith("oneonone: the database went out of reach: ")
    assert len(err.strip().splitlines()) == 1, err
    outage.end()
    engine.dispose()  # the test's own connections were cut too
    assert states(engine) == {DeliveryState.IN_FLIGHT: 6}
    again = tick(postgres_url, simulator, NOW + timedelta(minutes=1))
    out, err = again.communicate(timeout=60)
    assert again.returncode == 0, err
    assert "3 sent, 3 recovered" in out
    assert sorted(invitations(simulator)) == sorted(set(invitations(simulator)))
    assert len(invitations(simulator)) == 6
    assert states(engine) == {DeliveryState.SENT: 6}
    engine.dispose()


def test_three_ticks_at_once_share_the_workspace_rate_and_send_each_once(
    engine: Engine, database_url: str, simulator: SlackSimulator
) -> None:
    """Three ticks at once over 60 invitations, against Slack's limits (the simulator's
    model, in real time): each invitation once, all of them, and not one 429 between them,
    because the three keep one workspace's rate together through the database."""
    simulator.any_user = True
    simulator.limits = Limits()
    invite(engine, [f"U{n:010d}" for n in range(60)])
    processes = [tick(database_url, simulator, NOW) for _ in range(3)]
    outputs = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        outputs.append(out)
    delivered = invitations(simulator)
    assert len(delivered) == 60
    assert len(set(delivered)) == 60
    assert states(engine) == {DeliveryState.SENT: 60}
    assert [c for c in simulator.calls_to("chat.postMessage") if c.status == 429] == []
    assert simulator.inside_retry_after == []
    sent = [int(out.split(": ", 1)[1].split(" sent")[0].rsplit(" ", 1)[-1]) for out in outputs]
    assert sum(sent) == 60
    assert sum(1 for n in sent if n > 0) >= 2  # the replicas shared the burst


def test_tick_refuses_a_budget_that_is_not_seconds(
    database_url: str, simulator: SlackSimulator
) -> None:
    env = {"DATABASE_URL": database_url, "SLACK_BOT_TOKEN": "xoxb-x", "SLACK_SIGNING_SECRET": "s"}
    done = oneonone("tick", "--budget", "soon", cwd=Path(__file__).parent, **env)
    assert done.returncode == 2
    assert "not a number of seconds" in done.stderr
