"""The HTTP side: Bolt's WSGI handler behind waitress, plus `GET /healthz` and `GET /metrics`.

Waitress is a production WSGI server (a thread pool, no debug mode). SIGTERM becomes
SystemExit, which waitress turns into a clean shutdown after in-flight requests finish.
"""

from __future__ import annotations

import json
import logging
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import Engine
from waitress import wasyncore
from waitress.server import create_server

from bot import metrics
from bot.db import reachability_problem

logger = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"
KNOWN_ROUTES = frozenset(
    {EVENTS_PATH, HEALTH_PATH, METRICS_PATH, "/slack/install", "/slack/oauth_redirect"}
)
POLL_SECONDS = 0.01  # how soon a server in a thread notices it should stop

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class _SlackHandler(SlackRequestHandler):
    """Bolt's WSGI handler, answering 400 (signed) or 401 (not) to a body Bolt cannot parse.

    Bolt parses the body before it verifies the signature and fails with a 500 on malformed
    JSON, bad UTF-8 or a non-object payload; Bolt's own verification still runs on every
    request that reaches `App.dispatch`.
    """

    def __init__(self, app: App, signing_secret: str | None) -> None:
        super().__init__(app, path=EVENTS_PATH)
        self._verifier = SignatureVerifier(signing_secret) if signing_secret else None

    def dispatch(self, request: WsgiHttpRequest) -> BoltResponse:
        if self._verifier is None:
            # Socket Mode without a signing secret: nothing posted here could be verified.
            return BoltResponse(status=404, body="events arrive over Socket Mode")
        headers = _first_values(request.get_headers())
        length = int(request.environ.get("CONTENT_LENGTH") or 0)
        raw: bytes = request.environ["wsgi.input"].read(length) if length > 0 else b""
        if not headers.get("x-slack-request-timestamp", "").isdigit():
            return BoltResponse(status=401, body="invalid signature")
        try:
            text = raw.decode("utf-8")
            bolt_request = BoltRequest(body=text, query=request.query_string, headers=headers)
            body = bolt_request.body
            well_formed = isinstance(body, dict) and bool(
                {"type", "command", "ssl_check"} & set(body)
            )
        except UnicodeDecodeError:
            return BoltResponse(status=400, body="malformed request body")
        except (ValueError, TypeError, AttributeError):  # bad JSON, a non-object payload
            well_formed = False
        if well_formed:
            return self.app.dispatch(bolt_request)
        if not self._verifier.is_valid_request(text, headers):
            return BoltResponse(status=401, body="invalid signature")
        return BoltResponse(status=400, body="malformed request body")


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
        return slack(environ, start_response)

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO") or ""
        label = path if path in KNOWN_ROUTES else "other"  # no label per URL a client invents

        def counted(status: str, headers: list, *rest: Any) -> Any:
            metrics.REQUESTS.labels(route=label, status=status.split(" ", 1)[0]).inc()
            return start_response(status, headers, *rest)

        return route(environ, counted)

    return application


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
    """A waitress server, bound but not yet serving (port 0 picks a free port)."""
    return create_server(application, host=host, port=port, threads=threads, ident="oneonone")


@contextmanager
def serving_in_background(application: WSGIApp, *, host: str = "127.0.0.1") -> Iterator[str]:
    """The same server on a free port, in a thread, for as long as the block runs; yields
    its base URL (`oneonone demo` and the tests). The thread stops its own loop before the
    server closes, so no poll meets a closed socket."""
    server = make_server(application, host=host, port=0)
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            wasyncore.loop(timeout=POLL_SECONDS, map=server._map, count=1)

    thread = threading.Thread(target=loop, daemon=True, name="oneonone-http")
    thread.start()
    try:
        yield f"http://{host}:{server.effective_port}"
    finally:
        stop.set()
        thread.join(10)
        server.task_dispatcher.shutdown()
        wasyncore.close_all(server._map)  # the listening socket and any open connections


def serve(application: WSGIApp, *, host: str, port: int) -> None:
    """Serve until SIGTERM or SIGINT, then finish in-flight requests and return."""
    server = make_server(application, host=host, port=port)
    previous = signal.signal(signal.SIGTERM, _exit_on_signal)
    logger.info("listening on http://%s:%s%s", host, server.effective_port, EVENTS_PATH)
    try:
        server.run()
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.close()
    logger.info("stopped")


def _exit_on_signal(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)
