"""Every listener answers: when the database cannot be reached, and when a form holds what
Slack never sends there (`FormError`, raised by `views.state_value`).

A form with a list, a number or an object where text goes is refused on its own field, and
nothing is changed. When the database cannot be reached, every request still gets its ack and
a plain answer.

Bolt runs a listener after its ack in another thread (HTTP mode); when it then raises, Bolt
drops the ack it had (the request waits out Slack's 3 s and gets a 404), and its error
handler cannot put it back. So each listener is guarded where it runs: an unreachable database
becomes an ack, if none was sent yet, and a sentence where the person will see it (the command's
or click's `response_url`, the form's own error, or their DM). Bolt has no public hook around
a listener's run, so the guard replaces each registered listener's function (`_listeners`).

Events are different: Slack sends one again when it got no 2xx, three times over about five
minutes, so `events.take_each_request_once` answers 503 to an event while the database is down
and lets the last retry through, to be told here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App
from slack_bolt.listener.custom_listener import CustomListener
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import InterfaceError, OperationalError

logger = logging.getLogger(__name__)

DATABASE_DOWN = (OperationalError, InterfaceError)
FORGED = "This form sent something I can't use, so nothing was changed."


class FormError(ValueError):
    """A submitted form's field holds what Slack never sends there; `block` is the field."""

    def __init__(self, block: str) -> None:
        super().__init__(block)
        self.block = block


SAY = (
    "I couldn't reach my database just now, so nothing was saved or changed. "
    "Please try again in a minute."
)
SAY_ANSWER = (
    "I couldn't save that answer: my database was out of reach. "
    "Please send it again in a few minutes."
)
NEEDED = ("ack", "respond", "body", "client")


def guard_listeners(app: App) -> None:
    """Guard every listener registered so far."""
    # No public hook (see the module's doc); an app that keeps no listeners has none to guard.
    for listener in getattr(app, "_listeners", ()):
        if isinstance(listener, CustomListener):
            _guard(listener)


def _guard(listener: CustomListener) -> None:
    original: Callable[..., Any] = listener.ack_function
    wanted = list(listener.arg_names)

    def guarded(**given: Any) -> Any:
        try:
            return original(**{name: given[name] for name in wanted if name in given})
        except DATABASE_DOWN as error:
            logger.warning("database unreachable during a request: %s", type(error).__name__)
            _answer(given, SAY)
            return None
        except FormError as error:
            logger.info("a form sent what Slack never sends in %s", error.block[:64])
            _answer(given, FORGED, block=error.block)
            return None

    listener.ack_function = guarded
    listener.arg_names = wanted + [name for name in NEEDED if name not in wanted]


def _answer(given: dict[str, Any], say: str, *, block: str | None = None) -> None:
    """Ack if no ack was sent, and `say` where the person will see it: on the form's field
    (`block`, or its first input), the response_url, or their DM."""
    ack, body = given.get("ack"), given.get("body") or {}
    acked = ack is None or getattr(ack, "response", None) is not None
    kind = body.get("type")
    if kind == "view_submission" and not acked:
        block = block or _first_input(body.get("view") or {})
        if block is not None:
            ack(response_action="errors", errors={block: say[:150]})
            return
    if not acked:
        ack()
    respond = given.get("respond")  # a command's or a message button's response_url
    if respond is not None and kind not in ("event_callback", "view_submission"):
        respond(text=say, response_type="ephemeral", replace_original=False)
        return
    event = body.get("event") or {}
    if kind == "event_callback" and not _a_persons_dm_message(event):
        return  # nobody did anything to be told about (a profile change, a Home opened)
    clicker = body.get("user") if isinstance(body.get("user"), dict) else {}
    user = event.get("user") or clicker.get("id") or body.get("user_id")
    text = SAY_ANSWER if kind == "event_callback" else say
    if isinstance(user, str) and user:
        try:
            given["client"].chat_postMessage(channel=user, text=text)
        except SlackApiError as error:
            logger.warning("could not tell %s: %s", user, error.response.get("error"))


def _first_input(view: dict[str, Any]) -> str | None:
    for block in view.get("blocks") or []:
        if isinstance(block, dict) and block.get("type") == "input" and block.get("block_id"):
            return str(block["block_id"])
    return None


def _a_persons_dm_message(event: dict[str, Any]) -> bool:
    return (
        event.get("type") == "message"
        and event.get("channel_type") == "im"
        and not event.get("bot_id")
        and event.get("subtype") in (None, "file_share", "thread_broadcast")
    )
