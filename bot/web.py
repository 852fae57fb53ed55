"""The HTTP side: Bolt's WSGI handler behind waitress, plus `GET /healthz` and `GET /metrics`.

Waitress is a production WSGI server (a thread pool, no debug mode), set here so that idle or
slow clients cannot exhaust it. SIGTERM drains it: no new connections, and what is in flight or
queued is answered before the process exits.
"""

from __future__ import annotations

import hashlib
import json
import logging
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qsl

from slack_bolt import App, BoltContext, BoltRequest, BoltResponse
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.request.internals import build_context
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from waitress import wasyncore
from waitress.server import create_server

from bot import metrics
from bot.calendars import service as calendars
from bot.db import reachability_problem

logger = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"
CALENDAR_PATH = "/calendar/"  # + the person's secret + ".ics"
KNOWN_ROUTES = frozenset(
    {EVENTS_PATH, HEALTH_PATH, METRICS_PATH, "/slack/install", "/slack/oauth_redirect"}
)
POLL_SECONDS = 0.01  # how often a draining server checks whether it is done
IDLE_SECONDS = 0.25  # how long an idle server's loop waits before it checks for a SIGTERM
CONNECTIONS = 500  # open connections kept at once (waitress's default is 100)
CHANNEL_TIMEOUT = 30  # seconds an idle connection is kept
DRAIN_SECONDS = 10  # how long SIGTERM waits for requests in flight and queued
# Slack's largest payloads (a modal's state, a message event with blocks) are well under this.
MAX_BODY_BYTES = 1024 * 1024

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class _SlackHandler(SlackRequestHandler):
    """Bolt's WSGI handler behind two checks Bolt makes too late: the body's size, and its
    signature, both before anything parses it.

    Bolt parses the body before it verifies the signature, so an unsigned, deeply nested or
    malformed body costs a parse and can end in a 500 with a traceback. Here an oversized body
    is refused unread (413), an unsigned or stale one with 401, and a signed one that does not
    parse with 400; Bolt's own verification still runs on every request it is handed.
    """

    def __init__(self, app: App, signing_secret: str | None) -> None:
        super().__init__(app, path=EVENTS_PATH)
        self._verifier = SignatureVerifier(signing_secret) if signing_secret else None

    def dispatch(self, request: WsgiHttpRequest) -> BoltResponse:
        if self._verifier is None:
            # Socket Mode without a signing secret: nothing posted here could be verified.
            return BoltResponse(status=404, body="events arrive over Socket Mode")
        headers = _first_values(request.get_headers())
        length_header = str(request.environ.get("CONTENT_LENGTH") or "0")
        if not length_header.isdigit():
            return BoltResponse(status=400, body="malformed Content-Length")
        length = int(length_header)
        if length > MAX_BODY_BYTES:
            return BoltResponse(status=413, body="request body too large")
        raw: bytes = request.environ["wsgi.input"].read(length) if length else b""
        if not headers.get("x-slack-request-timestamp", "").isdigit():
            return BoltResponse(status=401, body="invalid signature")
        try:
            text = raw.decode("utf-8")  # Slack's bodies are UTF-8, and so is what it signs
        except UnicodeDecodeError:
            return BoltResponse(status=400, body="malformed request body")
        if not self._verifier.is_valid_request(text, headers):
            return BoltResponse(status=401, body="invalid signature")
        try:
            bolt_request = BoltRequest(body=text, query=request.query_string, headers=headers)
            body = bolt_request.body
            if body == {} and not text.startswith("{"):
                body = _slash_command_saying_payload(bolt_request, text)
        except (ValueError, TypeError, AttributeError, RecursionError):
            # bad JSON, a non-object payload, nesting deeper than Python parses
            return BoltResponse(status=400, body="malformed request body")
        if not (isinstance(body, dict) and {"type", "command", "ssl_check"} & set(body)):
            return BoltResponse(status=400, body="malformed request body")
        return self.app.dispatch(bolt_request)


