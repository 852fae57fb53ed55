"""Slack's own payload shapes, replayed signed through the real app.

`tests/corpus/*.json` holds requests as Slack sends them, adapted from what Slack publishes
(slackapi/bolt-python's scenario tests, slackapi/java-slack-sdk's json-logs samples, Slack's
docs); each case names its source. Every one is replayed on SQLite and PostgreSQL, after
Ada and Bart's first prompts have gone out, and must be answered with 200 within Slack's 3 s,
log nothing at WARNING or above that the case does not expect, and react as the case says:
the Web API calls made, in order, and what changed.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.delivery.outbox import Outbox
from bot.models import Profile
from bot.simulator import SlackClient, SlackSimulator
from bot.simulator.client import Response
from tests.conftest import at
from tests.integration import ExpectLog
from tests.integration.drive import ADA, BART, CAROL, FIRST, prompt_of, saved, shown

CORPUS = Path(__file__).parent.parent / "corpus"
SLACK_TIMEOUT = 3.0
PLACEHOLDER = re.compile(r"\{\{([A-Z_]+)\}\}")


@dataclass(frozen=True)
class Case:
    file: str
    name: str
    wire: str  # "json" (Events API), "payload" (interactivity) or "form" (slash commands)
    request: dict[str, Any]
    expect: dict[str, Any]

    @property
    def id(self) -> str:
        return f"{self.file}: {self.name}"


def _load() -> list[Case]:
    cases = []
    for path in sorted(CORPUS.glob("*.json")):
        data = json.loads(path.read_text())
        for case in data["cases"]:
            assert case.get("source"), f"{path.name}: {case['name']} names no source"
            if "event" in case:  # an Events API delivery: the file's envelope around it
                request = {**data["envelope"], **case.get("envelope", {}), "event": case["event"]}
                request = {k: v for k, v in request.items() if v is not None}
                wire = "json"
            elif "body" in case:
                request, wire = case["body"], "json"
            elif "payload" in case:
                request, wire = case["payload"], "payload"
            else:
                request, wire = case["fields"], "form"
            cases.append(Case(path.stem, case["name"], wire, request, case["expect"]))
    return cases


CASES = _load()


def fill(value: Any, names: dict[str, str]) -> Any:
    if isinstance(value, str):
        return PLACEHOLDER.sub(lambda m: names[m.group(1)], value)
    if isinstance(value, list):
        return [fill(v, names) for v in value]
    if isinstance(value, dict):
        return {fill(k, names): fill(v, names) for k, v in value.items()}
    return value


def send(slack: SlackClient, wire: str, request: dict[str, Any]) -> Response:
    if wire == "json":
        if "event_time" in request:
            request = {**request, "event_time": int(FIRST.timestamp())}
        return slack.post(json.dumps(request), "application/json")
    if wire == "payload":
        return slack.post(urlencode({"payload": json.dumps(request)}), FORM)
    return slack.post(urlencode(request), FORM)


FORM = "application/x-www-form-urlencoded"


def zone_of(engine: Engine, user: str) -> str | None:
    with Session(engine) as session:
        return session.scalar(select(Profile.tz).where(Profile.user_id == user))


def test_the_corpus_covers_what_slack_sends() -> None:
    kinds = {(c.request.get("event") or {}).get("subtype") for c in CASES if c.wire == "json"}
    assert {None, "file_share", "thread_broadcast", "message_changed", "message_deleted"} <= kinds
    assert {"me_message", "ekm_access_denied", "bot_message", "message_replied"} <= kinds
    types = {c.request.get("type") for c in CASES}
    assert {"block_actions", "view_submission", "view_closed", "message_action"} <= types
    assert {"url_verification", "app_rate_limited", "shortcut", "block_suggestion"} <= types


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_a_payload_slack_sends_is_answered_in_time_and_rightly(
    case: Case,
    pair: SlackClient,
    simulator: SlackSimulator,
    outbox: Outbox,
    engine: Engine,
    expect_log: ExpectLog,
) -> None:
    outbox.run_pass(FIRST - timedelta(hours=24))  # both prompts are out
    prompt = prompt_of(simulator, BART)
    expect = case.expect
    with at(FIRST - timedelta(hours=20)):
        names = {
            "TEAM": simulator.workspace.team_id,
            "APP": simulator.workspace.app_id,
            "BOT": simulator.workspace.bot_user_id,
            "BOT_ID": simulator.workspace.bot_id,
            "ADA": ADA,
            "BART": BART,
            "CAROL": CAROL,
            **{f"{n}_DM": "D" + u[1:] for n, u in (("ADA", ADA), ("BART", BART), ("CAROL", CAROL))},
            "PROMPT_TS": prompt["ts"],
            "MEETING": prompt["blocks"][-1]["elements"][0]["value"],
            "TS": simulator.next_ts(),
            "TRIGGER": simulator.issue_trigger_id(BART),
            "RESPONSE_URL": simulator.response_url(),
            "LONG": "words " * 400,
        }
        if "{{REPLY_TS}}" in json.dumps(case.request):  # an edit or a delete of his answer
            assert pair.direct_message(BART, "The roadmap", event_id="EvSetup").status == 200
            names["REPLY_TS"] = pair.sent[-1]["ts"]
        request, expect = fill(case.request, names), fill(expect, names)
        if "log" in expect:
            expect_log(expect["log"])
        calls, answered = len(simulator.calls), len(simulator.responses)
        started = time.perf_counter()
        response = send(pair, case.wire, request)
        took = time.perf_counter() - started

    assert response.status == 200, response.text
    assert took < SLACK_TIMEOUT
    made = simulator.calls[calls:]
    if "calls" in expect:
        assert [c.method for c in made] == expect["calls"]
    if "response" in expect:
        assert expect["response"] in response.text
    if "respond" in expect:
        assert expect["respond"] in shown(simulator.responses[answered:])
    posted = [c for c in made if c.method == "chat.postMessage"]
    if "said" in expect:
        assert expect["said"] in posted[-1].args["text"]
    if "thread" in expect:
        assert posted[-1].args["thread_ts"] == expect["thread"]
    if "answers" in expect:
        assert saved(engine, BART) == expect["answers"]
    if "home_of" in expect:
        (published,) = [c for c in made if c.method == "views.publish"]
        assert published.args["user_id"] == expect["home_of"]
    opened = [c.response.get("view", {}) for c in made if c.method in ("views.open", "views.push")]
    if "opened" in expect:
        assert opened[-1]["callback_id"] == expect["opened"]
    if "opened_text" in expect:
        assert expect["opened_text"] in shown(opened[-1]["blocks"])
    if "prefilled" in expect:
        assert expect["prefilled"] in shown(opened[-1]["blocks"])
    for user, zone in expect.get("zone_of", {}).items():
        assert zone_of(engine, user) == zone
