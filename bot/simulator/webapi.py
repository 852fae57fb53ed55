"""A local Slack Web API on 127.0.0.1: the methods oneonone uses, shaped as Slack answers them.

It records every call for assertions, enforces Block Kit's limits and the granted scopes, and
can be told to fail (429 with Retry-After, 5xx, a Slack error, a slow answer) so that tests
choose their failure scenarios explicitly.
"""

from __future__ import annotations

import itertools
import json
import math
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

from bot.simulator import blockkit
from bot.simulator.socket_mode import SocketModeServer
from bot.slack import manifest

BOT_TOKEN = "xoxb-simulated-bot-token"
APP_TOKEN = "xapp-1-simulated-app-token"
SIGNING_SECRET = "simulated-signing-secret"
TRIGGER_SECONDS = 3.0

# The scope each method needs (None: no scope). Slack answers `missing_scope` otherwise.
METHOD_SCOPES: dict[str, str | None] = {
    "auth.test": None,
    "users.info": "users:read",
    "conversations.open": "im:write",
    "conversations.history": "im:history",
    "conversations.replies": "im:history",
    "chat.postMessage": "chat:write",
    "chat.update": "chat:write",
    "chat.postEphemeral": "chat:write",
    "chat.delete": "chat:write",
    "views.open": None,
    "views.update": None,
    "views.push": None,
    "views.publish": None,
    "oauth.v2.access": None,
    "apps.connections.open": None,
    "files.getUploadURLExternal": "files:write",
    "files.completeUploadExternal": "files:write",
}


@dataclass
class User:
    id: str
    name: str
    tz: str = "America/New_York"
    real_name: str = ""
    is_bot: bool = False
    deleted: bool = False
    status_text: str = ""
    status_emoji: str = ""
    team_id: str | None = None  # another workspace's person (Slack Connect)

    def as_slack(self, team_id: str, at: datetime) -> dict[str, Any]:
        zone = ZoneInfo(self.tz)
        now = at.astimezone(zone)
        offset = now.utcoffset()
        return {
            "id": self.id,
            "team_id": self.team_id or team_id,
            "name": self.name,
            "real_name": self.real_name or self.name.title(),
            "deleted": self.deleted,
            "is_bot": self.is_bot,
            "tz": self.tz,
            "tz_label": now.tzname(),
            "tz_offset": int(offset.total_seconds()) if offset else 0,
            "profile": {
                "real_name": self.real_name or self.name.title(),
                "display_name": self.name,
                "status_text": self.status_text,
                "status_emoji": self.status_emoji,
            },
        }


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    token: str | None
    status: int
    response: dict[str, Any]


@dataclass
class Failure:
    """One scripted misbehaviour of a method, used up `times` times."""

    status: int = 200
    error: str | None = None
    retry_after: int | None = None
    delay: float = 0.0
    times: int = 1
    before: Callable[[], None] | None = None  # runs first; the call is then never performed
    after: Callable[[], None] | None = None  # runs once Slack did it, before it answers


@dataclass(frozen=True)
class Limits:
    """The model of Slack's limits on `chat.postMessage` that the simulator enforces when
    given one. Slack publishes "about one message a second per channel, with short bursts",
    and a workspace-wide limit it does not number (the method's "special tier"); this model
    makes both token buckets. Over either, the call gets Slack's 429 (`ratelimited`) with a
    `Retry-After` in whole seconds, and any call to the same scope before that time is over is
    recorded in `SlackSimulator.inside_retry_after`, the calls an app must never make."""

    per_channel: float = 1.0  # a second
    channel_burst: float = 3
    per_workspace: float = 600 / 60  # a second: 600 a minute
    workspace_burst: float = 20


@dataclass
class _Bucket:
    tokens: float
    at: float
    retry_until: float = 0.0


class _Dropped(Exception):
    """The request never reached Slack: the connection closes without an answer."""


@dataclass
class Workspace:
    team_id: str = "T0SIMULATED"
    team_name: str = "Simulated Workspace"
    bot_user_id: str = "UBOT0000001"
    bot_id: str = "BSIMULATED1"
    app_id: str = "ASIMULATED1"
    enterprise_id: str | None = None