def _slash_command_saying_payload(request: BoltRequest, text: str) -> dict[str, Any]:
    """Bolt reads any form body with "payload" anywhere in it as an interaction, and one without
    a `payload` field as nothing: `/oneonone payload` (slack_bolt 1.30's `parse_body`) was
    refused. Such a body is parsed as the form it is, as Bolt parses every other one."""
    form = dict(parse_qsl(text, keep_blank_values=True))
    if "payload" not in form:
        request.body = form
        request.context = build_context(BoltContext(), form)
    return request.body


def _first_values(headers: dict[str, Any]) -> dict[str, str]:
    return {k: v if isinstance(v, str) else next(iter(v), "") for k, v in headers.items()}


def wsgi_app(app: App, engine: Engine, signing_secret: str | None) -> WSGIApp:
    """`POST /slack/events` (when a signing secret is set), the OAuth pages, `GET /healthz`
    and `GET /metrics`; every request is counted by route and status."""
    slack = _SlackHandler(app, signing_secret)

    def route(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        reading = environ.get("REQUEST_METHOD") in ("GET", "HEAD")
        path = environ.get("PATH_INFO")
        if path == HEALTH_PATH and reading:
            return _health(engine, start_response)
        if path == METRICS_PATH and reading:
            body, content_type = metrics.exposition()
            start_response(
                "200 OK", [("Content-Type", content_type), ("Content-Length", str(len(body)))]
            )
            return [body]
        if path and path.startswith(CALENDAR_PATH) and path.endswith(".ics") and reading:
            secret = path.removeprefix(CALENDAR_PATH).removesuffix(".ics")
            return _calendar(engine, secret, environ, start_response)
        return slack(environ, start_response)

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO") or ""
        label = path if path in KNOWN_ROUTES else "other"  # no label per URL a client invents
        if path.startswith(CALENDAR_PATH):
            label = CALENDAR_PATH  # never the secret

        def counted(status: str, headers: list, *rest: Any) -> Any:
            metrics.REQUESTS.labels(route=label, status=status.split(" ", 1)[0]).inc()
            return start_response(status, headers, *rest)

        return route(environ, counted)

    return application


def _calendar(
    engine: Engine, secret: str, environ: dict[str, Any], start_response: StartResponse
) -> list[bytes]:
    """A person's calendar feed: 404 for a secret that opens none, 304 when the calendar
    already has this version (`If-None-Match`), 503 while the database is out of reach."""
    try:
        with Session(engine) as session:
            found = calendars.owner(session, secret)
            body = (
                calendars.feed(session, team_id=found.team_id, user_id=found.user_id)
                if found is not None
                else None
            )
    except SQLAlchemyError:
        logger.warning("calendar feed: database unreachable")
        return _plain(start_response, "503 Service Unavailable", "Try again in a minute.")
    if body is None:
        return _plain(start_response, "404 Not Found", "No calendar here.")
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    cache = [("ETag", etag), ("Cache-Control", "private, max-age=300")]
    if etag in (environ.get("HTTP_IF_NONE_MATCH") or ""):
        start_response("304 Not Modified", cache)
        return []
    headers = [
        ("Content-Type", "text/calendar; charset=utf-8"),
        ("Content-Length", str(len(body))),
        ("Content-Disposition", 'inline; filename="1-1s.ics"'),
        *cache,
    ]
    start_response("200 OK", headers)
    return [body] if environ.get("REQUEST_METHOD") != "HEAD" else []


def _plain(start_response: StartResponse, status: str, text: str) -> list[bytes]:
    body = text.encode()
    start_response(
        status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))]
    )
    return [body]


def _health(engine: Engine, start_response: StartResponse) -> list[bytes]:
    problem = reachability_problem(engine)
    if problem is None:
        status, body = "200 OK", {"status": "ok", "database": "reachable"}
    else:
        logger.warning("health check: database unreachable: %s", problem)
        status, body = "503 Service Unavailable", {"status": "error", "database": "unreachable"}
    payload = json.dumps(body).encode()
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))]
    )
    return [payload]


