"""The Block Kit kit the features share, built by pure functions that return dicts (no Slack
calls, no database): blocks, buttons, modals and reading their state, date tokens, sections
that stay inside Slack's limits, and `/oneonone help`. Each feature's own blocks are in its
`blocks.py`."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from slack_sdk.models.messages import DateLink

from bot.slack.guard import FormError
from bot.slack.mrkdwn import escape, quote_inline

if TYPE_CHECKING:
    from bot.scheduling.cadence import Described

Block = dict[str, Any]

COMMAND = "/oneonone"
LIST_LIMIT = 20  # lines in one section, well inside its 3,000 characters

# Every subcommand with one example; the order is the order a new leader needs them.
HELP_LINES: tuple[tuple[str, str], ...] = (
    ("schedule @person weekly on Tuesday at 10:00", "start a recurring 1:1 (no arguments: a form)"),
    ("list", "your 1:1s and when each one is next"),
    ("agenda @person", "the agenda of your next 1:1 with them"),
    ("topic @person Career plans for next year", "add a topic to your next 1:1"),
    ("history @person", "your past 1:1s with them"),
    ("skip @person", "skip the next 1:1 only"),
    ("pause @person", "pause a 1:1 until you resume it"),
    ("resume @person", "start a paused 1:1 again"),
    ("reschedule @person every 2 weeks on Monday 9:00", "change when a 1:1 happens"),
    ("cancel @person", "end a 1:1 (its history is kept)"),
    ("questions", "edit the questions you are both asked"),
    ("settings", "when questions, reminders and agendas go out; your hours; your summary"),
    ("away until 2026-12-24", "no prompts or nudges until then"),
    ("summary", "your weekly summary, now"),
    ("calendar", "your 1:1s in your own calendar (`calendar reset` for a new link)"),
    ("export", "everything you can read here, as a file in this DM"),
    ("forget me", "delete everything you wrote here (after a confirm button)"),
    ("help", "this message"),
)


def help_blocks(*, not_understood: str | None = None) -> list[Block]:
    """The help text; `not_understood` quotes what the user typed."""
    intro = (
        "*oneonone* runs your recurring 1:1s. Before each one it asks you both a few questions "
        "in a direct message, then hands the leader an agenda. Only the two of you ever see "
        "the answers."
    )
    if not_understood is not None:
        intro = f"Sorry, I didn't understand {quote_inline(not_understood)}. Here is what I can do:"
    commands = "\n".join(f"• `{COMMAND} {example}`  {what}" for example, what in HELP_LINES)
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": intro}},
        {"type": "section", "text": {"type": "mrkdwn", "text": commands}},
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": "Days and times are in your Slack timezone unless you add "
                    "`in Europe/Warsaw` (any IANA zone).",
                }
            ],
        },
    ]


# "Tuesday, December 1st, 2026 at 10:00": always the weekday. (The `_pretty` forms say
# "Tomorrow", capitalized where the format starts with it, even mid-sentence.)
MEETING_TIME = "{date_long} at {time}"


def day_words(day: date) -> str:
    """A calendar date (a due date, an away day), as Slack's `{date_short}` draws one: "Dec 1,
    2026". A day has no time and no zone, so it is words, not a token."""
    return f"{day:%b} {day.day}, {day.year}"


def date_token(moment: datetime, fmt: str = MEETING_TIME) -> str:
    """Slack shows `<!date^…>` in each reader's own timezone, in their 12- or 24-hour clock.
    The fallback, for clients that cannot draw it, is in UTC."""
    fallback = moment.astimezone(UTC).strftime("%A %d %B %Y %H:%M UTC")
    return str(DateLink(date=moment, date_format=fmt, fallback=fallback))


def cadence(described: Described, lead: str = "") -> str:
    """A cadence in a reader's words ending our sentence: `lead` (our own mrkdwn), the words,
    a full stop, and the note about the weeks when the two zones' clocks disagree, if any."""
    note = f" {escape(described.note)}" if described.note else ""
    return f"{lead}{escape(described.words)}.{note}"


def problem_blocks(sentence: str, *, quoted: str | None = None) -> list[Block]:
    """A clear answer to input we could not use: what was wrong, and two examples."""
    text = sentence if quoted is None else f"I couldn't use {quote_inline(quoted)}: {sentence}"
    examples = "\n".join(
        f"• `{COMMAND} schedule @person {example}`"
        for example in ("weekly on Tuesday at 10:00", "every other Friday at 4pm")
    )
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": text}},
        {"type": "section", "text": {"type": "mrkdwn", "text": f"For example:\n{examples}"}},
    ]


