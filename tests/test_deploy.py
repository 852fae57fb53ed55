"""compose.yaml and the Caddyfile beside it agree with the app: the variables it passes are the
ones the app reads, the proxy sends to the port the image serves, and the example .env names
every variable compose asks for. (`docker compose config` is the fuller check; CI has no
Docker.)"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
READ = {  # what bot/config.py reads, and the README's configuration table lists
    "DATABASE_URL",
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "SLACK_CLIENT_ID",
    "SLACK_CLIENT_SECRET",
    "SLACK_API_URL",
    "ONEONONE_ENCRYPTION_KEY",
    "ONEONONE_PUBLIC_URL",
    "LOG_LEVEL",
    "PORT",
}


def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))


def test_the_app_gets_only_variables_it_reads() -> None:
    config = (ROOT / "bot" / "config.py").read_text(encoding="utf-8")
    for name in compose()["services"]["app"]["environment"]:
        assert name in READ
        assert f'"{name}"' in config


def test_the_proxy_sends_to_the_port_the_image_serves() -> None:
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text(encoding="utf-8")
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "reverse_proxy app:3000" in caddyfile
    assert "EXPOSE 3000" in dockerfile
    assert compose()["services"]["app"]["expose"] == ["3000"]
    assert compose()["services"]["proxy"]["ports"] == ["80:80", "443:443"]


def test_the_example_env_names_every_variable_compose_asks_for() -> None:
    text = (ROOT / "compose.yaml").read_text(encoding="utf-8")
    asked = set(re.findall(r"\$\{([A-Z_]+)", text))
    example = (ROOT / "deploy" / "env.example").read_text(encoding="utf-8")
    given = set(re.findall(r"^([A-Z_]+)=", example, flags=re.MULTILINE))
    assert asked - {"LOG_LEVEL"} <= given
