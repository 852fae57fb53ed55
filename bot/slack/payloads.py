"""Reading what Slack sends: our own ids back from buttons and forms, and a message's text as
the people in the conversation see it.

Anything in a payload may be stale, forged or someone else's: an id that is not one of ours
becomes a plain refusal, never a traceback.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from bot.scheduling.service import SchedulingError

MAX_ID = 2**31 - 1  # our ids are INTEGER columns
_DIGITS = re.compile(r"[1-9][0-9]{0,9}")


def read_id(value: object, *, what: str = "button") -> int:
    """One of our row ids, as a button's value or a form's `private_metadata` carries it."""
    if isinstance(value, str) and _DIGITS.fullmatch(value) and int(value) <= MAX_ID:
        return int(value)
    raise SchedulingError(f"That {what} no longer works.")


# -- a message's text -------------------------------------------------------------------------

_ENTITY = re.compile(r"<([^<>]*)>")
_RICH_KINDS = ("rich_text_section", "rich_text_preformatted", "rich_text_quote")


def team_of(context: Mapping[str, Any], body: Mapping[str, Any]) -> str:
    """The workspace a request is about, as Bolt's context reads it; for an event to an
    org-wide install (whose authorization names no workspace), the envelope's `team_id`."""
    team = context.get("team_id") or body.get("team_id")
    return team if isinstance(team, str) else ""


def unescape(text: str) -> str:
    """Slack's escaping undone (it escapes `&`, `<` and `>` in message and command text)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def plain(text: str, name_of: Callable[[str], str]) -> str:
    """Slack's mrkdwn `text` as a person reads it: mentions as @names, channels as #names,
    links as their label (or address), dates as their fallback, and no escaping."""

    def entity(match: re.Match[str]) -> str:
        target, _, label = match.group(1).partition("|")
        if target.startswith("@"):
            return "@" + (label or name_of(target[1:]))
        if target.startswith("#"):
            return "#" + (label or "channel")
        if target.startswith("!subteam^"):
            return label or "@group"
        if target.startswith("!date^"):
            return label
        if target.startswith("!"):
            return "@" + target[1:]  # !here, !channel, !everyone: words now, never a ping
        return label or target

    return unescape(_ENTITY.sub(entity, text))


def message_text(
    message: Mapping[str, Any], name_of: Callable[[str], str], *, files: bool = True
) -> str:
    """The words of a message of any shape: its `text`, or, when that is empty, the text of
    its rich text blocks, its attachments, and (with `files`) the names of its files."""
    text = message.get("text")
    if isinstance(text, str) and text.strip():
        return plain(text, name_of).strip()
    pieces = [_rich_text(block, name_of) for block in _dicts(message.get("blocks"))]
    for attachment in _dicts(message.get("attachments")):
        shown = [attachment.get(k) for k in ("pretext", "title", "text")]
        words = "\n".join(str(w) for w in shown if w) or attachment.get("fallback") or ""
        pieces.append(plain(str(words), name_of))
    if files:
        pieces += [str(f.get("title") or f.get("name") or "") for f in _dicts(message.get("files"))]
    return "\n".join(piece for piece in pieces if piece.strip()).strip()


def _rich_text(block: Mapping[str, Any], name_of: Callable[[str], str]) -> str:
    if block.get("type") != "rich_text":
        return ""
    return "\n".join(_rich_element(e, name_of) for e in _dicts(block.get("elements")))


def _rich_element(element: Mapping[str, Any], name_of: Callable[[str], str]) -> str:
    kind = element.get("type")
    if kind == "rich_text_list":
        items = _dicts(element.get("elements"))
        return "\n".join("• " + _rich_element(item, name_of) for item in items)
    if kind in _RICH_KINDS:
        return "".join(_rich_element(e, name_of) for e in _dicts(element.get("elements")))
    if kind == "text":
        return str(element.get("text") or "")
    if kind == "link":
        return str(element.get("text") or element.get("url") or "")
    if kind == "user":
        return "@" + name_of(str(element.get("user_id") or ""))
    if kind == "emoji":
        return f":{element.get('name', '')}:"
    if kind == "broadcast":
        return "@" + str(element.get("range") or "here")
    return ""


def _dicts(value: object) -> list[Mapping[str, Any]]:
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word with an ellipsis when it is longer."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip() + "…"
