"""manifest.yml against Slack's schema and against what the code registers and calls, so a
new listener or Web API call without its event or scope fails the build."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from bot.app import FEATURES
from bot.config import Settings
from bot.deps import Deps
from bot.simulator.webapi import METHOD_SCOPES
from bot.slack import manifest, register_listeners

ROOT = Path(__file__).resolve().parent.parent
# Slack's published manifest schemas are not copied into the project: they are read from a
# folder beside it, or from the folder SLACK_MANIFEST_SCHEMA names (read at import, before the
# tests' environment is cleaned).
SCHEMAS = Path(os.environ.get("SLACK_MANIFEST_SCHEMA") or ROOT.parent / "shared" / "slack")
EVENT_SCOPES = {
    "app_home_opened": None,
    "app_uninstalled": None,
    "tokens_revoked": None,
    "message.im": "im:history",
    "user_change": "users:read",
}


# slack_sdk's files_upload_v2 is these two Web API methods (and a POST to the URL given).
UPLOAD_V2 = {"files.getUploadURLExternal", "files.completeUploadExternal"}

# Slack sends these to every app, with no subscription in the manifest.
UNSUBSCRIBED = {"app_rate_limited"}


class Recorder:
    """Stands in for the Bolt App while listeners are registered, and notes each one."""

    def __init__(self, *, oauth: bool) -> None:
        self.installation_store = object() if oauth else None
        self.commands: set[str] = set()
        self.events: set[str] = set()
        self.interactive: set[str] = set()
        self.shortcuts: set[str] = set()

    def _note(self, kind: set[str], name: Any) -> Any:
        if not isinstance(name, re.Pattern):  # a catch-all of what is deliberately ignored
            kind.add(name if isinstance(name, str) else json.dumps(name, sort_keys=True))
        return lambda listener: listener

    def command(self, name: str, *_: Any, **__: Any) -> Any:
        return self._note(self.commands, name)

    def event(self, event: Any, *_: Any, **__: Any) -> Any:
        name = event["type"] if isinstance(event, dict) else event
        if name in UNSUBSCRIBED:
            return lambda listener: listener
        return self._note(self.events, "message.im" if name == "message" else name)

    def message(self, *_: Any, **__: Any) -> Any:
        return self._note(self.events, "message.im")

    def action(self, name: Any, *_: Any, **__: Any) -> Any:
        return self._note(self.interactive, name)

    view = options = view_submission = view_closed = action

    def shortcut(self, name: Any, *_: Any, **__: Any) -> Any:
        return self._note(self.shortcuts, name)

    def middleware(self, middleware: Any) -> Any:
        return middleware

    def default_tokens_revoked_event_listener(self) -> Any:
        return None


def registered() -> Recorder:
    union = Recorder(oauth=True)
    for oauth in (True, False):
        recorder = Recorder(oauth=oauth)
        deps = Deps(Settings(), engine=None, outbox=None, clock=None)  # type: ignore[arg-type]
        register_listeners(recorder, deps, features=FEATURES)
        union.commands |= recorder.commands
        union.events |= recorder.events
        union.interactive |= recorder.interactive
        union.shortcuts |= recorder.shortcuts
    return union


def called_methods() -> set[str]:
    """Web API methods the app calls: `client.chat_postMessage(` is chat.postMessage."""
    methods = set()
    for path in (ROOT / "bot").rglob("*.py"):
        if "simulator" in path.parts:
            continue
        source = path.read_text(encoding="utf-8")
        for name in re.findall(r"\bclient\.([a-z]+(?:_[A-Za-z0-9]+)+)\(", source):
            methods |= UPLOAD_V2 if name == "files_upload_v2" else {".".join(name.split("_"))}
        if re.search(r"\bsay\(", source):
            methods.add("chat.postMessage")
    return methods


VARIANTS = {
    "shipped": manifest.load,
    "HTTP": lambda: manifest.for_deployment(socket=False, url="https://one.acme.dev"),
    "Socket Mode": lambda: manifest.for_deployment(socket=True, url=None),
    "Socket Mode with OAuth": lambda: manifest.for_deployment(socket=True, url="https://a.dev"),
}


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("version", ["1.0.0", "2.0.0"])
def test_manifest_is_valid_against_slacks_schema(version: str, variant: str) -> None:
    path = SCHEMAS / f"manifest.schema.{version}.json"
    if not path.exists():
        reason = (
            f"Slack's manifest schema is not at {path}: set SLACK_MANIFEST_SCHEMA to the folder "
            "that holds Slack's manifest.schema.<version>.json files"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    schema = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.validate(VARIANTS[variant](), schema)


def test_every_registered_command_is_in_the_manifest() -> None:
    commands = {c["command"]: c for c in manifest.load()["features"]["slash_commands"]}
    assert set(commands) == registered().commands
    for command in commands.values():
        assert command["should_escape"] is True
        assert command["usage_hint"]
        assert command["url"].endswith("/slack/events")


def test_every_registered_shortcut_is_in_the_manifest() -> None:
    shortcuts = {s["callback_id"]: s for s in manifest.load()["features"].get("shortcuts", [])}
    assert set(shortcuts) == registered().shortcuts
    for shortcut in shortcuts.values():
        assert len(shortcut["name"]) <= 24
        assert shortcut["type"] in ("message", "global")


def test_bot_events_are_exactly_those_the_code_listens_to() -> None:
    events = set(manifest.load()["settings"]["event_subscriptions"]["bot_events"])
    assert events == registered().events


def test_bot_scopes_are_exactly_those_the_code_needs() -> None:
    unknown = called_methods() - set(METHOD_SCOPES)
    assert not unknown, f"add the scope of {unknown} to METHOD_SCOPES"
    needed = {METHOD_SCOPES[m] for m in called_methods()}
    needed |= {EVENT_SCOPES[e] for e in registered().events}
    if registered().commands or registered().shortcuts:
        needed.add("commands")
    needed.discard(None)
    assert set(manifest.bot_scopes()) == needed


def test_settings_point_every_url_at_the_app() -> None:
    loaded = manifest.load()
    settings = loaded["settings"]
    assert settings["event_subscriptions"]["request_url"].endswith("/slack/events")
    assert settings["interactivity"]["request_url"].endswith("/slack/events")
    assert settings["interactivity"]["is_enabled"] is True
    assert isinstance(settings["socket_mode_enabled"], bool)
    assert loaded["oauth_config"]["redirect_urls"][0].endswith("/slack/oauth_redirect")
    assert loaded["features"]["app_home"]["home_tab_enabled"] is True
    assert loaded["features"]["bot_user"]["display_name"]


def test_the_scan_sees_a_call() -> None:
    """The scope check would be empty if the scan found nothing: doctor calls auth.test."""
    assert "auth.test" in called_methods()
