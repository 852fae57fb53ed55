"""Block Kit, built by pure functions that return dicts (no Slack calls, no database)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from slack_sdk.models.messages import DateLink

from bot.scheduling.cadence import (
    WEEKDAYS,
    CadenceError,
    Described,
    Frequency,
    Schedule,
)
from bot.scheduling.grammar import schedule_from_fields
from bot.slack.guard import FormError
from bot.slack.ids import Action, Form
from bot.slack.mrkdwn import escape, quote_inline

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


def cadence(described: Described, lead: str = "") -> str:
    """A cadence in a reader's words ending our sentence: `lead` (our own mrkdwn), the words,
    a full stop, and the note about the weeks when the two zones' clocks disagree, if any."""
    note = f" {escape(described.note)}" if described.note else ""
    return f"{lead}{escape(described.words)}.{note}"


def scheduled_blocks(member_id: str, described: Described, upcoming: list[datetime]) -> list[Block]:
    dates = "\n".join(f"• {date_token(moment)}" for moment in upcoming)
    return [
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": f"Your 1:1 with <@{member_id}> is set up: {cadence(described)}\n"
                f"The next three:\n{dates}",
            },
        },
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": f"I've sent <@{member_id}> a warm invitation. Nothing else reaches "
                    "them until they accept, and you'll hear when they do.",
                }
            ],
        },
    ]


def invitation_blocks(pairing_id: int, leader_id: str, described: Described, first: datetime):
    note = f" {escape(described.note)}" if described.note else ""
    return [
        {"type": "header", "text": {"type": "plain_text", "text": "An invitation to a 1:1"}},
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": f"<@{leader_id}> would like a regular 1:1 with you, "
                f"{escape(described.words)}, starting {date_token(first)}.{note}",
            },
        },
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": "*This time is yours.* It's where you can tell your lead what would help "
                "you, what you'd like to get better at, and anything that's in your way, "
                "early, before it grows. Only the two of you will ever see what you write "
                "here; topics for the whole team belong in a public channel.\n"
                "Before each 1:1 I'll ask you both a few short questions. The first time it's "
                "just one: what's on your mind?",
            },
        },
        actions(
            "invitation",
            button(Action.INVITATION_ACCEPT, "Accept", pairing_id, style="primary"),
            button(Action.INVITATION_SUGGEST, "Suggest another time", pairing_id),
        ),
    ]


def accepted_blocks(leader_id: str, first: datetime | None, pairing_id: int) -> list[Block]:
    when = f" The first one is {date_token(first)}." if first else ""
    return [
        *section(
            f"You accepted the 1:1 with <@{leader_id}>.{when} I'll send you a few questions "
            "the day before."
        ),
        calendar_button(pairing_id),
    ]


def leader_told_accepted_blocks(
    member_id: str, first: datetime | None, pairing_id: int
) -> list[Block]:
    when = f" Your first one is {date_token(first)}." if first else ""
    return [
        *section(f"Good news: <@{member_id}> accepted your 1:1.{when}"),
        calendar_button(pairing_id),
    ]


def calendar_button(pairing_id: int) -> Block:
    """Add to calendar: the 1:1 as an .ics file in the DM (no public address needed)."""
    return actions("calendar", button(Action.CALENDAR_FILE, "Add to calendar", pairing_id))


def list_blocks(rows: list[tuple[str, str, Described, datetime | None]]) -> list[Block]:
    """rows: (other person's id, your role, the cadence in your words, next meeting)."""
    if not rows:
        return [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": "You have no 1:1s yet. Start one with "
                    f"`{COMMAND} schedule @person weekly on Tuesday at 10:00`.",
                },
            }
        ]
    lines = []
    for other, role, described, upcoming in rows[:LIST_LIMIT]:
        when = f"next {date_token(upcoming)}" if upcoming else role
        note = f" {escape(described.note)}" if described.note else ""
        lines.append(f"• <@{other}> ({escape(described.words)}): {when}.{note}")
    more = f"\n…and {len(rows) - LIST_LIMIT} more" if len(rows) > LIST_LIMIT else ""
    return [
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": "*Your 1:1s*\n" + "\n".join(lines) + more},
        }
    ]


