"""Settings from the environment (12-factor), checked once, explained in plain words.

Every problem is reported as one `ConfigError` sentence that names the variable and says what
to do, so the console script can print it and exit 2 instead of showing a traceback.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from cryptography.fernet import Fernet
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

DEFAULT_DATABASE_URL = "sqlite:///oneonone.db"
DEFAULT_API_URL = "https://slack.com/api/"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

Transport = Literal["http", "socket"]


class ConfigError(Exception):
    """A setting is missing or malformed; the message is one sentence for a person."""


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    bot_token: str | None = None
    signing_secret: str | None = None
    app_token: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    api_url: str = DEFAULT_API_URL
    encryption_key: str | None = None
    log_level: str = "INFO"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read and check every variable; raise `ConfigError` on the first malformed one."""
        env = os.environ if environ is None else environ

        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        settings = cls(
            database_url=normalize_database_url(get("DATABASE_URL") or DEFAULT_DATABASE_URL),
            bot_token=get("SLACK_BOT_TOKEN"),
            signing_secret=get("SLACK_SIGNING_SECRET"),
            app_token=get("SLACK_APP_TOKEN"),
            client_id=get("SLACK_CLIENT_ID"),
            client_secret=get("SLACK_CLIENT_SECRET"),
            api_url=_check_api_url(get("SLACK_API_URL") or DEFAULT_API_URL),
            encryption_key=get("ONEONONE_ENCRYPTION_KEY"),
            log_level=(get("LOG_LEVEL") or "INFO").upper(),
        )
        settings._check_formats()
        return settings

    @property
    def oauth_enabled(self) -> bool:
        return bool(self.client_id and self.client_secret)

    @property
    def log_level_number(self) -> int:
        return logging.getLevelNamesMapping()[self.log_level]

    @property
    def database_url_for_humans(self) -> str:
        return make_url(self.database_url).render_as_string(hide_password=True)

    def default_transport(self) -> Transport:
        return "socket" if self.app_token else "http"

    def require_slack(self, transport: Transport) -> None:
        """Check that everything needed to talk to Slack over `transport` is present."""
        self.require_token()
        if transport == "http" and not self.signing_secret:
            raise ConfigError(
                "SLACK_SIGNING_SECRET is not set: copy the Signing Secret from your app's Basic "
                "Information page (HTTP mode needs it to verify every request from Slack)."
            )
        if transport == "socket" and not self.app_token:
            raise ConfigError(
                "SLACK_APP_TOKEN is not set: Socket Mode needs an app-level token (xapp-…) with "
                "the connections:write scope, from your app's Basic Information page."
            )

    def require_token(self) -> None:
        """Check that bot tokens can be had: SLACK_BOT_TOKEN, or an OAuth installation store."""
        if not self.bot_token and not self.oauth_enabled:
            raise ConfigError(
                "SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token (xoxb-…) from your "
                "app's OAuth & Permissions page, or set SLACK_CLIENT_ID and SLACK_CLIENT_SECRET "
                "to install the app into several workspaces."
            )

    def _check_formats(self) -> None:
        if self.bot_token:
            _check_token("SLACK_BOT_TOKEN", self.bot_token, "xoxb-", "the Bot User OAuth Token")
        if self.app_token:
            _check_token("SLACK_APP_TOKEN", self.app_token, "xapp-", "an app-level token")
        if self.bot_token and self.client_id:
            raise ConfigError(
                "SLACK_BOT_TOKEN and SLACK_CLIENT_ID are both set: set SLACK_BOT_TOKEN for one "
                "workspace, or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET to install into many."
            )
        if bool(self.client_id) != bool(self.client_secret):
            missing = "SLACK_CLIENT_SECRET" if self.client_id else "SLACK_CLIENT_ID"
            raise ConfigError(
                f"{missing} is not set: a multi-workspace install needs both SLACK_CLIENT_ID and "
                "SLACK_CLIENT_SECRET from your app's Basic Information page."
            )
        if self.log_level not in LOG_LEVELS:
            raise ConfigError(
                f"LOG_LEVEL is {self.log_level!r}: use one of {', '.join(LOG_LEVELS)}."
            )
        if self.encryption_key:
            try:
                for key in self.encryption_key.split(","):
                    Fernet(key.strip())
            except ValueError:
                raise ConfigError(
                    "ONEONONE_ENCRYPTION_KEY is not a valid key: generate one with "
                    "`python -c 'from cryptography.fernet import Fernet; "
                    "print(Fernet.generate_key().decode())'`."
                ) from None


_TOKEN_KINDS = {
    "xoxb-": "a bot token",
    "xoxp-": "a user token",
    "xapp-": "an app-level token",
    "xoxe": "a token-rotation token",
}


def _check_token(variable: str, token: str, prefix: str, what: str) -> None:
    if token.startswith(prefix):
        return
    kind = next((k for p, k in _TOKEN_KINDS.items() if token.startswith(p)), None)
    found = f"holds {kind} ({token[:5]}…)" if kind else "does not look like a Slack token"
    raise ConfigError(f"{variable} {found}: set it to {what}, which starts with {prefix}")


def _check_api_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(
            f"SLACK_API_URL is {url!r}: it must be an http(s) URL such as {DEFAULT_API_URL}"
        )
    return url if url.endswith("/") else url + "/"


def normalize_database_url(url: str) -> str:
    """Accept the spellings operators paste (`postgres://`, `postgresql://`) and use psycopg 3."""
    try:
        parsed: URL = make_url(url)
    except ArgumentError:
        raise ConfigError(
            "DATABASE_URL is not a database URL: use e.g. sqlite:///oneonone.db or "
            "postgresql://user:password@host/dbname"
        ) from None
    backend = parsed.get_backend_name()
    if backend in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    elif backend != "sqlite":
        raise ConfigError(
            f"DATABASE_URL uses {backend!r}: oneonone supports sqlite:/// and postgresql:// URLs."
        )
    return parsed.render_as_string(hide_password=False)


def bundled_file(name: str) -> Path:
    """A file shipped with the app: inside the package in a wheel, at the repo root otherwise."""
    package = Path(__file__).resolve().parent
    inside = package / name
    return inside if inside.exists() else package.parent / name
