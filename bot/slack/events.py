"""Workspace lifecycle events: uninstalling the app or revoking its tokens."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App

logger = logging.getLogger(__name__)


def register(app: App) -> None:
    if app.installation_store is not None:
        # Bolt deletes the workspace's installation and bot rows from the installation store.
        app.enable_token_revocation_listeners()
        return
    app.event("app_uninstalled")(single_workspace_uninstalled)
    app.event("tokens_revoked")(single_workspace_uninstalled)


def single_workspace_uninstalled(body: dict[str, Any]) -> None:
    logger.warning(
        "Slack says the app was uninstalled or its token revoked in workspace %s; "
        "SLACK_BOT_TOKEN no longer works, remove it from this deployment",
        body.get("team_id"),
    )
