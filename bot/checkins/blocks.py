"""Check-ins' Block Kit (pure functions): prompts, the answers form, nudges, agendas and the
replies to answers typed in the DM."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from bot.slack.ids import Action, Form
from bot.slack.mrkdwn import escape
from bot.slack.views import (
    COMMAND,
    Block,
    actions,
    button,
    date_token,
    day_words,
    input_block,
    modal,
    option,
    section,
    text_blocks,
)

SNOOZE_CHOICES = (("1h", "In an hour"), ("3h", "In 3 hours"), ("morning", "Tomorrow morning"))


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
