"""Who someone is, as Slack's users.info tells it."""

from __future__ import annotations

from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.scheduling import service as pairings


def person(client: WebClient, user_id: str) -> pairings.Person:
    user = client.users_info(user=user_id)["user"]
    return pairings.Person(
        id=user["id"],
        team_id=user.get("team_id", ""),
        name=user.get("real_name") or user.get("name") or user_id,
        tz=user.get("tz") or "UTC",
        is_bot=bool(user.get("is_bot")),
        deleted=bool(user.get("deleted")),
        status=pairings.Status.from_slack(user.get("profile") or {}),
    )


NAMES_LOOKED_UP = 10  # per message; more mentions than this read as "someone"


def names(client: WebClient) -> Callable[[str], str]:
    """A user id → the name people see, from users.info (remembered for the request)."""
    known: dict[str, str] = {}

    def name_of(user_id: str) -> str:
        if user_id not in known:
            if len(known) >= NAMES_LOOKED_UP or not user_id:
                return "someone"
            try:
                user = client.users_info(user=user_id)["user"]
                profile = user.get("profile") or {}
                known[user_id] = (
                    profile.get("display_name") or user.get("real_name") or user.get("name")
                ) or "someone"
            except SlackApiError:
                known[user_id] = "someone"
        return known[user_id]

    return name_of
