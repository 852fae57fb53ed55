"""Where a workspace's bot token comes from: SLACK_BOT_TOKEN, or the OAuth installation store."""

from __future__ import annotations

from collections.abc import Callable

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from sqlalchemy import Engine

from bot import models
from bot.config import Settings

TokenLookup = Callable[[str | None, str], str | None]


def installation_store(settings: Settings, engine: Engine) -> SQLAlchemyInstallationStore:
    assert settings.client_id, "only multi-workspace installs keep installations"
    return SQLAlchemyInstallationStore(
        client_id=settings.client_id,
        engine=engine,
        bots_table_name=models.BOTS_TABLE,
        installations_table_name=models.INSTALLATIONS_TABLE,
    )


def bot_tokens(settings: Settings, engine: Engine) -> TokenLookup:
    """`lookup(enterprise_id, team_id)` gives that workspace's bot token, or None if the app is
    not (or no longer) installed there."""
    if settings.bot_token:
        token = settings.bot_token
        return lambda _enterprise_id, _team_id: token
    store = installation_store(settings, engine)

    def lookup(enterprise_id: str | None, team_id: str) -> str | None:
        bot = store.find_bot(enterprise_id=enterprise_id, team_id=team_id)
        return bot.bot_token if bot else None

    return lookup
