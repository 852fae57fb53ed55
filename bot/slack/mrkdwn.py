"""Escaping user text before it goes back into Slack.

Slack's mrkdwn gives `<`, `>` and `&` their meaning (`<!channel>`, `<@U123>`, links); escaping
those three makes any user text inert, so nobody can ping a channel through an answer.
"""

from __future__ import annotations


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def verbatim(text: str) -> dict[str, object]:
    """A mrkdwn text object for user text: escaped, and with Slack's auto-linking off."""
    return {"type": "mrkdwn", "text": escape(text), "verbatim": True}


def quote_inline(text: str, limit: int = 80) -> str:
    """User text quoted inside our own sentence: escaped, shortened, no code-span breakout."""
    flat = " ".join(text.split()).replace("`", "'")
    if len(flat) > limit:
        flat = flat[: limit - 1] + "…"
    return f"`{escape(flat)}`"
