"""The questions of a check-in, built around what a 1:1 is for.

The leader **receives feedback**, **mentors**, and **learns the person's problems early**; the
person's questions serve exactly those three, plus a mood and their own agenda. The leader's
questions ask what feedback or recognition to give and what to raise.

Introduction is gradual: the first meeting of a pair asks one open question ("This time is
for us to talk"), the second adds a little, the full set arrives from the third.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    LEADER = "leader"
    MEMBER = "member"


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    mood: bool = False  # answered with 1 to 5, or not at all (never imputed)


OPEN = Question("open", "This time is for us to talk. What's on your mind?")
MOOD = Question("mood", "How have you been feeling about work lately? (1 = awful, 5 = great)", True)

MEMBER_QUESTIONS = (
    MOOD,
    Question("support", "What could I do differently to support you better?"),
    Question("growth", "What would you like to get better at, and how can I help?"),
    Question("blockers", "Is anything in your way or worrying you?"),
    Question("agenda", "Anything you want to be sure we talk about?"),
)
LEADER_QUESTIONS = (
    Question("recognition", "What feedback or recognition do you want to give?"),
    Question("raise", "What do you want to raise?"),
)
# The second meeting: the mood and the question about what is in the way.
SECOND_MEETING = ("mood", "blockers", "agenda", "raise")


def questions_for(role: Role, meeting_number: int) -> tuple[Question, ...]:
    """The questions one person is asked before their pair's `meeting_number`th meeting."""
    if meeting_number <= 1:
        return (OPEN,)
    full = MEMBER_QUESTIONS if role is Role.MEMBER else LEADER_QUESTIONS
    if meeting_number == 2:
        return tuple(q for q in full if q.key in SECOND_MEETING)
    return full


MOOD_RANGE = range(1, 6)
ANSWER_LIMIT = 3000  # a modal's text input holds at most this many characters
