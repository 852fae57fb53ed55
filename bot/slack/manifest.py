"""The shipped `manifest.yml`: the scopes the app asks for at install and checks in `doctor`."""

from __future__ import annotations

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
