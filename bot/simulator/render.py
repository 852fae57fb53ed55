"""Block Kit as a person would read it in Slack, as plain terminal text.

Headers, sections, fields, context, dividers, buttons as `[ Answer ]`, menus as
`[ Remind me later ▾ ]`, form inputs; `<!date^…>` tokens in the reader's own timezone;
mentions as names; Slack's escaping undone. Used by `oneonone demo` and the README.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

WIDTH = 78
_DATE = re.compile(r"<!date\^(\d+)\^([^|>]*)(?:\|[^>]*)?>")
_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_LINK = re.compile(r"<([^|>]+)\|([^>]+)>")
_BARE_LINK = re.compile(r"<((?:https?|slack|mailto):[^>]+)>")
_SPECIAL = re.compile(r"<!(channel|here|everyone)>")
_BOLD = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")


def _ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def _date(seconds: int, fmt: str, tz: ZoneInfo) -> str:
    """Slack's date tokens, as Slack shows them to a reader in `tz`."""
    moment = datetime.fromtimestamp(seconds, tz)
    words = {
        "date_num": moment.strftime("%Y-%m-%d"),
        "date": f"{moment:%B} {_ordinal(moment.day)}, {moment.year}",
        "date_short": moment.strftime("%b %-d, %Y"),
        "date_long": f"{moment:%A, %B} {_ordinal(moment.day)}, {moment.year}",
        "date_pretty": f"{moment:%B} {_ordinal(moment.day)}, {moment.year}",
        "date_short_pretty": moment.strftime("%a %b %-d"),
        "date_long_pretty": f"{moment:%A, %B} {_ordinal(moment.day)}",
        "time": moment.strftime("%H:%M"),
        "time_secs": moment.strftime("%H:%M:%S"),
    }
    return re.sub(r"\{(\w+)\}", lambda m: words.get(m.group(1), m.group(0)), fmt)


class Reader:
    """Renders for one person: their timezone, and everyone's names."""

    def __init__(self, tz: str, names: Mapping[str, str]) -> None:
        self.tz = ZoneInfo(tz)
        self.names = names

    def mrkdwn(self, text: str) -> str:
        text = _DATE.sub(lambda m: _date(int(m.group(1)), m.group(2), self.tz), text)
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
