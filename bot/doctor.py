"""`oneonone doctor`: check a deployment line by line and say what is wrong in plain words.

Diagnosis writes nothing: a SQLite file that does not exist is reported, not created, and an
existing one is opened read-only. After a ✗ it goes on with every check the other settings
allow.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine, func, select
from sqlalchemy.engine import make_url

from bot import db, models
from bot.app import make_client
from bot.clock import SystemClock
from bot.config import ConfigError, Settings
from bot.delivery import outbox
from bot.slack import manifest

# Passes run every 30 s; a delivery this late means nothing is running them.
STALLED = timedelta(minutes=10)


@dataclass(frozen=True)
class Check:
    ok: bool
    what: str
    detail: str
    setting: bool = False  # a missing or malformed setting (the exit code says so: 2)

    def line(self) -> str:
        return f"{'✓' if self.ok else '✗'} {self.what}: {self.detail}"


def run_checks(environ: Mapping[str, str] | None = None) -> list[Check]:
    settings, problems = Settings.read(environ)
    checks = [Check(False, "settings", problem, setting=True) for problem in problems.values()]
    checks += _settings(settings, problems)
    database_ok = False
    if "DATABASE_URL" not in problems:
        engine = _read_only_engine(settings)
        if isinstance(engine, Check):
            checks.append(engine)
        else:
            try:
                found = _database(engine, settings.database_url_for_humans)
                checks += found
                database_ok = all(check.ok for check in found)
                if database_ok or not settings.bot_token:
                    checks += _workspaces(settings, engine, database_ok=database_ok)
            finally:
                engine.dispose()
    slack = ("SLACK_BOT_TOKEN", "SLACK_API_URL")
    if settings.bot_token and not any(name in problems for name in slack):
        checks += _token(settings)
    if settings.app_token and not any(name in problems for name in ("SLACK_APP_TOKEN", *slack)):
        checks.append(_app_token(settings))
    return checks


def _settings(settings: Settings, problems: Mapping[str, str]) -> list[Check]:
    transport = settings.default_transport()
    try:
        settings.require_slack(transport)
    except ConfigError as error:
        return [Check(False, "settings", str(error), setting=True)]
    if problems:
        return []
    mode = "Socket Mode" if transport == "socket" else "HTTP mode"
    tenancy = "multi-workspace (OAuth)" if settings.oauth_enabled else "single workspace"
    encrypted = "answers encrypted at rest" if settings.encryption_key else "no encryption key"
    kept = (
        f"what people write kept {settings.retention_days} days"
        if settings.retention_days is not None
        else "what people write kept until they delete it"
    )
    detail = (
        f"{mode}, {tenancy}, {encrypted}, {kept}, an uninstalled workspace's data deleted after "
        f"{settings.uninstall_grace_days} days, Web API {settings.api_url}"
    )
    return [Check(True, "settings", detail)]


def _read_only_engine(settings: Settings) -> Engine | Check:
    """An engine that writes nothing (PostgreSQL is only read; a SQLite file is opened
    read-only), or a ✗ for a SQLite file that does not exist, which is not created."""
    url = make_url(settings.database_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return db.make_engine(settings.database_url)
    path = Path(url.database).resolve()
    if not path.exists():
        relative = "" if Path(url.database).is_absolute() else " (relative to this directory)"
        return Check(
            False,
            "database",
            f"{path}{relative} does not exist: run `oneonone migrate` to create it, or set "
            "DATABASE_URL to your database",
        )
    return db.make_engine(f"sqlite:///file:{path}?mode=ro&uri=true")


def _database(engine: Engine, shown_url: str) -> list[Check]:
    problem = db.reachability_problem(engine)
    if problem is not None:
        return [Check(False, "database", f"{shown_url} cannot be reached: {problem}")]
    checks = [Check(True, "database", f"{shown_url} is reachable")]
    current, head = db.current_revision(engine), db.head_revision()
    if current == head:
        checks.append(Check(True, "schema", f"at the newest revision ({head})"))
        checks.append(_deliveries(engine, SystemClock().now()))
    else:
        checks.append(
            Check(
                False,
                "schema",
                f"at revision {current or 'none (empty database)'}, newest is {head}: "
                "run `oneonone migrate`",
            )
        )
    return checks


def _deliveries(engine: Engine, now: datetime) -> Check:
    seen = outbox.counts(engine, now=now)
    detail = (
        f"{seen['pending']} pending, {seen['in_flight']} in flight, {seen['failed']} failed, "
        f"{seen['sent_today']} sent today"
    )
    oldest = seen["oldest_pending"]
    if oldest is None:
        return Check(True, "deliveries", detail)
    late = now - oldest
    detail += f"; the oldest pending was due {oldest:%Y-%m-%d %H:%M} UTC"
    if late > STALLED:
        minutes = int(late.total_seconds() // 60)
        return Check(
            False,
            "deliveries",
            f"{detail}, {minutes} min ago: is `oneonone run` (or a `oneonone tick` cron) running?",
        )
    return Check(True, "deliveries", detail)


def _workspaces(settings: Settings, engine: Engine, *, database_ok: bool) -> list[Check]:
    if settings.oauth_enabled and database_ok:
        with engine.connect() as connection:
            count = connection.scalar(
                select(func.count())
                .select_from(models.bots)
                .where(models.bots.c.client_id == settings.client_id)
            )
        detail = f"{count} workspace(s) installed; install more at /slack/install"
        return [Check(True, "workspaces", detail)]
    return []


def _token(settings: Settings) -> list[Check]:
    client = make_client(settings, settings.bot_token)
    try:
        response = client.auth_test()
    except SlackApiError as error:
        reason = error.response.get("error", "refused")
        return [
            Check(
                False,
                "Slack token",
                f"SLACK_BOT_TOKEN was refused by Slack ({reason}): reinstall the app and copy "
                "its new Bot User OAuth Token",
            )
        ]
    except OSError as error:
        return [Check(False, "Slack", _unreachable(settings, error))]
    who = f"@{response.get('user')} in {response.get('team')} ({response.get('team_id')})"
    checks = [Check(True, "Slack token", f"valid, {who}")]
    granted = {s.strip() for s in response.headers.get("x-oauth-scopes", "").split(",") if s}
    missing = [scope for scope in manifest.bot_scopes() if scope not in granted]
    if missing:
        checks.append(
            Check(
                False,
                "scopes",
                f"missing {', '.join(missing)}: update the app from manifest.yml and reinstall it",
            )
        )
    else:
        checks.append(Check(True, "scopes", f"all {len(manifest.bot_scopes())} granted"))
    return checks


def _app_token(settings: Settings) -> Check:
    """Socket Mode's token, asked for a connection URL (nothing connects to it)."""
    client = make_client(settings, settings.app_token)
    try:
        client.apps_connections_open(app_token=settings.app_token)
    except SlackApiError as error:
        reason = error.response.get("error", "refused")
        return Check(
            False,
            "Socket Mode",
            f"SLACK_APP_TOKEN was refused by Slack ({reason}): create an app-level token with "
            "connections:write on your app's Basic Information page, and turn Socket Mode on",
        )
    except OSError as error:
        return Check(False, "Socket Mode", _unreachable(settings, error))
    return Check(True, "Socket Mode", "SLACK_APP_TOKEN may connect")


def _unreachable(settings: Settings, error: OSError) -> str:
    return (
        f"{settings.api_url} cannot be reached ({error}): check this host's DNS and outbound "
        "HTTPS (port 443), set HTTPS_PROXY if it must go through a proxy, or correct "
        "SLACK_API_URL"
    )
