"""Scheduling's Block Kit (pure functions): the schedule and suggest forms and reading them
back, invitations, the replies to schedule, list, skip, reschedule and cancel, and the
notices the other person gets."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from bot.scheduling.cadence import (
    WEEKDAYS,
    CadenceError,
    Described,
    Frequency,
    Schedule,
)
from bot.scheduling.grammar import schedule_from_fields
from bot.slack.ids import Action, Form
from bot.slack.mrkdwn import escape
from bot.slack.views import (
    COMMAND,
    LIST_LIMIT,
    Block,
    State,
    actions,
    button,
    cadence,
    date_token,
    input_block,
    modal,
    option,
    section,
    state_value,
)


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


def cancel_confirm_blocks(pairing_id: int, other_id: str) -> list[Block]:
    return [
        *section(
            f"End your regular 1:1 with <@{other_id}>? Upcoming meetings are cancelled; what "
            "you both wrote is kept, private to the two of you. They'll be told kindly."
        ),
        actions("cancel", button(Action.PAIRING_END, "End the 1:1", pairing_id, style="danger")),
    ]


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


def forgotten_blocks(other_id: str) -> list[Block]:
    return section(
        f"<@{other_id}> asked me to forget what they wrote, so the shared notes, topics and "
        "action items they added to your 1:1 are gone. What you wrote is still yours."
    )
