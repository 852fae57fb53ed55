"""Each person's data, in Block Kit (pure functions): forgetting, confirmed and told."""

from __future__ import annotations

from bot.slack.ids import Action
from bot.slack.views import COMMAND, Block, actions, button, section


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
