"""Modal submissions: the schedule form."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.deps import Deps
from bot.slack import commands, views


def register(app: App, deps: Deps) -> None:
    @app.view("schedule_form")
    def schedule_form(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient):
        person, words = views.form_words(view["state"]["values"])
        if not person:
            ack(response_action="errors", errors={"person": "Choose whom the 1:1 is with."})
            return
        try:
            blocks, after = commands.create(
                deps,
                client,
                team_id=body["team"]["id"],
                enterprise_id=(body.get("enterprise") or {}).get("id"),
                leader_id=body["user"]["id"],
                member_id=person,
                when=words,
            )
        except commands.Refused as refused:
            reason = refused.blocks[0]["text"]["text"]
            block = (
                "zone"
                if "timezone" in reason
                else "start"
                if "year" in reason or "date" in reason
                else "person"
            )
            ack(response_action="errors", errors={block: _plain(reason)})
            return
        ack()
        client.chat_postMessage(
            channel=body["user"]["id"], text="Your 1:1 is set up", blocks=blocks
        )
        if after is not None:
            after()


def _plain(mrkdwn: str) -> str:
    return (
        mrkdwn.replace("`", "")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")[:150]
    )
