"""The real app over loopback HTTP: signatures, malformed bodies and the health check."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import urlencode

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import Engine

from bot import db, web
from bot.app import create_app
from bot.config import Settings
from bot.simulator import SlackClient, SlackSimulator
from tests.integration import ExpectLog

HELP = "command=%2Foneonone&text=help&user_id=UADA0000001&team_id=T0SIMULATED"


def get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def nothing_happened(simulator: SlackSimulator) -> bool:
    return [c.method for c in simulator.calls if c.method != "auth.test"] == [] and not (
        simulator.responses
    )


def test_health_is_200_with_the_database_reachable(server: str) -> None:
    assert get(server + web.HEALTH_PATH) == (200, {"status": "ok", "database": "reachable"})


def test_health_is_503_when_the_database_is_gone(
    settings: Settings, engine: Engine, expect_log: ExpectLog
) -> None:
    expect_log("health check: database unreachable")
    app = create_app(settings, engine=engine)
    unreachable = db.make_engine("postgresql+psycopg://nobody@127.0.0.1:9/none")
    try:
        with web.serving_in_background(
            web.wsgi_app(app, unreachable, settings.signing_secret)
        ) as base_url:
            status, body = get(base_url + web.HEALTH_PATH)
    finally:
        unreachable.dispose()
    assert (status, body["status"]) == (503, "error")


def test_a_signed_request_is_answered(slack: SlackClient, simulator: SlackSimulator) -> None:
    url = simulator.response_url()
    body = HELP + "&" + urlencode({"response_url": url})
    answer = slack.post(body, "application/x-www-form-urlencoded")
    assert (answer.status, answer.body) == (200, b"")  # acknowledged at once
    assert simulator.response_to(url)["response_type"] == "ephemeral"  # then answered


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param({"sign": False}, id="missing"),
        pytest.param({"signature": "v0=" + "0" * 64}, id="wrong"),
        pytest.param({"age": 301}, id="stale"),
        pytest.param({"age": -301}, id="future"),
    ],
)
def test_a_bad_signature_gets_401_and_changes_nothing(
    slack: SlackClient, simulator: SlackSimulator, tamper: dict
) -> None:
    if "age" in tamper:
        tamper = {"timestamp": int(time.time()) - tamper["age"]}
    answer = slack.post(HELP, "application/x-www-form-urlencoded", **tamper)
    assert answer.status == 401
    assert nothing_happened(simulator)


def test_a_signature_for_another_body_is_refused(
    slack: SlackClient, simulator: SlackSimulator
) -> None:
    stamp = int(time.time())
    signature = slack._verifier.generate_signature(timestamp=str(stamp), body="text=list")
    answer = slack.post(HELP, "application/x-www-form-urlencoded", signature=signature)
    assert answer.status == 401
    assert nothing_happened(simulator)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("{not json", "application/json"),
        ("", "application/json"),
        ("[1, 2]", "application/json"),
        ("{}", "application/json"),
        ("payload=%7Bbroken", "application/x-www-form-urlencoded"),
        ("payload=%5B%5D", "application/x-www-form-urlencoded"),
    ],
)
def test_a_signed_malformed_body_gets_400_never_500(
    slack: SlackClient, simulator: SlackSimulator, body: str | bytes, content_type: str
) -> None:
    assert slack.post(body, content_type).status == 400
    assert slack.post(body, content_type, sign=False).status == 401
    assert nothing_happened(simulator)


def test_a_body_that_is_not_utf8_gets_400(slack: SlackClient, simulator: SlackSimulator) -> None:
    headers = {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=0"}
    answer = slack.post(b"\xff\xfe{}", "application/json", headers=headers, sign=False)
    assert answer.status == 400  # not UTF-8, so not from Slack (nor signable by its SDK)
    assert nothing_happened(simulator)


@pytest.mark.parametrize("sign", [False, True])
def test_a_deeply_nested_body_is_refused_before_it_is_parsed(
    slack: SlackClient, simulator: SlackSimulator, sign: bool
) -> None:
    """Bolt parses a body before it checks its signature: 100,000 nested arrays unsigned gave
    a 500 and a traceback. Now the signature comes first (401), and a signed one is 400."""
    nested = "[" * 100_000 + "]" * 100_000
    answer = slack.post(nested, "application/json", sign=sign)
    assert answer.status == (400 if sign else 401)
    assert nothing_happened(simulator)


def test_a_body_over_a_megabyte_is_refused_unread(
    slack: SlackClient, simulator: SlackSimulator
) -> None:
    answer = slack.post("x" * (web.MAX_BODY_BYTES + 1), "application/json")
    assert answer.status == 413
    assert nothing_happened(simulator)


@pytest.mark.parametrize("stamp", ["soon", "", "-5", "1e9"])
def test_a_nonsense_timestamp_header_is_refused(
    slack: SlackClient, simulator: SlackSimulator, stamp: str
) -> None:
    headers = {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": "v0=00"}
    answer = slack.post(HELP, "application/x-www-form-urlencoded", headers=headers, sign=False)
    assert answer.status == 401
    assert nothing_happened(simulator)


def test_url_verification_is_answered(slack: SlackClient) -> None:
    answer = slack.post(
        json.dumps({"type": "url_verification", "challenge": "c-123", "token": "t"}),
        "application/json",
    )
    assert (answer.status, answer.json()) == (200, {"challenge": "c-123"})


def test_unknown_paths_are_404(server: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(server + "/admin", timeout=10)
    raised.value.close()
    assert raised.value.code == 404


def test_metrics_are_prometheus_text_with_requests_and_deliveries(
    server: str, slack: SlackClient
) -> None:
    """`GET /metrics` in Prometheus' text format (parsed here with prometheus_client's own
    parser): requests by route and status, and the delivery families, declared even before
    anything is sent."""
    get(server + web.HEALTH_PATH)
    slack.command("UADA0000001", "help")
    with urllib.request.urlopen(server + web.METRICS_PATH, timeout=10) as answer:
        assert answer.headers["Content-Type"].startswith("text/plain; version=")
        families = {f.name: f for f in text_string_to_metric_families(answer.read().decode())}
    requests = {
        (s.labels["route"], s.labels["status"]): s.value
        for s in families["oneonone_http_requests"].samples
        if s.name.endswith("_total")
    }
    assert requests[(web.HEALTH_PATH, "200")] >= 1
    assert requests[(web.EVENTS_PATH, "200")] >= 1
    for name in (
        "oneonone_deliveries",
        "oneonone_delivery_lag_seconds",
        "oneonone_slack_rate_limited",
        "oneonone_pass_duration_seconds",
    ):
        assert name in families


def test_a_made_up_path_is_counted_as_other(server: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(server + "/x" * 50, timeout=10)
    raised.value.close()
    with urllib.request.urlopen(server + web.METRICS_PATH, timeout=10) as answer:
        text = answer.read().decode()
    assert 'route="other",status="404"' in text
    assert "/x/x" not in text


def test_a_replayed_signed_command_runs_once(
    slack: SlackClient, simulator: SlackSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    """The same signed command sent twice within Slack's five minutes (a replay): acknowledged
    both times, done once, by its `trigger_id`."""
    url = simulator.response_url()
    body = HELP + "&" + urlencode({"response_url": url, "trigger_id": "1001.2002.replayed"})
    with caplog.at_level(logging.INFO, logger="bot.slack.events"):
        first = slack.post(body, "application/x-www-form-urlencoded")
        second = slack.post(body, "application/x-www-form-urlencoded")
    assert (first.status, second.status) == (200, 200)
    assert simulator.response_to(url, wait=5) is not None
    assert "trigger:1001.2002.replayed was already taken" in caplog.text


def test_stopping_answers_every_request_in_flight_and_queued() -> None:
    """SIGTERM with requests queued behind busy threads reset 22 of 30 of them; now the
    server stops accepting, then answers everything it had taken in, then stops."""
    release, arrived = threading.Event(), threading.Semaphore(0)

    def slow(_environ: dict, start_response: web.StartResponse) -> list[bytes]:
        arrived.release()
        release.wait(10)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"done"]

    server = web.make_server(slow, host="127.0.0.1", port=0, threads=2)
    stop = threading.Event()
    serving = threading.Thread(target=web.serve_until, args=(server, stop))
    serving.start()
    url = f"http://127.0.0.1:{server.effective_port}/"
    answers: list[bytes] = []

    def ask() -> None:
        with urllib.request.urlopen(url, timeout=20) as answer:
            answers.append(answer.read())

    clients = [threading.Thread(target=ask) for _ in range(6)]
    for client in clients:
        client.start()
    assert arrived.acquire(timeout=10)
    assert arrived.acquire(timeout=10)
    for _ in range(1000):  # the other four wait in waitress's queue
        if len(server.task_dispatcher.queue) == 4:
            break
        release.wait(0.01)
    assert len(server.task_dispatcher.queue) == 4
    stop.set()
    release.set()
    for client in clients:
        client.join(20)
    serving.join(20)
    assert answers == [b"done"] * 6


def test_a_malformed_content_length_is_400(server: str) -> None:
    host, port = server.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(
            b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: abc\r\n\r\n{}"
        )
        status_line = connection.recv(200).split(b"\r\n", 1)[0]
    assert status_line.split()[1] == b"400"