def unreachable_blocks(person_id: str) -> list[Block]:
    return section(
        f"I can't reach <@{person_id}> any more (their account may have been deactivated), so "
        "I've paused your 1:1 with them and won't send anything more for it."
    )


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


def _next(following: datetime | None) -> str:
    return f" The next one is {date_token(following)}." if following else ""


def ended_blocks(by: str) -> list[Block]:
    return section(
        f"<@{by}> has ended your regular 1:1. What you both wrote stays private to the two of "
        "you, as it always was. Thank you for the conversations."
    )


def skipped_blocks(by: str, skipped: datetime, following: datetime | None) -> list[Block]:
    return section(
        f"<@{by}> is skipping your 1:1 on {date_token(skipped)}; only that one.{_next(following)}"
    )


def rescheduled_blocks(
    by: str, described: Described, following: datetime | None, pairing_id: int
) -> list[Block]:
    return [
        *section(f"<@{by}> moved your 1:1: {cadence(described, 'it is now ')}{_next(following)}"),
        calendar_button(pairing_id),
    ]


def forgotten_blocks(other_id: str) -> list[Block]:
    return section(
        f"<@{other_id}> asked me to forget what they wrote, so the shared notes, topics and "
        "action items they added to your 1:1 are gone. What you wrote is still yours."
    )


def forget_confirm_blocks() -> list[Block]:
    return [
        *section(
            "Forget you? I'll delete everything you wrote here (your answers, your notes and "
            "topics, shared or private, and the action items you added), your settings and "
            "your calendar link. What the other person of each 1:1 wrote stays theirs; they'll "
            "be told if something you shared goes. This can't be undone: "
            f"`{COMMAND} export` first if you want a copy."
        ),
        actions("forget", button(Action.FORGET_ME, "Forget me", "me", style="danger")),
    ]


def cancel_confirm_blocks(pairing_id: int, other_id: str) -> list[Block]:
    return [
        *section(
            f"End your regular 1:1 with <@{other_id}>? Upcoming meetings are cancelled; what "
            "you both wrote is kept, private to the two of you. They'll be told kindly."
        ),
        actions("cancel", button(Action.PAIRING_END, "End the 1:1", pairing_id, style="danger")),
    ]


def done_blocks(text: str) -> list[Block]:
    return section(text)


def calendar_blocks(url: str, *, reset: bool) -> list[Block]:
    """The private link (shown once, to its owner only) and how to subscribe with it."""
    first = (
        "Your new calendar link (the old one no longer works):"
        if reset
        else ("Your private calendar link: every 1:1 you're in, kept up to date as they change.")
    )
    steps = "\n".join(
        (
            "• *Google Calendar*: Other calendars → + → From URL, and paste it.",
            "• *Outlook*: Add calendar → Subscribe from web, and paste it.",
            "• *Apple Calendar*: File → New Calendar Subscription, and paste it.",
        )
    )
    return [
        *section(first),
        *section(f"```{url}```"),
        *section(steps),
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": "Anyone with this link sees when your 1:1s are and with whom "
                    f"(never what is said in them). Keep it to yourself; `{COMMAND} calendar "
                    "reset` stops it.",
                }
            ],
        },
    ]


SNOOZE_CHOICES = (("1h", "In an hour"), ("3h", "In 3 hours"), ("morning", "Tomorrow morning"))
FORM_CADENCES = {  # the schedule form's choices: value → (label, frequency, interval, weeks)
    "weekly": ("Every week", Frequency.WEEKLY, 1, ()),
    "every 2 weeks": ("Every 2 weeks", Frequency.WEEKLY, 2, ()),
    "every 3 weeks": ("Every 3 weeks", Frequency.WEEKLY, 3, ()),
    "every 4 weeks": ("Every 4 weeks", Frequency.WEEKLY, 4, ()),
    "monthly on the first": ("Monthly, the first", Frequency.MONTHLY, 1, (1,)),
    "monthly on the second": ("Monthly, the second", Frequency.MONTHLY, 1, (2,)),
    "monthly on the third": ("Monthly, the third", Frequency.MONTHLY, 1, (3,)),
    "monthly on the fourth": ("Monthly, the fourth", Frequency.MONTHLY, 1, (4,)),
    "monthly on the last": ("Monthly, the last", Frequency.MONTHLY, 1, (-1,)),
}
FORM_MINUTES = (15, 30, 45, 60, 90)
FORM_MINUTE_CHOICES = frozenset(str(n) for n in FORM_MINUTES)


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


