"""Who someone is, as Slack's users.info tells it."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.domain import pairings


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
