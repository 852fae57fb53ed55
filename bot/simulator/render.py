"""Block Kit as a person would read it in Slack, as plain terminal text.

Headers, sections, fields, context, dividers, buttons as `[ Answer ]`, menus as
`[ Remind me later ▾ ]`, form inputs; `<!date^…>` tokens in the reader's own timezone, with
the words Slack uses for each format;
mentions as names; Slack's escaping undone. Used by `oneonone demo` and the README.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

WIDTH = 78
_DATE = re.compile(r"<!date\^(\d+)\^([^^|>]*)(?:\^[^|>]*)?(?:\|[^>]*)?>")
_TOKEN = re.compile(r"\{(\w+)\}")
_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_LINK = re.compile(r"<([^|>]+)\|([^>]+)>")
_BARE_LINK = re.compile(r"<((?:https?|slack|mailto):[^>]+)>")
_SPECIAL = re.compile(r"<!(channel|here|everyone)>")
_BOLD = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")
_RELATIVE = {-1: "yesterday", 0: "today", 1: "tomorrow"}


def _ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def _date(seconds: int, fmt: str, tz: ZoneInfo, now: datetime, hour12: bool) -> str:
    """Slack's `<!date>` tokens as Slack draws them for a reader in `tz` at `now`, from the
    token list Slack publishes (docs.slack.dev, "Formatting message text"; the same list is
    in slackapi/node-slack-sdk, `RichTextDate.format`). The `_pretty` forms say yesterday,
    today or tomorrow where they can, capitalized when the format starts with them."""
    moment = datetime.fromtimestamp(seconds, tz)
    days_away = (moment.date() - now.astimezone(tz).date()).days
    long_full = f"{moment:%B} {moment.day}, {moment.year}"
    date_long = f"{moment:%A, %B} {_ordinal(moment.day)}, {moment.year}"
    clock = f"{moment:%I:%M}".lstrip("0") + f" {moment:%p}" if hour12 else f"{moment:%H:%M}"
    words = {
        "date_num": f"{moment:%Y-%m-%d}",
        "date_slash": f"{moment:%d/%m/%Y}",
        "date_long": date_long,
        "date_long_full": long_full,
        "date": f"{moment:%B} {moment.day}",
        "date_short": f"{moment:%b} {moment.day}, {moment.year}",
        "time": clock,
        "time_secs": clock.replace(f"{moment:%M}", f"{moment:%M:%S}", 1),
        "ago": _ago(moment - now.astimezone(tz)),
    }
    same_year = f"{moment:%A, %B} {_ordinal(moment.day)}"
    for pretty, plain in (
        ("date_pretty", words["date"]),
        ("date_short_pretty", words["date_short"]),
        ("date_long_pretty", date_long),
        ("day_divider_pretty", same_year if moment.year == now.year else date_long),
    ):
        words[pretty] = _RELATIVE.get(days_away, plain)

    def token(match: re.Match[str]) -> str:
        shown = words.get(match.group(1), match.group(0))
        pretty = match.group(1).endswith("_pretty") and match.start() == 0
        return shown[:1].upper() + shown[1:] if pretty else shown

    return _TOKEN.sub(token, fmt)


def _ago(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    span = abs(seconds)
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if span >= size:
            count = span // size
            amount = f"{count} {unit}{'s' if count != 1 else ''}"
            return f"in {amount}" if seconds > 0 else f"{amount} ago"
    return "just now"


class Reader:
    """Renders for one person: their timezone, and everyone's names."""

    def __init__(
        self,
        tz: str,
        names: Mapping[str, str],
        *,
        now: datetime | None = None,
        hour12: bool = False,
    ) -> None:
        """`now` (default: the clock's now) decides what is today; `hour12` is the reader's
        Slack preference for a 12-hour clock."""
        self.tz = ZoneInfo(tz)
        self.names = names
        self.now = now
        self.hour12 = hour12

    def mrkdwn(self, text: str) -> str:
        now = self.now or datetime.now(UTC)
        text = _DATE.sub(
            lambda m: _date(int(m.group(1)), m.group(2), self.tz, now, self.hour12), text
        )
        text = _MENTION.sub(lambda m: "@" + self.names.get(m.group(1), m.group(1)), text)
        text = _SPECIAL.sub(lambda m: "@" + m.group(1), text)
        text = _LINK.sub(lambda m: m.group(2), text)
        text = _BARE_LINK.sub(lambda m: m.group(1), text)
        text = _BOLD.sub(lambda m: m.group(1), text)
        text = _ITALIC.sub(lambda m: m.group(1), text)
        return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")

    def text(self, obj: Any) -> str:
        if not isinstance(obj, dict):
            return ""
        raw = str(obj.get("text", ""))
        return self.mrkdwn(raw) if obj.get("type") == "mrkdwn" else raw

    def element(self, element: Mapping[str, Any]) -> str:
        kind = element.get("type")
        if kind == "button":
            return f"[ {self.text(element.get('text'))} ]"
        if kind in ("static_select", "users_select", "overflow"):
            chosen = (element.get("initial_option") or {}).get("text")
            label = self.text(chosen) if chosen else self.text(element.get("placeholder"))
            return f"[ {label or 'Choose'} ▾ ]"
        if kind == "datepicker":
            return f"[ 📅 {element.get('initial_date') or self.text(element.get('placeholder'))} ]"
        if kind == "timepicker":
            return f"[ 🕘 {element.get('initial_time', '')} ]"
        if kind in ("checkboxes", "radio_buttons"):
            chosen = {o.get("value") for o in element.get("initial_options", [])}
            if element.get("initial_option"):
                chosen.add(element["initial_option"].get("value"))
            mark = "☑" if kind == "checkboxes" else "◉"
            empty = "☐" if kind == "checkboxes" else "○"
            return "  ".join(
                f"{mark if o.get('value') in chosen else empty} {self.text(o.get('text'))}"
                for o in element.get("options", [])
            )
        if kind == "plain_text_input":
            value = str(element.get("initial_value") or "")
            if not value:
                return "[ ______________ ]"
            return "\n".join(f"│ {line}" for line in value.splitlines())
        return f"[ {kind} ]"

    def blocks(self, blocks: list[Mapping[str, Any]]) -> str:
        lines: list[str] = []
        for block in blocks:
            kind = block.get("type")
            if kind == "header":
                title = self.text(block.get("text"))
                lines += [title.upper(), "═" * min(len(title), WIDTH)]
            elif kind == "section":
                body = self.text(block.get("text"))
                for field in block.get("fields", []):
                    body += "\n" + self.text(field)
                if block.get("accessory"):
                    body += "   " + self.element(block["accessory"])
                lines += wrap(body)
            elif kind == "context":
                parts = [
                    self.text(e) for e in block.get("elements", []) if e.get("type") != "image"
                ]
                lines += wrap("  ".join(parts), indent="   ")
            elif kind == "divider":
                lines.append("─" * 40)
            elif kind == "actions":
                lines.append("  ".join(self.element(e) for e in block.get("elements", [])))
            elif kind == "input":
                label = self.text(block.get("label"))
                optional = " (optional)" if block.get("optional") else ""
                lines.append(f"{label}{optional}:")
                lines += [
                    "  " + line for line in self.element(block.get("element", {})).split("\n")
                ]
        return "\n".join(lines)

    def view(self, view: Mapping[str, Any]) -> str:
        """A modal or a Home tab: its title, blocks and buttons."""
        title = self.text(view.get("title")) if view.get("title") else "Home"
        buttons = [f"[ {self.text(view[key])} ]" for key in ("close", "submit") if view.get(key)]
        body = self.blocks(view.get("blocks", []))
        return f"┌ {title} ┐\n{body}" + (f"\n{'  '.join(buttons)}" if buttons else "")


def wrap(text: str, indent: str = "") -> list[str]:
    """Wrap long lines for a terminal, keeping quotes and bullets readable."""
    out: list[str] = []
    for line in text.split("\n"):
        quoted = line.startswith("> ")
        if quoted:
            line = line[2:]
        prefix = indent + ("│ " if quoted else "")
        wrapped = textwrap.wrap(line, WIDTH - len(prefix), break_long_words=True) or [""]
        out += [prefix + piece for piece in wrapped]
    return out