def schedule_form(member_id: str | None, zone: str) -> dict[str, Any]:
    """The modal behind `/oneonone schedule` with no words: person, cadence, day, time,
    duration and timezone (the scheduler's own by default)."""
    person: dict[str, Any] = {"type": "users_select"}
    if member_id:
        person["initial_user"] = member_id
    cadences = [option(value, choice[0]) for value, choice in FORM_CADENCES.items()]
    days = [option(day, day) for day in WEEKDAYS]
    minutes = [option(str(n), f"{n} minutes") for n in FORM_MINUTES]
    return modal(
        Form.SCHEDULE,
        "Schedule a 1:1",
        "Invite",
        blocks=[
            input_block("person", "With whom", person),
            input_block(
                "cadence",
                "How often",
                {"type": "static_select", "options": cadences, "initial_option": cadences[0]},
            ),
            input_block(
                "weekday",
                "On",
                {"type": "static_select", "options": days, "initial_option": days[1]},
            ),
            input_block("time", "At", {"type": "timepicker", "initial_time": "10:00"}),
            input_block(
                "minutes",
                "For",
                {"type": "static_select", "options": minutes, "initial_option": minutes[1]},
            ),
            input_block(
                "zone",
                "Timezone",
                {"type": "plain_text_input", "initial_value": zone, "max_length": 64},
                hint={"type": "plain_text", "text": "An IANA name, like Europe/Warsaw"},
            ),
            input_block("start", "Starting", {"type": "datepicker"}, optional=True),
        ],
    )


def form_schedule(values: State, *, today: date) -> Schedule:
    """The schedule form's fields as a `Schedule`, built from them, not from words. A value
    no option offers (a forged submission) is refused with the field it came in."""

    def picked(block: str) -> str:
        value = state_value(values, block)
        return value if isinstance(value, str) else ""

    for block, options, what in (
        ("cadence", FORM_CADENCES, "how often"),
        ("minutes", FORM_MINUTE_CHOICES, "how long"),
    ):
        if picked(block) not in options:
            raise CadenceError(picked(block)[:50], f"choose {what} from the list", field=block)
    _, frequency, interval, weeks = FORM_CADENCES[picked("cadence")]
    return schedule_from_fields(
        every=(frequency, interval, weeks),
        weekday=picked("weekday"),
        at=picked("time"),
        minutes=int(picked("minutes")),
        zone=picked("zone"),
        start=picked("start"),
        today=today,
    )


def form_person(values: State) -> str | None:
    person = state_value(values, "person")
    return person if isinstance(person, str) and person else None


def zone_changed_blocks(
    member_id: str, new_zone: str, described: Described, following: datetime | None
) -> list[Block]:
    when = f" The next one is {date_token(following)} in your new local time." if following else ""
    return section(
        f"Your Slack timezone is now {escape(new_zone)}. Your 1:1 with <@{member_id}> keeps "
        f"its time: {cadence(described)}{when} To move it with you, "
        f"`{COMMAND} reschedule @person … in {escape(new_zone)}`."
    )


def suggest_form(pairing_id: int, current: str) -> dict[str, Any]:
    return modal(
        Form.SUGGEST,
        "Suggest another time",
        "Suggest",
        private_metadata=str(pairing_id),
        blocks=[
            input_block(
                "when",
                "When would suit you?",
                {"type": "plain_text_input", "initial_value": current[:150], "max_length": 150},
                hint={
                    "type": "plain_text",
                    "text": "For example: every other Thursday at 15:30 (your timezone unless "
                    "you add one)",
                },
            )
        ],
    )


def proposal_blocks(
    pairing_id: int, member_id: str, described: Described, first: datetime | None
) -> list[Block]:
    starting = f" The first would be {date_token(first)}." if first else ""
    return [
        *section(
            f"<@{member_id}> would like your 1:1 at another time: {cadence(described)}{starting}"
        ),
        actions(
            "proposal",
            button(Action.PROPOSAL_ACCEPT, "Accept", pairing_id, style="primary"),
            button(Action.PROPOSAL_DECLINE, "Keep my time", pairing_id),
        ),
    ]


