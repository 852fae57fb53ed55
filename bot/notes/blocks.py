"""Notes' Block Kit (pure functions): after a meeting, the notes form and the topic form."""

from __future__ import annotations

from typing import Any

from bot.slack.ids import Action, Form
from bot.slack.views import Block, actions, button, input_block, modal, option, section


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
