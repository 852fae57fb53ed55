"""Slack's side of the conversation: correctly signed requests to the app, shaped as Slack
shapes slash commands, interactivity payloads and Events API envelopes; or, over Socket Mode,
the same payloads in Socket Mode's envelopes (`SlackClient.over_socket`)."""

from __future__ import annotations

import itertools
import json
import re
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from bot.simulator.webapi import SIGNING_SECRET, SlackSimulator, Workspace


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode()


_ENTITY = re.compile(r"(<[@#!][^<>]*>)")


def typed(text: str) -> str:
    """What a person typed, as Slack sends it in an event or a slash command: `&`, `<` and
    `>` escaped, except in the mentions (`<@U…>`, `<#C…>`, `<!here>`) that Slack's own
    composer makes of what they pick."""
    pieces = _ENTITY.split(text)
    return "".join(
        piece if n % 2 else piece.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        for n, piece in enumerate(pieces)
    )


# What a Socket Mode envelope that got no ack within Slack's 3 s looks like here, in the
# place of an HTTP status (Slack treats both alike: the request was not received).
NO_ACK = 504


class SlackClient:
    """Posts to the app at `app_url` (its `/slack/events`) as Slack would; `over_socket`
    sends the same payloads over the simulator's Socket Mode connection instead."""

    def __init__(
        self,
        app_url: str,
        simulator: SlackSimulator,
        signing_secret: str = SIGNING_SECRET,
        *,
        workspace: Workspace | None = None,
        socket: bool = False,
    ) -> None:
        self.socket = socket
        self.app_url = app_url
        self.simulator = simulator
        self.workspace = workspace or simulator.workspace
        self._verifier = SignatureVerifier(signing_secret)
        self._event_ids = itertools.count(1)
        self.sent: list[dict[str, Any]] = []  # the people's own messages, as their events

    # -- the wire ----------------------------------------------------------------------------

    def post(
        self,
        body: bytes | str,
        content_type: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
        sign: bool = True,
    ) -> Response:
        data = body.encode() if isinstance(body, str) else body
        sent = {"Content-Type": content_type, **(headers or {})}
        if sign:
            stamp = str(int(time.time()) if timestamp is None else timestamp)
            sent["X-Slack-Request-Timestamp"] = stamp
            sent["X-Slack-Signature"] = signature or self._verifier.generate_signature(
                timestamp=stamp, body=data
            )
        request = urllib.request.Request(self.app_url, data=data, headers=sent, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return Response(answer.status, dict(answer.headers), answer.read())
        except urllib.error.HTTPError as error:
            return Response(error.code, dict(error.headers), error.read())

    def post_form(self, fields: dict[str, str], **kw: Any) -> Response:
        return self.post(urlencode(fields), "application/x-www-form-urlencoded", **kw)

    @classmethod
    def over_socket(cls, simulator: SlackSimulator, **kw: Any) -> SlackClient:
        return cls("", simulator, socket=True, **kw)

    def _envelope(self, kind: str, payload: dict[str, Any], **kw: Any) -> Response:
        """One Socket Mode envelope and its ack, as a Response: 200 with the ack's payload (a
        view_submission's `response_action`, say) as the body, or NO_ACK."""
        ack = self.simulator.socket_mode.deliver(kind, payload, **kw)
        if ack is None:
            return Response(NO_ACK, {}, b"")
        body = json.dumps(ack.payload).encode() if ack.payload else b""
        return Response(200, {"Content-Type": "application/json"}, body)

    # -- what Slack sends --------------------------------------------------------------------

    def slash_command(
        self,
        user_id: str,
        text: str = "",
        *,
        command: str = "/oneonone",
        response_url: str | None = None,
        **kw: Any,
    ) -> Response:
        ws = self.workspace
        user = self.simulator.users.get(user_id)
        fields = {
            "token": "deprecated-verification-token",
            "team_id": ws.team_id,
            "team_domain": "simulated",
            "channel_id": "D" + user_id[1:],
            "channel_name": "directmessage",
            "user_id": user_id,
            "user_name": user.name if user else "someone",
            "command": command,
            "text": typed(text),
            "api_app_id": ws.app_id,
            "is_enterprise_install": "false",
            "response_url": response_url or self.simulator.response_url(),
            "trigger_id": self.simulator.issue_trigger_id(user_id),
        }
        if ws.enterprise_id:
            fields["enterprise_id"] = ws.enterprise_id
        if self.socket:
            return self._envelope("slash_commands", fields)
        return self.post_form(fields, **kw)

    def command(self, user_id: str, text: str = "", *, wait: float = 0.0, **kw: Any) -> dict:
        """A slash command, and the answer the app posted to its response_url (what Slack
        shows the person); {} when the app opened a form instead."""
        url = self.simulator.response_url()
        answer = self.slash_command(user_id, text, response_url=url, **kw)
        assert answer.status == 200, answer.text
        return self.simulator.response_to(url, wait=wait) or {}

    def interaction(self, payload: dict[str, Any], **kw: Any) -> Response:
        if self.socket:
            return self._envelope("interactive", payload)
        return self.post_form({"payload": json.dumps(payload)}, **kw)

    def block_action(
        self,
        user_id: str,
        action_id: str,
        value: str = "",
        *,
        block_id: str = "actions",
        selected: str | None = None,
        selected_date: str | None = None,
        container: dict[str, Any] | None = None,
        view: dict[str, Any] | None = None,
        message: dict[str, Any] | None = None,
        from_home: bool = False,
        **kw: Any,
    ) -> Response:
        """A click. `from_home`: on the user's App Home, as Slack sends it from there (the
        view in the payload, and no response_url: there is no message to answer in)."""
        payload = self._interaction_base("block_actions", user_id)
        action: dict[str, Any] = {
            "type": "button",
            "action_id": action_id,
            "block_id": block_id,
            "value": value,
            "action_ts": f"{time.time():.6f}",
        }
        if selected is not None:  # a static_select: Slack sends the chosen option, no value
            action = {**action, "type": "static_select", "selected_option": {"value": selected}}
            del action["value"]
        if selected_date is not None:  # a datepicker
            action = {**action, "type": "datepicker", "selected_date": selected_date}
            del action["value"]
        payload["actions"] = [action]
        payload["container"] = container or {"type": "message"}
        if from_home:
            view = view or self.simulator.views.get(f"home-{user_id}") or {"type": "home"}
            payload["container"] = {"type": "view", "view_id": view.get("id", "")}
        else:
            payload["response_url"] = self.simulator.response_url()
        if view is not None:
            payload["view"] = view
        if message is not None:
            payload["message"] = message
            payload["channel"] = {"id": "D" + user_id[1:], "name": "directmessage"}
        return self.interaction(payload, **kw)

    def message_shortcut(
        self, user_id: str, callback_id: str, text: str, *, author: str = "", **kw: Any
    ) -> Response:
        """A message shortcut ("…" on a message), as Slack sends a `message_action`."""
        payload = self._interaction_base("message_action", user_id)
        payload["callback_id"] = callback_id
        payload["action_ts"] = f"{time.time():.6f}"
        payload["message_ts"] = f"{time.time():.6f}"
        payload["message"] = {
            "type": "message",
            "user": author or user_id,
            "text": text,
            "ts": payload["message_ts"],
        }
        payload["channel"] = {"id": "C0GENERAL01", "name": "general"}
        payload["response_url"] = self.simulator.response_url()
        return self.interaction(payload, **kw)

    def view_submission(
        self, user_id: str, view: dict[str, Any], values: dict[str, dict[str, Any]], **kw: Any
    ) -> Response:
        payload = self._interaction_base("view_submission", user_id)
        payload["view"] = {**view, "state": {"values": values}}
        return self.interaction(payload, **kw)

    def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
        **kw: Any,
    ) -> Response:
        ws = self.workspace
        envelope = {
            "token": "deprecated-verification-token",
            "team_id": ws.team_id,
            "api_app_id": ws.app_id,
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(self._event_ids):08d}",
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "enterprise_id": ws.enterprise_id,
                    "team_id": ws.team_id,
                    "user_id": ws.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
        }
        headers = dict(kw.pop("headers", None) or {})
        if self.socket:
            retry = int(headers.get("X-Slack-Retry-Num", retry_num or 0))
            reason = retry_reason if retry else ""
            return self._envelope("events_api", envelope, retry_attempt=retry, retry_reason=reason)
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = retry_reason
        return self.post(json.dumps(envelope), "application/json", headers=headers, **kw)

    def direct_message(
        self,
        user_id: str,
        text: str,
        *,
        event_id: str,
        thread_ts: str | None = None,
        subtype: str | None = None,
        files: list[dict[str, Any]] | None = None,
        **kw: Any,
    ) -> Response:
        """A person writes in their DM with the app (a `message.im` event), in the DM or in a
        thread (`thread_ts`), with files (`subtype="file_share"`), as Slack sends it."""
        stamp = self.next_ts()
        event: dict[str, Any] = {
            "type": "message",
            "channel": "D" + user_id[1:],
            "channel_type": "im",
            "user": user_id,
            "text": typed(text),
            "ts": stamp,
            "event_ts": stamp,
            "team": self.workspace.team_id,
            "client_msg_id": f"{uuid.uuid4()}",
        }
        if thread_ts is not None:
            event["thread_ts"] = thread_ts
            event["parent_user_id"] = self.workspace.bot_user_id
        if subtype is not None:
            event["subtype"] = subtype
        if files is not None:
            event["files"] = files
        self.simulator.record_user_message(event)
        self.sent.append(event)
        return self.event(event, event_id=event_id, **kw)

    def edit_message(self, sent: dict[str, Any], text: str, *, event_id: str) -> Response:
        """The person edits a message they sent (`message_changed`, with the message as it
        is now, its original `ts`, and the message before)."""
        edited = self.next_ts()
        now = {**sent, "text": typed(text), "edited": {"user": sent["user"], "ts": edited}}
        now.pop("event_ts", None)
        event = {
            "type": "message",
            "subtype": "message_changed",
            "hidden": True,
            "channel": sent["channel"],
            "channel_type": "im",
            "message": now,
            "previous_message": {k: v for k, v in sent.items() if k != "event_ts"},
            "ts": edited,
            "event_ts": edited,
        }
        return self.event(event, event_id=event_id)

    def delete_message(self, sent: dict[str, Any], *, event_id: str) -> Response:
        """The person deletes a message they sent (`message_deleted`)."""
        stamp = self.next_ts()
        event = {
            "type": "message",
            "subtype": "message_deleted",
            "hidden": True,
            "channel": sent["channel"],
            "channel_type": "im",
            "deleted_ts": sent["ts"],
            "previous_message": {k: v for k, v in sent.items() if k != "event_ts"},
            "ts": stamp,
            "event_ts": stamp,
        }
        return self.event(event, event_id=event_id)

    def next_ts(self) -> str:
        return self.simulator.next_ts()

    def _interaction_base(self, kind: str, user_id: str) -> dict[str, Any]:
        ws = self.workspace
        user = self.simulator.users.get(user_id)
        return {
            "type": kind,
            "team": {"id": ws.team_id, "domain": "simulated"},
            "enterprise": {"id": ws.enterprise_id} if ws.enterprise_id else None,
            "user": {
                "id": user_id,
                "username": user.name if user else "someone",
                "team_id": ws.team_id,
            },
            "api_app_id": ws.app_id,
            "token": "deprecated-verification-token",
            "trigger_id": self.simulator.issue_trigger_id(user_id),
            "is_enterprise_install": False,
        }