def section(text: str) -> list[Block]:
    return [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]


SECTION_CHARACTERS = 2900


def list_sections(title: str, lines: list[str]) -> list[Block]:
    """A titled list in as few sections as its length needs (each within Slack's 3,000
    characters). The lines are our own mrkdwn, with any user text in them escaped."""
    blocks, text = [], f"*{title}*"
    for line in lines:
        if len(text) + len(line) + 1 > SECTION_CHARACTERS:
            blocks.append(text)
            text = ""
        text = f"{text}\n{line}" if text else line
    blocks.append(text)
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": t, "verbatim": True}} for t in blocks
    ]


def done_blocks(text: str) -> list[Block]:
    return section(text)


def button(action_id: str, label: str, value: int | str, style: str | None = None) -> Block:
    element: Block = {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": label},
        "value": str(value),
    }
    if style:
        element["style"] = style
    return element


def actions(block_id: str, *buttons: Block) -> Block:
    return {"type": "actions", "block_id": block_id, "elements": list(buttons)}


def modal(
    callback_id: str,
    title: str,
    submit: str,
    *,
    blocks: list[Block],
    private_metadata: str | None = None,
) -> dict[str, Any]:
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": callback_id,
        "title": {"type": "plain_text", "text": title},
        "submit": {"type": "plain_text", "text": submit},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": blocks,
    }
    if private_metadata is not None:
        view["private_metadata"] = private_metadata
    return view


def option(value: str, label: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": label}, "value": value}


def input_block(block_id: str, label: str, element: dict[str, Any], **extra: Any) -> Block:
    return {
        "type": "input",
        "block_id": block_id,
        "label": {"type": "plain_text", "text": label},
        "element": {"action_id": block_id, **element},
        **extra,
    }


State = dict[str, dict[str, dict[str, Any]]]


def state_value(state: State, block: str) -> Any:
    """What one input of a submitted modal holds (its block and action ids are the same):
    typed text, a chosen option's value, a person, a time or a date, or the values of ticked
    checkboxes (a list); None when it was left empty. What Slack never sends there (a list,
    a number or an object where text goes, a NUL) raises `guard.FormError` for the field."""
    element = state.get(block, {}).get(block, {}) if isinstance(state, dict) else {}
    if not isinstance(element, dict):
        raise FormError(block)
    if "selected_options" in element:
        options = element.get("selected_options") or []
        if not isinstance(options, list) or not all(isinstance(o, dict) for o in options):
            raise FormError(block)
        return [_checked(o.get("value"), block) for o in options]
    chosen = element.get("selected_option") or {}
    if not isinstance(chosen, dict):
        raise FormError(block)
    for value in (
        chosen.get("value"),
        element.get("selected_user"),
        element.get("selected_time"),
        element.get("selected_date"),
        element.get("value"),
    ):
        if value is not None and value != "":
            return _checked(value, block)
    return None


def _checked(value: object, block: str) -> str:
    if not isinstance(value, str) or "\x00" in value:
        raise FormError(block)
    return value


def text_blocks(prefix: str, text: str) -> list[Block]:
    """User text as verbatim, escaped mrkdwn, split across sections so nothing is cut."""
    room, pieces, piece = 2900 - len(prefix), [], ""
    for char in text:  # split before escaping, so no entity (&amp;) is cut in two
        escaped = escape(char)
        if len(piece) + len(escaped) > room:
            pieces.append(piece)
            piece = ""
        piece += escaped
    pieces.append(piece)
    blocks = []
    for n, piece in enumerate(pieces):
        lead = prefix if n == 0 else ""
        blocks.append(
            {"type": "section", "text": {"type": "mrkdwn", "text": lead + piece, "verbatim": True}}
        )
    return blocks


def notice_modal(text: str) -> dict[str, Any]:
    """A small window for an answer to a button on the App Home (which has no thread)."""
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": "oneonone"},
        "close": {"type": "plain_text", "text": "OK"},
        "blocks": section(text),
    }


def blocks_modal(title: str, blocks: list[Block]) -> dict[str, Any]:
    """Read-only blocks in a window: the agenda or the summary, opened from the App Home."""
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": title[:24]},
        "close": {"type": "plain_text", "text": "Close"},
        "blocks": blocks[:100],
    }
