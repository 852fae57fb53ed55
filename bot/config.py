"""Settings from the environment (12-factor), checked once, explained in plain words.

Every problem is reported as one `ConfigError` sentence that names the variable and says what
to do, so the console script can print it and exit 2 instead of showing a traceback.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypeVar
from urllib.parse import urlsplit

from cryptography.fernet import Fernet
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

DEFAULT_DATABASE_URL = "sqlite:///oneonone.db"
DEFAULT_API_URL = "https://slack.com/api/"
DEFAULT_PORT = 3000
DEFAULT_UNINSTALL_GRACE_DAYS = 30
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

Transport = Literal["http", "socket"]
T = TypeVar("T")


class ConfigError(Exception):
    """A setting is missing or malformed; the message is one sentence for a person (a line
    each, when several settings are wrong)."""


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
    port: int = DEFAULT_PORT
    public_url: str | None = None  # where people's browsers and calendars reach `run`
    retention_days: int | None = None  # what people wrote is deleted after this; None: kept
    uninstall_grace_days: int = DEFAULT_UNINSTALL_GRACE_DAYS

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read and check every variable; raise `ConfigError` naming each malformed one."""
        settings, problems = cls.read(environ)
        if problems:
            raise ConfigError("\n".join(problems.values()))
        return settings

    @classmethod
    def read(cls, environ: Mapping[str, str] | None = None) -> tuple[Settings, dict[str, str]]:
        """Every variable read and checked: the settings (a malformed value left at its
        default) and the problems, one sentence per variable, so that `doctor` can say them
        all and go on checking what the others allow."""
        env = os.environ if environ is None else environ
        problems: dict[str, str] = {}

        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        def checked(name: str, check: Callable[[str], T], default: T) -> T:
            value = get(name)
            if value is None:
                return default
            try:
                return check(value)
            except ConfigError as error:
                said = str(error)
                problems[name] = said if said.startswith(name) else f"{name} is {said}"
                return default

        settings = cls(
            database_url=checked("DATABASE_URL", normalize_database_url, DEFAULT_DATABASE_URL),
            bot_token=get("SLACK_BOT_TOKEN"),
            signing_secret=get("SLACK_SIGNING_SECRET"),
            app_token=get("SLACK_APP_TOKEN"),
            client_id=get("SLACK_CLIENT_ID"),
            client_secret=get("SLACK_CLIENT_SECRET"),
            api_url=checked("SLACK_API_URL", _check_api_url, DEFAULT_API_URL),
            encryption_key=get("ONEONONE_ENCRYPTION_KEY"),
            log_level=checked("LOG_LEVEL", _check_log_level, "INFO"),
            port=checked("PORT", _check_port, DEFAULT_PORT),
            public_url=checked("ONEONONE_PUBLIC_URL", _check_public_url, None),
            retention_days=checked("ONEONONE_RETENTION_DAYS", _days(1), None),
            uninstall_grace_days=checked(
                "ONEONONE_UNINSTALL_GRACE_DAYS", _days(0), DEFAULT_UNINSTALL_GRACE_DAYS
            ),
        )
        for name, problem in settings._problems():
            problems.setdefault(name, problem)
        return settings, problems

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

    def _problems(self) -> Iterator[tuple[str, str]]:
        """(variable, sentence) for each setting that is malformed on its own or with another."""
        for variable, token in (
            ("SLACK_BOT_TOKEN", self.bot_token),
            ("SLACK_APP_TOKEN", self.app_token),
        ):
            if token and not token.startswith(_EXPECTED[variable][0]):
                yield variable, _token_problem(variable, token)
        if self.bot_token and self.client_id:
            yield "SLACK_CLIENT_ID", BOTH_TENANCIES
        if bool(self.client_id) != bool(self.client_secret):
            missing = "SLACK_CLIENT_SECRET" if self.client_id else "SLACK_CLIENT_ID"
            yield missing, f"{missing} is not set: {HALF_OAUTH}"
        if self.encryption_key:
            try:
                for key in self.encryption_key.split(","):
                    Fernet(key.strip())
            except ValueError:
                yield "ONEONONE_ENCRYPTION_KEY", BAD_KEY


BOTH_TENANCIES = (
    "SLACK_BOT_TOKEN and SLACK_CLIENT_ID are both set: set SLACK_BOT_TOKEN for one workspace, "
    "or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET to install into many."
)
HALF_OAUTH = (
    "a multi-workspace install needs both SLACK_CLIENT_ID and SLACK_CLIENT_SECRET from your "
    "app's Basic Information page."
)
BAD_KEY = (
    "ONEONONE_ENCRYPTION_KEY is not a valid key: generate one with `python -c 'from "
    "cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`."
)
_EXPECTED = {
    "SLACK_BOT_TOKEN": ("xoxb-", "the Bot User OAuth Token"),
    "SLACK_APP_TOKEN": ("xapp-", "an app-level token"),
}


_TOKEN_KINDS = {
    "xoxb-": "a bot token",
    "xoxp-": "a user token",
    "xapp-": "an app-level token",
    "xoxe": "a token-rotation token",
}


def _token_problem(variable: str, token: str) -> str:
    prefix, what = _EXPECTED[variable]
    kind = next((k for p, k in _TOKEN_KINDS.items() if token.startswith(p)), None)
    found = f"holds {kind} ({token[:5]}…)" if kind else "does not look like a Slack token"
    return f"{variable} {found}: set it to {what}, which starts with {prefix}"


def _days(least: int) -> Callable[[str], int]:
    """A check of a number of days, `least` or more (and at most a hundred years)."""

    def check(text: str) -> int:
        if not (text.isascii() and text.isdigit() and least <= int(text) <= 36500):
            raise ConfigError(f"{text[:40]!r}: use a number of days from {least} to 36500.")
        return int(text)

    return check


def _check_public_url(text: str) -> str:
    parts = urlsplit(text)
    if parts.scheme != "https" or not parts.netloc or parts.query or parts.fragment:
        raise ConfigError(
            f"ONEONONE_PUBLIC_URL is {text[:80]!r}: use the https address where `oneonone run` "
            "is reached, such as https://oneonone.example.com"
        )
    return text.rstrip("/")


def _check_log_level(text: str) -> str:
    level = text.upper()
    if level not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL is {text!r}: use one of {', '.join(LOG_LEVELS)}.")
    return level


def _check_port(text: str) -> int:
    if not (text.isascii() and text.isdigit() and 0 < int(text) < 65536):
        raise ConfigError(f"PORT is {text[:40]!r}: use a TCP port, a number from 1 to 65535.")
    return int(text)


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
