"""The `oneonone` console script (also `python -m bot`).

Problems a person can fix (a setting, an unreachable database or Slack) end in one plain
sentence on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib import metadata
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session

from bot import db, doctor
from bot.clock import Clock, SystemClock
from bot.config import ConfigError, Settings, Transport

if TYPE_CHECKING:
    from slack_bolt import App
    from slack_bolt.adapter.socket_mode.websocket_client import SocketModeHandler

logger = logging.getLogger("bot")
Parser = argparse.ArgumentParser


def main(argv: Sequence[str] | None = None, *, clock: Clock | None = None) -> int:
    """The console script. `clock` is where `run` and `tick` take the time and wait (the
    machine's by default; tests pass one whose waits take no time)."""
    args = _parser().parse_args(argv)
    args.clock = clock or SystemClock()
    try:
        return args.handler(args)
    except ConfigError as error:
        for problem in str(error).splitlines():
            print(f"oneonone: {problem}", file=sys.stderr)
        return 2
    except (OperationalError, InterfaceError) as error:
        # One line, not a traceback: what a tick (or any command) lost is taken up again by
        # the next one once the database is back; rows it had claimed, when their lease ends.
        reason = str(error.orig or error).strip().splitlines()[0][:200]
        print(f"oneonone: the database went out of reach: {reason}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="oneonone",
        description="Private, asynchronous 1:1s in Slack. Settings come from the environment; "
        "`oneonone COMMAND --help` names the variables each command reads.",
    )
    parser.add_argument("--version", action="version", version=f"oneonone {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="command")

    def command(name: str, summary: str, description: str, reads: str = "") -> Parser:
        epilog = f"environment: {reads}" if reads else "environment: none"
        return commands.add_parser(
            name,
            help=summary,
            description=f"{summary[0].upper()}{summary[1:]}. {description}",
            epilog=epilog,
        )

    demo = command(
        "demo",
        "the whole product against a simulated Slack, with no account or tokens",
        "Runs the real app over HTTP (or Socket Mode) against a built-in Slack simulator with "
        "a simulated clock, and prints every message as its reader sees it.",
    )
    demo.add_argument(
        "--db", metavar="URL", help="a database to keep the story in (default: a temporary SQLite)"
    )
    demo.add_argument("--keep", action="store_true", help="keep the temporary database")
    demo.add_argument(
        "--socket", action="store_true", help="Slack and the app talk over Socket Mode, not HTTP"
    )
    demo.set_defaults(handler=_demo)

    migrate = command(
        "migrate",
        "bring the database to the newest revision",
        "Applies the Alembic revisions the database lacks; running it again changes nothing. "
        "A SQLite path is relative to the working directory.",
        "DATABASE_URL (default sqlite:///oneonone.db), LOG_LEVEL",
    )
    migrate.set_defaults(handler=_migrate)

    run = command(
        "run",
        "serve Slack and run the scheduled work",
        "Serves Slack's requests (Socket Mode when SLACK_APP_TOKEN is set, HTTP otherwise) with "
        "GET /healthz and GET /metrics, and runs the delivery passes. SIGTERM drains and exits.",
        f"{SLACK_VARIABLES}, ONEONONE_ENCRYPTION_KEY, LOG_LEVEL, PORT",
    )
    transport = run.add_mutually_exclusive_group()
    transport.add_argument(
        "--http", dest="transport", action="store_const", const="http", help="HTTP mode"
    )
    transport.add_argument(
        "--socket", dest="transport", action="store_const", const="socket", help="Socket Mode"
    )
    run.add_argument("--port", type=int, default=None, help="default: $PORT or 3000")
    run.add_argument("--host", default="0.0.0.0", help="default: 0.0.0.0")  # noqa: S104
    run.add_argument(
        "--no-scheduler", action="store_true", help="do not run scheduled work in this process"
    )
    run.set_defaults(handler=_run)

    tick = command(
        "tick",
        "do all work due at one instant, then exit",
        "For cron deployments (a tick each minute beside `run --no-scheduler`) and tests.",
        "DATABASE_URL, SLACK_BOT_TOKEN or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET, "
        "SLACK_API_URL, ONEONONE_ENCRYPTION_KEY, LOG_LEVEL",
    )
    tick.add_argument(
        "--now",
        type=_instant,
        default=None,
        metavar="ISO-8601",
        help="act as if it were this instant (default: now; no offset means UTC)",
    )
    tick.add_argument(
        "--budget",
        type=_seconds,
        default=TICK_BUDGET,
        metavar="SECONDS",
        help=f"keep sending what is due for at most this long (default: {TICK_BUDGET:g}, "
        "so that a tick each minute never overlaps the next)",
    )
    tick.set_defaults(handler=_tick)

    check = command(
        "doctor",
        "check the settings, the database and Slack, and change nothing",
        "One ✓ or ✗ line per check; it goes on after a ✗ as far as the other settings allow. "
        "Exit 0 when all is well, 2 when a setting is missing or malformed, 1 otherwise.",
        f"{SLACK_VARIABLES}, ONEONONE_ENCRYPTION_KEY, LOG_LEVEL, PORT",
    )
    check.set_defaults(handler=_doctor)

    app = command(
        "manifest",
        "print the Slack app manifest for this deployment",
        "Paste it at api.slack.com/apps (Create New App, From a manifest).",
    )
    app.add_argument(
        "--socket", action="store_true", help="Socket Mode: no request URLs (no public address)"
    )
    app.add_argument(
        "--url",
        type=_public_url,
        metavar="https://HOST",
        help="the public address of `oneonone run` (HTTP mode; with --socket, for OAuth only)",
    )
    app.set_defaults(handler=_manifest)
    return parser


SLACK_VARIABLES = (
    "DATABASE_URL, SLACK_BOT_TOKEN (or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET), "
    "SLACK_SIGNING_SECRET (HTTP), SLACK_APP_TOKEN (Socket Mode), SLACK_API_URL"
)


def _version() -> str:
    try:
        return metadata.version("oneonone")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


def _public_url(text: str) -> str:
    parts = urlsplit(text)
    if parts.scheme != "https" or not parts.netloc or parts.query or parts.fragment:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an https address: Slack sends requests only to https://HOST"
        )
    return text.rstrip("/")


def _seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 3600:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds from 0 to 3600")
    return seconds


def _instant(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO-8601 instant: use e.g. 2026-11-24T09:00:00Z"
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


TICK_BUDGET = 55.0


def _settings() -> Settings:
    settings = Settings.from_env()
    logging.basicConfig(
        level=settings.log_level_number,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    if settings.log_level != "DEBUG":
        # Alembic says each revision, and APScheduler each run of each job (every 30 s).
        for chatty in ("alembic", "apscheduler"):
            logging.getLogger(chatty).setLevel(logging.WARNING)
    return settings


def _reachable_engine(settings: Settings) -> Engine:
    engine = db.make_engine(settings.database_url)
    db.require_reachable(engine, settings.database_url_for_humans)
    return engine


def _migrated_engine(settings: Settings) -> Engine:
    engine = _reachable_engine(settings)
    current, head = db.current_revision(engine), db.head_revision()
    if current != head:
        engine.dispose()
        raise ConfigError(
            f"The database at DATABASE_URL ({settings.database_url_for_humans}) is at revision "
            f"{current or 'none'}, not the newest ({head}): run `oneonone migrate` first."
        )
    return engine


def _migrate(_args: argparse.Namespace) -> int:
    settings = _settings()
    engine = _reachable_engine(settings)
    try:
        before = db.current_revision(engine)
        db.migrate(engine)
        after = db.current_revision(engine)
    finally:
        engine.dispose()
    if before == after:
        print(f"The database is already at the newest revision ({after}).")
    else:
        print(f"Migrated the database from {before or 'empty'} to {after}.")
    return 0


def _run(args: argparse.Namespace) -> int:
    from bot import web
    from bot.app import create_app, make_chores, make_outbox
    from bot.delivery import scheduler
    from bot.privacy import service as privacy

    settings = _settings()
    transport: Transport = args.transport or settings.default_transport()
    settings.require_slack(transport)
    port = settings.port if args.port is None else args.port
    if not 0 <= port < 65536:
        raise ConfigError(
            f"--port {port} is not a TCP port: use a number from 1 to 65535 (0 picks a free port)."
        )
    engine = _migrated_engine(settings)
    if settings.bot_token:
        team_id = _require_valid_token(settings)
        with Session(engine) as session, session.begin():  # installed: nothing to delete
            privacy.installed(session, team_id=team_id)
    app = create_app(settings, engine=engine, clock=args.clock)

    background = None
    if not args.no_scheduler:
        outbox = make_outbox(settings, engine, args.clock)
        background = scheduler.start(engine, outbox, make_chores(settings))
    socket_mode: list[SocketModeHandler] = []

    def connect() -> None:  # once SIGTERM is ours to handle, so that it always drains
        if transport == "socket":
            socket_mode.append(_connect_socket_mode(app, settings))

    try:
        # In Socket Mode the HTTP server still answers /healthz (and the OAuth pages).
        wsgi = web.wsgi_app(app, engine, settings.signing_secret)
        web.serve(wsgi, host=args.host, port=port, on_start=connect)
    finally:
        for handler in socket_mode:
            handler.close()
        if background is not None:
            background.shutdown(wait=True)
        engine.dispose()
    return 0


def _require_valid_token(settings: Settings) -> str:
    """The workspace SLACK_BOT_TOKEN is for, once Slack accepts it."""
    from bot.app import make_client

    try:
        return str(make_client(settings, settings.bot_token).auth_test()["team_id"])
    except SlackApiError as error:
        raise ConfigError(
            f"SLACK_BOT_TOKEN was refused by Slack ({error.response.get('error')}): reinstall "
            "the app and copy its Bot User OAuth Token."
        ) from None
    except OSError as error:
        raise ConfigError(
            f"SLACK_API_URL ({settings.api_url}) cannot be reached ({error}): check the network "
            "or SLACK_API_URL."
        ) from None


def _connect_socket_mode(app: App, settings: Settings) -> SocketModeHandler:
    from bot.app import socket_mode_handler

    assert settings.app_token
    handler = socket_mode_handler(app, settings.app_token)
    try:
        handler.connect()
    except SlackApiError as error:
        raise ConfigError(
            f"SLACK_APP_TOKEN was refused by Slack ({error.response.get('error')}): create an "
            "app-level token with connections:write on your app's Basic Information page."
        ) from None
    logger.info("connected to Slack over Socket Mode")
    return handler


def _tick(args: argparse.Namespace) -> int:
    from bot.app import make_chores, make_outbox
    from bot.delivery import housekeeping

    settings = _settings()
    settings.require_token()
    now: datetime = args.now or args.clock.now()
    engine = _migrated_engine(settings)
    try:
        report = make_outbox(settings, engine, args.clock).run_pass(now, budget=args.budget)
        housekeeping.run(engine, now=now, chores=make_chores(settings))
    finally:
        engine.dispose()
    print(f"{now.isoformat()}: {report}")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from bot import demo
    from bot.config import normalize_database_url

    url = normalize_database_url(args.db) if args.db else None
    return demo.run(sys.stdout, database_url=url, keep=args.keep, socket=args.socket)


def _doctor(_args: argparse.Namespace) -> int:
    checks = doctor.run_checks()
    for check in checks:
        print(check.line())
    if any(not check.ok and check.setting for check in checks):
        return 2
    return 0 if all(check.ok for check in checks) else 1


def _manifest(args: argparse.Namespace) -> int:
    from bot.slack import manifest

    print(manifest.dump(manifest.for_deployment(socket=args.socket, url=args.url)), end="")
    return 0