def proposal_answered_blocks(
    leader_id: str, agreed: bool, described: Described, following: datetime | None
) -> list[Block]:
    if agreed:
        agreed_words = cadence(described, "your 1:1 is ")
        return section(f"<@{leader_id}> agreed: {agreed_words}{_next(following)}")
    return section(
        f"<@{leader_id}> would rather keep the time first proposed: "
        f"{cadence(described)} The invitation is still open: accept it, or suggest another time."
    )


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


def prompt_blocks(
    meeting_id: int,
    other_id: str,
    starts_at: datetime,
    questions: list[tuple[str, str | None]],
    first: bool,
) -> list[Block]:
    """The one DM a person gets for a meeting: the questions (with their answers once given),
    Answer and Skip this one. `questions` is (question, their answer or None)."""
    intro = f"*Your 1:1 with <@{other_id}>* is {date_token(starts_at)}. " + (
        "This first one is simply for the two of you to talk."
        if first
        else "A few questions, so it starts where it matters:"
    )
    blocks: list[Block] = section(intro)
    for n, (question, answer) in enumerate(questions, start=1):
        blocks += section(f"*{n}. {escape(question)}*")
        if answer is not None:
            blocks += text_blocks("> ", answer)
    answered = all(answer is not None for _, answer in questions)
    blocks.append(
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": "✓ Answered. You can change your answers until the meeting starts."
                    if answered
                    else "Only the two of you will see your answers. Reply here or use Answer.",
                }
            ],
        }
    )
    blocks.append(
        {
            "type": "actions",
            "block_id": "prompt",
            "elements": [
                button(
                    Action.PROMPT_ANSWER,
                    "Change answers" if answered else "Answer",
                    meeting_id,
                    style=None if answered else "primary",
                ),
                button(Action.PROMPT_SKIP, "Skip this one", meeting_id),
                {
                    "type": "static_select",
                    "action_id": Action.PROMPT_SNOOZE,
                    "placeholder": {"type": "plain_text", "text": "Remind me later"},
                    "options": [
                        option(f"{meeting_id}:{key}", label) for key, label in SNOOZE_CHOICES
                    ],
                },
            ],
        }
    )
    return blocks


def answer_form(
    meeting_id: int, questions: list[tuple[str, str, bool, str | int | None]]
) -> dict[str, Any]:
    """The Answer modal, prefilled. `questions`: (key, question, is mood, current answer)."""
    moods = [option(str(n), f"{n}") for n in range(1, 6)]
    blocks = []
    for key, question, mood, current in questions:
        if mood:
            element: dict[str, Any] = {"type": "static_select", "options": moods}
            if current is not None:
                element["initial_option"] = moods[int(current) - 1]
        else:
            element = {"type": "plain_text_input", "multiline": True, "max_length": 3000}
            if current:
                element["initial_value"] = str(current)
        blocks.append(input_block(key, question[:2000], element, optional=True))
    return modal(
        Form.ANSWER,
        "Before your 1:1",
        "Save",
        private_metadata=str(meeting_id),
        blocks=blocks,
    )


def nudge_blocks(meeting_id: int, other_id: str, starts_at: datetime) -> list[Block]:
    return [
        *section(
            f"Your 1:1 with <@{other_id}> is {date_token(starts_at)}. A couple of minutes on "
            "the questions above will make it better."
        ),
        actions("nudge", button(Action.PROMPT_ANSWER, "Answer", meeting_id, style="primary")),
    ]


def agenda_blocks(
    other_id: str,
    starts_at: datetime,
    parts: list[tuple[str, list[tuple[str, str | None]]]],
    earlier: Sequence[tuple[str, str]] = (),
) -> list[Block]:
    """The agenda: for each part (whose answers), its questions and answers, verbatim; then
    notes from last time (title, text)."""
    blocks = section(f"*Agenda for your 1:1 with <@{other_id}>*, {date_token(starts_at)}")
    for title, rows in parts:
        blocks.append({"type": "divider"})
        blocks += section(f"*{escape(title)}*")
        if not rows:
            blocks += section("_Nothing prepared._")
        for question, given in rows:
            if given is None:
                blocks += section(f"{escape(question)}\n_not answered_")
            else:
                blocks += text_blocks(f"{escape(question)}\n> ", given)
    for title, text in earlier:
        blocks.append({"type": "divider"})
        blocks += text_blocks(f"*{escape(title)}*\n", text)
    return blocks


