"""Builds the Bolt app. Nothing is created at import time; `create_app` is the only factory."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from slack_bolt import App
from slack_bolt.oauth.callback_options import CallbackOptions, FailureArgs, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_bolt.response import BoltResponse
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from slack_bolt.adapter.socket_mode.websocket_client import SocketModeHandler

from bot import crypto, models
from bot.calendars import listeners as calendars
from bot.checkins import listeners as checkins
from bot.checkins import messages as checkins_messages
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.delivery.housekeeping import Chore
from bot.delivery.outbox import Outbox
from bot.deps import Deps
from bot.home import listeners as home
from bot.installations import bot_tokens, installation_store
from bot.notes import listeners as notes
from bot.notes import messages as notes_messages
from bot.people import listeners as people
from bot.privacy import listeners as privacy_listeners
from bot.privacy import service as privacy
from bot.scheduling import listeners as scheduling
from bot.scheduling import messages as scheduling_messages
from bot.slack import manifest, register_listeners
from bot.summary import listeners as summary
from bot.summary import messages as summary_messages

# Each feature's planners and renderers, wired into the outbox by `make_outbox` (in this
# order: meetings are kept ahead before prompts are planned for them).
MESSAGES = (scheduling_messages, checkins_messages, notes_messages, summary_messages)
# Each feature's listeners and `/oneonone` subcommands, wired into Bolt by `create_app`.
FEATURES = (scheduling, checkins, notes, people, summary, home, calendars, privacy_listeners)

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
OAUTH_STATE_SECONDS = 600


def make_client(settings: Settings, token: str | None = None) -> WebClient:
    """A Web API client for `SLACK_API_URL` with slack_sdk's retry handlers switched on.

    Bolt copies `base_url` and the retry handlers to the per-request clients it builds.
    """
    return WebClient(
        token=token,
        base_url=settings.api_url,
        timeout=10,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=2),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def make_outbox(settings: Settings, engine: Engine, clock: Clock | None = None) -> Outbox:
    """The product's outbox, wired here: its messages are planned and rendered by each
    feature's `messages` module, so the outbox itself imports no feature."""
    crypto.configure(settings.encryption_key)
    return Outbox(
        engine,
        bot_tokens(settings, engine),
        settings.api_url,
        renderers={name: r for feature in MESSAGES for name, r in feature.RENDERERS.items()},
        planners=[planner for feature in MESSAGES for planner in feature.PLANNERS],
        unreachable=scheduling_messages.unreachable,
        clock=clock or SystemClock(),
    )


def create_app(
    settings: Settings,
    *,
    engine: Engine,
    client: WebClient | None = None,
    process_before_response: bool = False,
    clock: Clock | None = None,
) -> App:
    """The real Bolt app. Request verification stays on; tests use `process_before_response`
    so the database can be checked as soon as a request returns."""
    crypto.configure(settings.encryption_key)
    oauth_settings = _oauth_settings(settings, engine) if settings.oauth_enabled else None
    token = None if oauth_settings else settings.bot_token
    logger = logging.getLogger("bot.bolt")
    logger.addFilter(_QUIET)
    app = App(
        name="oneonone",
        client=client or make_client(settings, token),
        signing_secret=settings.signing_secret or "",
        oauth_settings=oauth_settings,
        process_before_response=process_before_response,
        logger=logger,
        # Bolt's assistant-thread helpers would read a thread's first message as an
        # assistant's context; our threads are prompts, and we reply with the client.
        attaching_conversation_kwargs_enabled=False,
    )
    clock = clock or SystemClock()
    outbox = make_outbox(settings, engine, clock)
    deps = Deps(settings=settings, engine=engine, outbox=outbox, clock=clock)
    register_listeners(app, deps, features=FEATURES)
    return app


class _QuietEnvironmentTokenWarning(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment by itself and warns that our client
    (which carries the same token, plus SLACK_API_URL and retry handlers) wins."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


_QUIET = _QuietEnvironmentTokenWarning()


def _oauth_settings(settings: Settings, engine: Engine) -> OAuthSettings:
    assert settings.client_id
    assert settings.client_secret
    return OAuthSettings(
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        scopes=manifest.bot_scopes(),
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        # GovSlack and proxies: the authorize page lives beside the Web API.
        authorization_url=urljoin(settings.api_url, "../oauth/v2/authorize"),
        installation_store=installation_store(settings, engine),
        callback_options=CallbackOptions(
            success=lambda args: _installed(engine, args), failure=_install_failed
        ),
        state_store=SQLAlchemyOAuthStateStore(
            expiration_seconds=OAUTH_STATE_SECONDS,
            engine=engine,
            table_name=models.OAUTH_STATES_TABLE,
        ),
    )


def _installed(engine: Engine, args: SuccessArgs) -> BoltResponse:
    """Installed (again): a pending deletion of the workspace's data is cancelled, then
    Bolt's own page."""
    team_id = args.installation.team_id
    if team_id:
        with Session(engine) as session, session.begin():
            privacy.installed(session, team_id=team_id)
    return args.default.success(args)


def _install_failed(args: FailureArgs) -> BoltResponse:
    return args.default.failure(args)


def make_chores(settings: Settings) -> list[Chore]:
    """The features' part of the daily housekeeping: ONEONONE_RETENTION_DAYS, and the data
    of workspaces whose grace period after uninstalling is over."""
    chores: list[Chore] = [privacy.remove_uninstalled]
    if settings.retention_days is not None:
        days = settings.retention_days
        chores.append(lambda session, now: privacy.expire(session, now, days=days))
    return chores


def socket_mode_handler(app: App, app_token: str) -> SocketModeHandler:
    """The Socket Mode handler `run --socket` connects with (see `bot.socket_mode`)."""
    from bot.socket_mode import Handler

    return Handler(app, app_token)
