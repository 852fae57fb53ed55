"""The settings and questions modals, and reading them back (pure functions, no I/O)."""

from __future__ import annotations

from dataclasses import replace
from datetime import time, timedelta
from typing import Any

from bot.checkins import questions as q
from bot.people.service import (
    AGENDA_LEADS,
    NUDGE_LEADS,
    PROMPT_LEADS,
    Preferences,
    SettingsError,
    SummaryTime,
    Timeline,
    WorkingHours,
)
from bot.scheduling.cadence import WEEKDAYS
from bot.slack.ids import Form
from bot.slack.views import Block, State, input_block, modal, option, section
from bot.slack.views import state_value as value

SET_CHARACTERS = q.SET_LIMIT * (q.QUESTION_LIMIT + 1)
MOOD_OPTION = option("mood", "Also ask for a mood from 1 to 5")
NUDGE_WORDS = {0: "No nudges", 1: "One nudge", 2: "Two nudges"}


def _hours(hours: float) -> str:
    return f"{hours:g} hour{'s' if hours != 1 else ''} before"


def _select(block: str, label: str, options: list[dict[str, Any]], chosen: str) -> Block:
    initial = next((o for o in options if o["value"] == chosen), options[0])
    return input_block(
        block, label, {"type": "static_select", "options": options, "initial_option": initial}
    )


def _clock(moment: time) -> str:
    return moment.strftime("%H:%M")


def questions_blocks(
    member: tuple[q.Question, ...] | None, leader: tuple[q.Question, ...] | None
) -> list[Block]:
    """The two question sets as text, one question per line; empty means ours."""
    member_set = member or q.MEMBER_QUESTIONS
    mood: dict[str, Any] = {"type": "checkboxes", "options": [MOOD_OPTION]}
    if any(question.mood for question in member_set):
        mood["initial_options"] = [MOOD_OPTION]
    text = {"type": "plain_text_input", "multiline": True, "max_length": SET_CHARACTERS}
    return [
        *section(
            "*Questions*: one per line, in the order they are asked, up to "
            f"{q.SET_LIMIT} in each set. The first meeting of a new 1:1 always asks just one "
            "open question; the second asks the mood and your first two. Empty a box to go "
            "back to ours."
        ),
        input_block(
            "member_questions",
            "Asked of the people you lead",
            {**text, "initial_value": q.set_as_text(member_set)},
            optional=True,
        ),
        input_block("member_mood", "Mood", mood, optional=True),
        input_block(
            "leader_questions",
            "Asked of you before each of your 1:1s",
            {**text, "initial_value": q.set_as_text(leader or q.LEADER_QUESTIONS)},
            optional=True,
        ),
    ]


def questions_form(preferences: Preferences) -> dict[str, Any]:
    blocks = questions_blocks(preferences.member_questions, preferences.leader_questions)
    return modal(Form.QUESTIONS, "Your questions", "Save", blocks=blocks)


def read_questions(state: State) -> tuple[tuple[q.Question, ...] | None, ...]:
    """(the member set, the leader set) from a submitted form; None where it is ours. A
    refusal names the box it is about."""
    mood = "mood" in (value(state, "member_mood") or [])
    sets = []
    for block, default, with_mood in (
        ("member_questions", q.MEMBER_QUESTIONS, mood),
        ("leader_questions", q.LEADER_QUESTIONS, False),
    ):
        text = value(state, block) or ""
        if not text.strip():
            sets.append(None)
            continue
        try:
            parsed = q.parse_set(text, mood=with_mood)
        except ValueError as error:
            raise SettingsError(block, str(error)) from None
        sets.append(None if parsed == default else parsed)
    return tuple(sets)


