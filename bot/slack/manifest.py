"""The shipped `manifest.yml`: the scopes the app asks for at install and checks in `doctor`,
and the manifest as one deployment needs it (`oneonone manifest [--socket] [--url URL]`)."""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

import yaml

from bot.config import bundled_file


@cache
def load() -> dict[str, Any]:
    with bundled_file("manifest.yml").open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def bot_scopes() -> list[str]:
    return list(load()["oauth_config"]["scopes"]["bot"])


EXAMPLE_URL = "https://oneonone.example.com"


def for_deployment(*, socket: bool, url: str | None) -> dict[str, Any]:
    """The manifest as one deployment needs it. HTTP mode: every Slack-facing URL at `url`.
    Socket Mode: no request URLs at all (Slack sends everything over the socket) and
    `socket_mode_enabled: true`; the OAuth redirect stays when a `url` is given."""
    manifest = copy.deepcopy(load())
    settings, features = manifest["settings"], manifest["features"]
    base = (url or EXAMPLE_URL).rstrip("/")
    settings["socket_mode_enabled"] = socket
    if socket:
        for command in features["slash_commands"]:
            command.pop("url", None)
        settings["event_subscriptions"].pop("request_url", None)
        settings["interactivity"].pop("request_url", None)
        if url is None:
            del manifest["oauth_config"]["redirect_urls"]
        else:
            manifest["oauth_config"]["redirect_urls"] = [f"{base}/slack/oauth_redirect"]
        return manifest
    for command in features["slash_commands"]:
        command["url"] = f"{base}/slack/events"
    settings["event_subscriptions"]["request_url"] = f"{base}/slack/events"
    settings["interactivity"]["request_url"] = f"{base}/slack/events"
    manifest["oauth_config"]["redirect_urls"] = [f"{base}/slack/oauth_redirect"]
    return manifest


def dump(manifest: dict[str, Any]) -> str:
    return yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True, width=100)