@dataclass
class _Message:
    ts: str
    user: str
    text: str
    blocks: list[dict[str, Any]] | None
    metadata: dict[str, Any] | None
    thread_ts: str | None
    files: list[dict[str, Any]] | None = None

    def as_slack(self, *, with_metadata: bool) -> dict[str, Any]:
        message: dict[str, Any] = {"type": "message", "user": self.user, "text": self.text}
        message["ts"] = self.ts
        if self.files:
            message["files"] = self.files
        if self.blocks is not None:
            message["blocks"] = self.blocks
        if self.thread_ts:
            message["thread_ts"] = self.thread_ts
        if with_metadata and self.metadata:
            message["metadata"] = self.metadata
        return message


@dataclass
class SlackSimulator:
    """Start with `start()` (or as a context manager); point `SLACK_API_URL` at `api_url`."""

    workspace: Workspace = field(default_factory=Workspace)
    scopes: list[str] = field(default_factory=manifest.bot_scopes)
    users: dict[str, User] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    responses: list[dict[str, Any]] = field(default_factory=list)
    # Both in the order they reached Slack: Web API calls, and answers to response_urls.
    timeline: list[Call | dict[str, Any]] = field(default_factory=list)
    channels: dict[str, list[_Message]] = field(default_factory=dict)
    views: dict[str, dict[str, Any]] = field(default_factory=dict)
    revoked: set[str] = field(default_factory=set)
    oauth_codes: dict[str, Workspace] = field(default_factory=dict)
    any_user: bool = False  # every U… id is a person (benchmarks with thousands of people)
    # Slack's limits on posting, when set: the outbox's tests and the benchmarks set them.
    # The functional tests click at machine speed, faster than any person, so they do not.
    limits: Limits | None = None
    clock: Callable[[], float] = time.monotonic  # seconds, for the limits
    # What time it is in this Slack (its message timestamps, a person's UTC offset): the
    # machine's, unless the demo or a test gives it their own clock's.
    wall: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    inside_retry_after: list[Call] = field(default_factory=list)
    files: dict[str, dict[str, Any]] = field(default_factory=dict)  # uploaded, by id

    def __post_init__(self) -> None:
        self._lock = threading.RLock()
        self._called = threading.Condition(self._lock)
        self._failures: dict[str, list[Failure]] = {}
        self._triggers: dict[str, tuple[float, str]] = {}
        self._ids = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        self._tokens: dict[str, Workspace] = {BOT_TOKEN: self.workspace}
        self._buckets: dict[tuple[str, str], _Bucket] = {}
        self._socket_mode: SocketModeServer | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self, port: int = 0) -> SlackSimulator:
        handler = type("Handler", (_Handler,), {"simulator": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self._server.daemon_threads = True
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        ).start()
        return self

    @property
    def socket_mode(self) -> SocketModeServer:
        """The Socket Mode endpoint, opened the first time the app asks for its URL."""
        with self._lock:
            if self._socket_mode is None:
                self._socket_mode = SocketModeServer(self.workspace.app_id)
            return self._socket_mode

    def stop(self) -> None:
        if self._socket_mode is not None:
            self._socket_mode.stop()
            self._socket_mode = None
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> SlackSimulator:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start the simulator first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_url(self) -> str:
        return self.base_url + "/api/"

    # -- scripting ---------------------------------------------------------------------------

    def add_user(self, user_id: str, name: str, tz: str = "America/New_York", **kw: Any) -> User:
        user = User(user_id, name, tz, **kw)
        self.users[user_id] = user
        return user

    def fail(self, method: str, **failure: Any) -> None:
        """Make the next call(s) of `method` misbehave, e.g. `fail("chat.postMessage",
        status=429, retry_after=1)`, `status=500`, `error="channel_not_found"`, `delay=2`."""
        with self._lock:
            self._failures.setdefault(method, []).append(Failure(**failure))

    def add_workspace(self, workspace: Workspace, token: str) -> None:
        self._tokens[token] = workspace

    def oauth_code(self, workspace: Workspace) -> str:
        code = f"code-{next(self._ids)}"
        self.oauth_codes[code] = workspace
        return code

    def issue_trigger_id(self, user_id: str) -> str:
        # Slack's look ("13345224609.738474920.8088930838d88f008e0"), unique across runs.
        trigger = f"{next(self._ids)}.{int(time.time())}.{secrets.token_hex(10)}"
        self._triggers[trigger] = (time.monotonic() + TRIGGER_SECONDS, user_id)
        return trigger

    def response_url(self) -> str:
        return f"{self.base_url}/response/{next(self._ids)}"

    # -- assertions --------------------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [call for call in self.calls if call.method == method]

    def wait_for_calls(self, method: str, count: int, timeout: float = 10.0) -> list[Call]:
        """Block until `method` was answered `count` times (a slow answer finishing in its
        own thread, say); an event, not a poll."""
        with self._called:
            done = self._called.wait_for(lambda: len(self.calls_to(method)) >= count, timeout)
            assert done, f"{method} was called {len(self.calls_to(method))} times, not {count}"
            return self.calls_to(method)

    def messages(self, channel: str) -> list[dict[str, Any]]:
        with self._lock:
            return [m.as_slack(with_metadata=True) for m in self.channels.get(channel, [])]

    # -- the Web API -------------------------------------------------------------------------

    def handle(
        self, method: str, args: dict[str, Any], token: str | None
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        """Answer one Web API call: (HTTP status, JSON body, extra headers)."""
        with self._lock:
            failures = self._failures.get(method, [])
            failure = failures[0] if failures else None
            if failure:
                failure.times -= 1
                if failure.times <= 0:
                    failures.pop(0)
        headers = {"x-oauth-scopes": ",".join(self.scopes)}
        if failure and failure.before:
            failure.before()
            with self._lock:
                self.calls.append(Call(method, args, token, 0, {"ok": False, "error": "dropped"}))
            raise _Dropped
        if failure and failure.delay:
            time.sleep(failure.delay)
        limited = self._rate_limited(method, args, token) if not failure else None
        if limited is not None:
            status, body = 429, {"ok": False, "error": "ratelimited"}
            headers["Retry-After"] = str(limited)
        elif failure and failure.status != 200:
            status, body = failure.status, {"ok": False, "error": failure.error or "ratelimited"}
            if failure.status == 429:
                headers["Retry-After"] = str(failure.retry_after or 1)
        elif failure and failure.error:
            status, body = 200, {"ok": False, "error": failure.error}
        else:
            with self._lock:
                status, body = 200, self._answer(method, args, token)
        with self._lock:
            self.calls.append(Call(method, args, token, status, body))
            self.timeline.append(self.calls[-1])
            self._called.notify_all()
        if failure and failure.after:
            failure.after()
        return status, body, headers

    def _rate_limited(self, method: str, args: dict[str, Any], token: str | None) -> int | None:
        """Under `limits`: None when this post may go (its tokens are taken), or the seconds
        of the Retry-After to announce. A call inside an announced Retry-After is recorded."""
        if self.limits is None or method != "chat.postMessage":
            return None
        with self._lock:
            workspace = self._tokens.get(token or "")
            team = workspace.team_id if workspace else ""
            channel = self._channel_for(args.get("channel")) or str(args.get("channel"))
            now = self.clock()
            scopes = [
                (
                    self._bucket((team, ""), now),
                    self.limits.per_workspace,
                    self.limits.workspace_burst,
                ),
                (
                    self._bucket((team, channel), now),
                    self.limits.per_channel,
                    self.limits.channel_burst,
                ),
            ]
            if any(bucket.retry_until > now for bucket, _, _ in scopes):
                self.inside_retry_after.append(Call("chat.postMessage", args, token, 429, {}))
            for bucket, rate, burst in scopes:
                bucket.tokens = min(burst, bucket.tokens + (now - bucket.at) * rate)
                bucket.at = now
            short = [(b, r) for b, r, _ in scopes if b.tokens < 1]
            if not short:
                for bucket, _, _ in scopes:
                    bucket.tokens -= 1
                return None
            wait = max(math.ceil((1 - b.tokens) / r) for b, r in short)
            for bucket, _ in short:
                bucket.retry_until = max(bucket.retry_until, now + wait)
            return max(wait, 1)

    def _bucket(self, key: tuple[str, str], now: float) -> _Bucket:
        if key not in self._buckets:
            assert self.limits is not None
            burst = self.limits.workspace_burst if key[1] == "" else self.limits.channel_burst
            self._buckets[key] = _Bucket(burst, now)
        return self._buckets[key]

    def _answer(self, method: str, args: dict[str, Any], token: str | None) -> dict[str, Any]:
        handler = _METHODS.get(method)
        if handler is None:
            return {"ok": False, "error": "unknown_method"}
        if method == "apps.connections.open":  # the app-level token, not a workspace's
            return handler(self, args, token)
        if method == "oauth.v2.access":
            return handler(self, args, None)
        if token is None:
            return {"ok": False, "error": "not_authed"}
        if token in self.revoked:
            return {"ok": False, "error": "token_revoked"}
        workspace = self._tokens.get(token)
        if workspace is None:
            return {"ok": False, "error": "invalid_auth"}
        needed = METHOD_SCOPES.get(method)
        if needed and needed not in self.scopes:
            return {"ok": False, "error": "missing_scope", "needed": needed}
        return handler(self, args, workspace)

    def _user(self, user_id: Any) -> User | None:
        user_id = str(user_id)
        if self.any_user and user_id.startswith("U") and user_id not in self.users:
            self.add_user(user_id, user_id.lower())
        return self.users.get(user_id)

    def _channel_for(self, channel: Any) -> str | None:
        channel = str(channel or "")
        if channel.startswith("U") or channel.startswith("W"):
            user = self._user(channel)
            return None if user is None else "D" + channel[1:]
        return channel if channel in self.channels or channel.startswith("D") else None

    def next_ts(self) -> str:
        """A message timestamp as Slack makes them: seconds, then a unique six digits."""
        return f"{self.wall().timestamp():.0f}.{next(self._ids):06d}"

    def record_user_message(self, event: dict[str, Any]) -> None:
        """A message a person wrote in a DM, kept in its history like the app's own."""
        message = _Message(
            event["ts"], event["user"], event["text"], None, None, event.get("thread_ts")
        )
        with self._lock:
            self.channels.setdefault(event["channel"], []).append(message)

    def record_response(self, path: str, payload: dict[str, Any]) -> None:
        with self._lock:
            self.responses.append({"path": path, **payload})
            self.timeline.append(self.responses[-1])
            self._called.notify_all()

    def response_to(self, url: str, *, wait: float = 0.0) -> dict[str, Any] | None:
        """The last answer posted to this response_url; waits up to `wait` seconds for one
        (an app that answers after its ack, in its own thread)."""
        path = urlsplit(url).path
        with self._called:
            self._called.wait_for(lambda: any(r["path"] == path for r in self.responses), wait)
            found = [r for r in self.responses if r["path"] == path]
        return found[-1] if found else None


def _auth_test(sim: SlackSimulator, _args: dict, ws: Workspace) -> dict[str, Any]:
    return {
        "ok": True,
        "url": f"https://{ws.team_name.lower().replace(' ', '-')}.slack.com/",
        "team": ws.team_name,
        "user": "oneonone",
        "team_id": ws.team_id,
        "user_id": ws.bot_user_id,
        "bot_id": ws.bot_id,
        "enterprise_id": ws.enterprise_id,
        "is_enterprise_install": False,
    }


def _users_info(sim: SlackSimulator, args: dict, ws: Workspace) -> dict[str, Any]:
    user = sim._user(args.get("user"))
    if user is None:
        return {"ok": False, "error": "user_not_found"}
    return {"ok": True, "user": user.as_slack(ws.team_id, sim.wall())}


def _conversations_open(sim: SlackSimulator, args: dict, _ws: Workspace) -> dict[str, Any]:
    users = str(args.get("users") or "").split(",")
    if len(users) != 1 or not users[0]:
        return {"ok": False, "error": "invalid_arguments"}
    user = sim._user(users[0])
    if user is None:
        return {"ok": False, "error": "user_not_found"}
    if user.is_bot:
        return {"ok": False, "error": "cannot_dm_bot"}
    if user.deleted:
        return {"ok": False, "error": "user_disabled"}
    channel = "D" + user.id[1:]
    sim.channels.setdefault(channel, [])
    return {"ok": True, "channel": {"id": channel}}


def _parse_json_arg(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _message_problem(args: dict) -> dict[str, Any] | None:
    try:
        blocks = _parse_json_arg(args.get("blocks"))
        metadata = _parse_json_arg(args.get("metadata"))
    except json.JSONDecodeError:
        return {"ok": False, "error": "invalid_json"}
    problem = blockkit.message_errors(args.get("text"), blocks)
    if problem:
        code, errors = problem
        return {
            "ok": False,
            "error": code,
            "errors": errors,
            "response_metadata": {"messages": [f"[ERROR] {e}" for e in errors]},
        }
    if metadata is not None and (
        not isinstance(metadata, dict)
        or not isinstance(metadata.get("event_type"), str)
        or not isinstance(metadata.get("event_payload"), dict)
    ):
        return {"ok": False, "error": "invalid_metadata_format"}
    args["blocks"], args["metadata"] = blocks, metadata
    return None


def _post_message(sim: SlackSimulator, args: dict, ws: Workspace) -> dict[str, Any]:
    person = sim._user(args.get("channel"))
    if person is not None and person.is_bot:
        return {"ok": False, "error": "cannot_dm_bot"}
    if person is not None and person.deleted:
        return {"ok": False, "error": "account_inactive"}
    channel = sim._channel_for(args.get("channel"))
    if channel is None:
        return {"ok": False, "error": "channel_not_found"}
    problem = _message_problem(args)
    if problem:
        return problem
    message = _Message(
        sim.next_ts(),
        ws.bot_user_id,
        str(args.get("text") or ""),
        args["blocks"],
        args["metadata"],
        args.get("thread_ts"),
    )
    sim.channels.setdefault(channel, []).append(message)
    return {
        "ok": True,
        "channel": channel,
        "ts": message.ts,
        "message": {**message.as_slack(with_metadata=True), **_from_the_app(ws)},
    }


def _from_the_app(ws: Workspace) -> dict[str, str]:
    """What Slack adds to a message the app posted (its chat.postMessage samples)."""
    return {"bot_id": ws.bot_id, "app_id": ws.app_id, "team": ws.team_id}


def _find(sim: SlackSimulator, args: dict) -> _Message | None:
    channel = sim._channel_for(args.get("channel"))
    return next((m for m in sim.channels.get(channel or "", []) if m.ts == args.get("ts")), None)


def _update(sim: SlackSimulator, args: dict, ws: Workspace) -> dict[str, Any]:
    message = _find(sim, args)
    if message is None:
        return {"ok": False, "error": "message_not_found"}
    problem = _message_problem(args)
    if problem:
        return problem
    message.text = str(args.get("text") or message.text)
    if args["blocks"] is not None:
        message.blocks = args["blocks"]
    if args["metadata"] is not None:
        message.metadata = args["metadata"]
    # As Slack answers: the message as it is now, without its ts, marked as edited.
    shown = {k: v for k, v in message.as_slack(with_metadata=True).items() if k != "ts"}
    edited = {"edited": {"user": ws.bot_user_id, "ts": sim.next_ts()}}
    return {
        "ok": True,
        "channel": args.get("channel"),
        "ts": message.ts,
        "text": message.text,
        "message": {**shown, **_from_the_app(ws), **edited},
    }


def _post_ephemeral(sim: SlackSimulator, args: dict, _ws: Workspace) -> dict[str, Any]:
    if sim._user(args.get("user")) is None:
        return {"ok": False, "error": "user_not_in_channel"}
    problem = _message_problem(args)
    if problem:
        return problem
    return {"ok": True, "message_ts": sim.next_ts()}


def _delete(sim: SlackSimulator, args: dict, _ws: Workspace) -> dict[str, Any]:
    message = _find(sim, args)
    if message is None:
        return {"ok": False, "error": "message_not_found"}
    sim.channels[sim._channel_for(args.get("channel")) or ""].remove(message)
    return {"ok": True, "channel": args.get("channel"), "ts": message.ts}


def _history(sim: SlackSimulator, args: dict, _ws: Workspace) -> dict[str, Any]:
    channel = str(args.get("channel") or "")
    if channel not in sim.channels:
        return {"ok": False, "error": "channel_not_found"}
    with_metadata = str(args.get("include_all_metadata", "")).lower() in ("1", "true")
    limit = min(int(args.get("limit") or 100), 999)
    oldest, latest = float(args.get("oldest") or 0), float(args.get("latest") or 1e12)
    start = int(args.get("cursor") or 0)
    found = [
        m.as_slack(with_metadata=with_metadata)
        for m in reversed(sim.channels[channel])
        if oldest <= float(m.ts) <= latest
    ]
    page = found[start : start + limit]
    more = start + limit < len(found)
    return {
        "ok": True,
        "messages": page,
        "has_more": more,
        "response_metadata": {"next_cursor": str(start + limit) if more else ""},
    }


def _replies(sim: SlackSimulator, args: dict, _ws: Workspace) -> dict[str, Any]:
    channel = str(args.get("channel") or "")
    parent = str(args.get("ts") or "")
    messages = sim.channels.get(channel)
    if messages is None:
        return {"ok": False, "error": "channel_not_found"}
    thread = [m for m in messages if m.ts == parent or m.thread_ts == parent]
    if not thread:
        return {"ok": False, "error": "thread_not_found"}
    with_metadata = str(args.get("include_all_metadata", "")).lower() in ("1", "true")
    return {
        "ok": True,
        "messages": [m.as_slack(with_metadata=with_metadata) for m in thread],
        "has_more": False,
    }


def _view_problem(args: dict) -> tuple[dict | None, dict[str, Any] | None]:
    try:
        view = _parse_json_arg(args.get("view"))
    except json.JSONDecodeError:
        return None, {"ok": False, "error": "invalid_json"}
    errors = blockkit.view_errors(view)
    if errors:
        messages = [f"[ERROR] {e}" for e in errors]
        return None, {
            "ok": False,
            "error": "invalid_arguments",
            "response_metadata": {"messages": messages},
        }
    return view, None


def _store_view(sim: SlackSimulator, view: dict, view_id: str | None = None) -> dict[str, Any]:
    view_id = view_id or f"V{next(sim._ids):010d}"
    stored = {**view, "id": view_id, "hash": f"{time.time():.6f}"}
    sim.views[view_id] = stored
    return {"ok": True, "view": stored}


def _use_trigger(sim: SlackSimulator, args: dict) -> dict[str, Any] | None:
    trigger = sim._triggers.pop(str(args.get("trigger_id") or ""), None)
    if trigger is None:
        return {"ok": False, "error": "invalid_trigger_id"}
    if trigger[0] < time.monotonic():
        return {"ok": False, "error": "expired_trigger_id"}
    return None


def _views_open(sim: SlackSimulator, args: dict, _ws: Workspace) -> dict[str, Any]:
    view, problem = _view_problem(args)
    problem = problem or _use_trigger(sim, args)
    return problem or _store_view(sim, view or {})


def _views_update(sim: SlackSimulator, args: dict, _ws: Workspace) -> dict[str, Any]:
    view, problem = _view_problem(args)
    if problem:
        return problem
    view_id = args.get("view_id") or next(
        (k for k, v in sim.views.items() if v.get("external_id") == args.get("external_id")),
        None,
    )
    if view_id not in sim.views:
        return {"ok": False, "error": "not_found"}
    if args.get("hash") and args["hash"] != sim.views[view_id]["hash"]:
        return {"ok": False, "error": "hash_conflict"}
    return _store_view(sim, view or {}, view_id)


def _views_publish(sim: SlackSimulator, args: dict, _ws: Workspace) -> dict[str, Any]:
    view, problem = _view_problem(args)
    if problem:
        return problem
    if sim._user(args.get("user_id")) is None:
        return {"ok": False, "error": "user_not_found"}
    return _store_view(sim, view or {}, f"home-{args.get('user_id')}")


def _oauth_access(sim: SlackSimulator, args: dict, _ws: None) -> dict[str, Any]:
    workspace = sim.oauth_codes.pop(str(args.get("code") or ""), None)
    if workspace is None:
        return {"ok": False, "error": "invalid_code"}
    token = f"xoxb-{workspace.team_id}-{next(sim._ids)}"
    sim.add_workspace(workspace, token)
    return {
        "ok": True,
        "app_id": workspace.app_id,
        "authed_user": {"id": "UINSTALLER1"},
        "scope": ",".join(sim.scopes),
        "token_type": "bot",
        "access_token": token,
        "bot_user_id": workspace.bot_user_id,
        "team": {"id": workspace.team_id, "name": workspace.team_name},
        "enterprise": None,
        "is_enterprise_install": False,
    }


def _connections_open(sim: SlackSimulator, _args: dict, token: str | None) -> dict[str, Any]:
    """Socket Mode's URL, for the app-level token (docs.slack.dev's apps.connections.open)."""
    if token in sim.revoked:
        return {"ok": False, "error": "token_revoked"}
    if token != APP_TOKEN:
        return {"ok": False, "error": "invalid_auth" if token else "not_authed"}
    return {"ok": True, "url": sim.socket_mode.new_url()}


def _get_upload_url(sim: SlackSimulator, args: dict, ws: Workspace) -> dict[str, Any]:
    """files.getUploadURLExternal: a file id and where to POST its bytes (Slack's upload v2,
    docs.slack.dev; slack_sdk's files_upload_v2 makes the three calls)."""
    filename, length = str(args.get("filename") or ""), str(args.get("length") or "")
    if not filename or not length.isdigit() or int(length) <= 0:
        return {"ok": False, "error": "invalid_arguments"}
    file_id = f"F{next(sim._ids):010d}"
    sim.files[file_id] = {
        "id": file_id,
        "name": filename,
        "length": int(length),
        "team": ws.team_id,
        "content": None,
    }
    return {"ok": True, "upload_url": f"{sim.base_url}/upload/v1/{file_id}", "file_id": file_id}


def _complete_upload(sim: SlackSimulator, args: dict, ws: Workspace) -> dict[str, Any]:
    """files.completeUploadExternal: share uploaded files in `channel_id` (a message with them,
    and `initial_comment` as its text), or keep them private without one."""
    try:
        listed = json.loads(str(args.get("files") or ""))
        ids = [str(item["id"]) for item in listed]
    except (ValueError, TypeError, KeyError):
        return {"ok": False, "error": "invalid_arguments"}
    found = [sim.files.get(file_id) for file_id in ids]
    files = [f for f in found if f is not None and f["team"] == ws.team_id]
    if not ids or len(files) != len(ids):
        return {"ok": False, "error": "file_not_found"}
    if any(f["content"] is None or len(f["content"]) != f["length"] for f in files):
        return {"ok": False, "error": "file_upload_size_mismatch"}
    titles = {str(item["id"]): item.get("title") for item in listed}
    shown = [
        {"id": f["id"], "name": f["name"], "title": titles[f["id"]] or f["name"]} for f in files
    ]
    channel = args.get("channel_id")
    if channel:
        target = sim._channel_for(channel)
        if target is None or not str(channel).startswith(("C", "D", "G")):
            return {"ok": False, "error": "channel_not_found"}
        message = _Message(
            sim.next_ts(),
            ws.bot_user_id,
            str(args.get("initial_comment") or ""),
            None,
            None,
            args.get("thread_ts"),
            files=shown,
        )
        sim.channels.setdefault(target, []).append(message)
    return {"ok": True, "files": [{"id": f["id"], "title": f["title"]} for f in shown]}


_Method = Callable[[SlackSimulator, dict, Any], dict[str, Any]]
_METHODS: dict[str, _Method] = {
    "auth.test": _auth_test,
    "users.info": _users_info,
    "conversations.open": _conversations_open,
    "conversations.history": _history,
    "conversations.replies": _replies,
    "chat.postMessage": _post_message,
    "chat.update": _update,
    "chat.postEphemeral": _post_ephemeral,
    "chat.delete": _delete,
    "views.open": _views_open,
    "views.update": _views_update,
    "views.push": _views_open,
    "views.publish": _views_publish,
    "oauth.v2.access": _oauth_access,
    "apps.connections.open": _connections_open,
    "files.getUploadURLExternal": _get_upload_url,
    "files.completeUploadExternal": _complete_upload,
}


class _Handler(BaseHTTPRequestHandler):
    simulator: SlackSimulator
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.do_POST()

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        args: dict[str, Any] = dict(parse_qsl(url.query))
        if raw:
            if (self.headers.get("Content-Type") or "").startswith("application/json"):
                try:
                    args.update(json.loads(raw))
                except json.JSONDecodeError:
                    self._send(400, {"ok": False, "error": "invalid_json"})
                    return
            else:
                args.update(parse_qsl(raw.decode()))
        if url.path.startswith("/upload/v1/"):  # step 2 of an upload: the file's bytes
            uploaded = self.simulator.files.get(url.path.removeprefix("/upload/v1/"))
            if uploaded is None:
                self._send(404, {"ok": False, "error": "not_found"})
                return
            uploaded["content"] = raw
            self._send(200, {"ok": True})
            return
        if url.path.startswith("/response/"):
            self.simulator.record_response(url.path, args)
            self._send(200, {"ok": True})
            return
        if not url.path.startswith("/api/"):
            self._send(404, {"ok": False, "error": "not_found"})
            return
        method = url.path.removeprefix("/api/")
        token = args.pop("token", None)
        auth = self.headers.get("Authorization") or ""
        if auth.startswith("Bearer "):
            token = auth.removeprefix("Bearer ")
        if method == "oauth.v2.access" and auth.startswith("Basic "):
            token = None
        try:
            answer = self.simulator.handle(method, args, token)
        except _Dropped:
            self.close_connection = True
            return
        self._send(*answer)

    def _send(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None):
        payload = json.dumps(body).encode()
        self.send_response(status if status in HTTPStatus._value2member_map_ else 500)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)