def make_server(application: WSGIApp, *, host: str, port: int, threads: int = 8) -> Any:
    """A waitress server, bound but not yet serving (port 0 picks a free port).

    Waitress's defaults let 100 idle connections shut everyone else out, and select() stops at
    1,024 descriptors: here poll() is used, up to CONNECTIONS connections are kept, and one
    idle for CHANNEL_TIMEOUT seconds is closed, so slow or idle clients cannot exhaust it."""
    return create_server(
        application,
        host=host,
        port=port,
        threads=threads,
        ident="oneonone",
        connection_limit=CONNECTIONS,
        channel_timeout=CHANNEL_TIMEOUT,
        cleanup_interval=CHANNEL_TIMEOUT // 2,
        asyncore_use_poll=True,
    )


class _OncePerMinute(logging.Filter):
    """Waitress warns at every request queued behind busy threads (11,817 lines in a minute
    under load); one line a minute says the same."""

    def __init__(self) -> None:
        super().__init__()
        self._last = -60.0
        self._held = 0

    def filter(self, record: logging.LogRecord) -> bool:
        now = time.monotonic()
        if now - self._last < 60:
            self._held += 1
            return False
        if self._held:
            record.msg = f"{record.msg} ({self._held} more such warnings in the last minute)"
        self._last, self._held = now, 0
        return True


logging.getLogger("waitress.queue").addFilter(_OncePerMinute())


@contextmanager
def serving_in_background(application: WSGIApp, *, host: str = "127.0.0.1") -> Iterator[str]:
    """The same server on a free port, in a thread, for as long as the block runs; yields
    its base URL (`oneonone demo` and the tests). Leaving the block drains it as SIGTERM does."""
    server = make_server(application, host=host, port=0)
    stop = threading.Event()
    thread = threading.Thread(
        target=serve_until,
        args=(server, stop),
        kwargs={"idle": POLL_SECONDS},  # a test's server stops at once when its block ends
        daemon=True,
        name="oneonone-http",
    )
    thread.start()
    try:
        yield f"http://{host}:{server.effective_port}"
    finally:
        stop.set()
        thread.join(DRAIN_SECONDS + 5)


def serve(
    application: WSGIApp, *, host: str, port: int, on_start: Callable[[], None] | None = None
) -> None:
    """Serve until SIGTERM or SIGINT, then drain: stop accepting, finish what is in flight and
    queued (for up to DRAIN_SECONDS), and return. `on_start` runs once the signals are ours
    (Socket Mode connects there, so that a SIGTERM at any moment drains it too)."""
    server = make_server(application, host=host, port=port)
    stop = threading.Event()
    previous = {
        sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGTERM, signal.SIGINT)
    }
    logger.info("listening on http://%s:%s%s", host, server.effective_port, EVENTS_PATH)
    try:
        try:
            if on_start is not None:
                on_start()
        except BaseException:
            stop.set()  # nothing is served: serve_until only closes what make_server opened
            raise
        finally:
            serve_until(server, stop)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    logger.info("stopped")


def serve_until(server: Any, stop: threading.Event, *, idle: float = IDLE_SECONDS) -> None:
    """Run `server` until `stop` is set, then drain it and close it. A request wakes the loop
    at once; with none, it checks `stop` every `idle` seconds (`oneonone run` woke 100 times a
    second, 1.2 % of a core while idle; 0.05 % now)."""
    while not stop.is_set():
        wasyncore.loop(timeout=idle, map=server._map, use_poll=True, count=1)
    server.accepting = False
    server.del_channel()  # no new connections; the trigger and open channels stay
    server.socket.close()
    deadline = time.monotonic() + DRAIN_SECONDS
    while _busy(server) and time.monotonic() < deadline:
        wasyncore.loop(timeout=POLL_SECONDS, map=server._map, use_poll=True, count=1)
    server.task_dispatcher.shutdown()
    wasyncore.close_all(server._map)


def _busy(server: Any) -> bool:
    """Requests queued, being answered, or answered but not yet written out."""
    dispatcher = server.task_dispatcher
    if dispatcher.queue or dispatcher.active_count:
        return True
    return any(
        getattr(channel, "requests", None) or getattr(channel, "total_outbufs_len", 0)
        for channel in list(server._map.values())
    )
