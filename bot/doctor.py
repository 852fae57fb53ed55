"""`oneonone doctor`: check a deployment line by line and say what is wrong in plain words."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine, func, select

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

    def line(self) -> str:
        return f"{'✓' if self.ok else '✗'} {self.what}: {self.detail}"


def run_checks(environ: Mapping[str, str] | None = None) -> list[Check]:
    try:
        settings = Settings.from_env(environ)
    except ConfigError as error:
        return [Check(False, "settings", str(error))]
    checks = [_settings(settings)]
    engine = db.make_engine(settings.database_url)
    try:
        checks += _database(engine, settings.database_url_for_humans)
        checks += _slack(settings, engine, database_ok=all(c.ok for c in checks[1:]))
    finally:
        engine.dispose()
    return checks


def _settings(settings: Settings) -> Check:
    transport = settings.default_transport()
    try:
        settings.require_slack(transport)
    except ConfigError as error:
        return Check(False, "settings", str(error))
    mode = "Socket Mode" if transport == "socket" else "HTTP mode"
    tenancy = "multi-workspace (OAuth)" if settings.oauth_enabled else "single workspace"
    encrypted = "answers encrypted at rest" if settings.encryption_key else "no encryption key"
    return Check(True, "settings", f"{mode}, {tenancy}, {encrypted}, Web API {settings.api_url}")


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


def _slack(settings: Settings, engine: Engine, *, database_ok: bool) -> list[Check]:
    if settings.bot_token:
        return _token(settings)
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
        return [
            Check(
                False, "Slack token", f"SLACK_API_URL ({settings.api_url}) is unreachable: {error}"
            )
        ]
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