def settings_form(preferences: Preferences) -> dict[str, Any]:
    """Everything a person can set: as a leader, the timeline of their 1:1s and their weekly
    summary; as anyone, their working hours; and the question sets."""
    timeline, hours, summary = preferences.timeline, preferences.hours, preferences.summary
    minutes = int(timeline.agenda_lead.total_seconds() // 60)
    days = [option(str(n), name) for n, name in enumerate(WEEKDAYS)]
    summary_days = [option("off", "Off: no weekly summary"), *days]
    workdays: dict[str, Any] = {"type": "checkboxes", "options": days}
    if hours.days:
        workdays["initial_options"] = [days[n] for n in sorted(hours.days)]
    return modal(
        Form.SETTINGS,
        "Settings",
        "Save",
        blocks=[
            *section("*Your 1:1s, as the leader*: when things go out before each meeting."),
            _select(
                "prompt_lead",
                "Questions go out",
                [option(str(h * 60), _hours(h)) for h in PROMPT_LEADS],
                str(int(timeline.prompt_lead.total_seconds() // 60)),
            ),
            _select(
                "nudges",
                "Reminders to whoever has not answered",
                [option(str(n), words) for n, words in NUDGE_WORDS.items()],
                str(timeline.nudges),
            ),
            _select(
                "nudge_lead",
                "The (last) reminder",
                [option(str(h * 60), _hours(h)) for h in NUDGE_LEADS],
                str(int(timeline.nudge_lead.total_seconds() // 60)),
            ),
            _select(
                "agenda_lead",
                "The agenda goes out",
                [option(str(m), _hours(m / 60)) for m in AGENDA_LEADS],
                str(minutes),
            ),
            *section(
                "*Your working hours*, in your Slack timezone "
                f"({preferences.zone}): reminders reach you only then."
            ),
            input_block(
                "work_start", "From", {"type": "timepicker", "initial_time": _clock(hours.start)}
            ),
            input_block(
                "work_end", "Until", {"type": "timepicker", "initial_time": _clock(hours.end)}
            ),
            input_block("workdays", "On", workdays),
            *section("*Your weekly summary*, as the leader."),
            _select(
                "summary_day",
                "Day",
                summary_days,
                str(summary.weekday) if summary.on else "off",
            ),
            input_block(
                "summary_time", "At", {"type": "timepicker", "initial_time": _clock(summary.at)}
            ),
            *questions_blocks(preferences.member_questions, preferences.leader_questions),
        ],
    )


def _time(state: State, block: str) -> time:
    try:
        return time.fromisoformat(str(value(state, block)))
    except ValueError:
        raise SettingsError(block, "Choose a time.") from None


def _int(state: State, block: str, allowed: tuple[int, ...]) -> int:
    try:
        number = int(value(state, block))
    except (TypeError, ValueError):
        number = -1
    if number not in allowed:
        raise SettingsError(block, "Choose one of the options.")
    return number


def read_settings(state: State, current: Preferences) -> Preferences:
    """The preferences a submitted settings form asks for, checked; raises SettingsError."""
    day = value(state, "summary_day")
    workdays = {int(d) for d in value(state, "workdays") or [] if str(d).isdigit()}
    member, leader = read_questions(state)
    return replace(
        current,
        timeline=Timeline(
            prompt_lead=timedelta(
                minutes=_int(state, "prompt_lead", tuple(h * 60 for h in PROMPT_LEADS))
            ),
            nudges=_int(state, "nudges", tuple(NUDGE_WORDS)),
            nudge_lead=timedelta(
                minutes=_int(state, "nudge_lead", tuple(h * 60 for h in NUDGE_LEADS))
            ),
            agenda_lead=timedelta(minutes=_int(state, "agenda_lead", AGENDA_LEADS)),
        ),
        hours=WorkingHours(
            start=_time(state, "work_start"),
            end=_time(state, "work_end"),
            days=frozenset(d for d in workdays if 0 <= d <= 6),
        ),
        summary=SummaryTime(
            on=day != "off",
            weekday=_int(state, "summary_day", tuple(range(7))) if day != "off" else 0,
            at=_time(state, "summary_time"),
        ),
        member_questions=member,
        leader_questions=leader,
    )