def items_blocks(items: list[tuple[int, str, str, str | None]]) -> list[Block]:
    """Open action items, each with a Done button: (id, owner id, text, due date or None)."""
    blocks = section("*Open action items*") if items else []
    for item_id, owner, text, due in items[:10]:
        by = f" (due {day_words(date.fromisoformat(due))})" if due else ""
        block = text_blocks(f"<@{owner}>{by}: ", text)[0]
        block["accessory"] = button(Action.ACTION_DONE, "Done", item_id)
        blocks.append(block)
    if len(items) > 10:
        blocks += section(f"…and {len(items) - 10} more")
    return blocks


def followup_blocks(meeting_id: int, other_id: str, leader: bool) -> list[Block]:
    private = " You can also keep private notes that only you will ever see." if leader else ""
    return [
        *section(
            f"How did your 1:1 with <@{other_id}> go? Write down what you agreed, so it is "
            f"there next time: shared notes and action items.{private}"
        ),
        actions(
            "followup",
            button(Action.FOLLOWUP_NOTES, "Add notes", meeting_id, style="primary"),
            button(Action.FOLLOWUP_MISSED, "We didn't meet", meeting_id),
        ),
    ]


def notes_form(meeting_id: int, me: str, other: str, leader: bool) -> dict[str, Any]:
    owners = [option(me, "Me"), option(other, "The other person")]
    blocks = [
        input_block(
            "shared",
            "Shared notes (both of you see these)",
            {"type": "plain_text_input", "multiline": True, "max_length": 3000},
            optional=True,
        ),
        input_block(
            "item",
            "An action item",
            {"type": "plain_text_input", "max_length": 300},
            optional=True,
        ),
        input_block(
            "owner",
            "Whose is it",
            {"type": "static_select", "options": owners, "initial_option": owners[0]},
            optional=True,
        ),
        input_block("due", "Due", {"type": "datepicker"}, optional=True),
    ]
    if leader:
        blocks.insert(
            1,
            input_block(
                "private",
                "Private notes (only you, ever)",
                {"type": "plain_text_input", "multiline": True, "max_length": 3000},
                optional=True,
            ),
        )
    return modal(
        Form.NOTES,
        "After your 1:1",
        "Save",
        private_metadata=str(meeting_id),
        blocks=blocks,
    )


def topic_form(text: str) -> dict[str, Any]:
    kinds = [
        option("shared", "Shared: you'll both see it"),
        option("private", "Private: just me"),
    ]
    return modal(
        Form.TOPIC,
        "Add to next 1:1",
        "Add",
        blocks=[
            input_block("person", "Your 1:1 with", {"type": "users_select"}),
            input_block(
                "text",
                "Topic",
                {
                    "type": "plain_text_input",
                    "multiline": True,
                    "max_length": 1000,
                    **({"initial_value": text[:1000]} if text else {}),
                },
            ),
            input_block(
                "shared",
                "Who sees it",
                {"type": "radio_buttons", "options": kinds, "initial_option": kinds[0]},
            ),
        ],
    )


ONLY_WORDS = (
    "I can only keep words as answers: the file stays here in our DM, and nobody else sees "
    "it. Could you tell me in a sentence?"
)
FILE_STAYS = "(I keep the words; the file stays here in our DM.)"
NOTHING_TO_ANSWER = (
    "Thanks! There's nothing to answer right now: I'll ask you a few questions the day before "
    f"your next 1:1. `{COMMAND} help` shows what I can do."
)


def turn_reply(answered: Any, following: Any) -> str:
    """What the bot says after a plain reply: the next question, or that it's all done."""
    if answered is None and following is not None:
        return f"A number from 1 to 5, please (or `skip`): {following.text}"
    if following is None:
        return (
            "Thank you, that's everything for this 1:1. You can change your answers with the "
            "Answer button until it starts."
        )
    return f"Got it. Next: *{escape(following.text)}* (or `skip`)"


def answer_button(meeting_id: int) -> Block:
    return actions(
        "prepare", button(Action.PROMPT_ANSWER, "Answer now", meeting_id, style="primary")
    )
