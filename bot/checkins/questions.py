"""The questions of a check-in, built around what a 1:1 is for.

The leader **receives feedback**, **mentors**, and **learns the person's problems early**; the
person's questions serve exactly those three, plus a mood and their own agenda. The leader's
questions ask what feedback or recognition to give and what to raise.

Introduction is gradual: the first meeting of a pair asks one open question ("This time is
for us to talk"), the second adds a little, the full set arrives from the third.

A leader may write their own sets (`/oneonone questions`). A question's key, which its
answers are stored under, comes from its words, so reordering a set keeps every answer with
its question and rewording one starts it afresh.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Role(StrEnum):
    LEADER = "leader"
    MEMBER = "member"


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    mood: bool = False  # answered with 1 to 5, or not at all (never imputed)


OPEN = Question("open", "What's on your mind?")
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
SECOND_MEETING_OWN = 2  # with a leader's own set: the mood and its first two questions

MOOD_RANGE = range(1, 6)
ANSWER_LIMIT = 3000  # a modal's text input holds at most this many characters
QUESTION_LIMIT = 150  # characters in one question of a leader's own set
SET_LIMIT = 8  # questions in one set, besides the mood: a prompt stays within 50 blocks
_DEFAULT_KEYS = {q.text.casefold(): q.key for q in (*MEMBER_QUESTIONS, *LEADER_QUESTIONS)}
_BULLET = re.compile(r"^\s*(?:[-*•·]|\d{1,2}[.)])\s*")


def questions_for(
    role: Role, meeting_number: int, own: tuple[Question, ...] | None = None
) -> tuple[Question, ...]:
    """The questions one person is asked before their pair's `meeting_number`th meeting;
    `own` is the leader's own set for this role, if they wrote one."""
    if meeting_number <= 1:
        return (OPEN,)
    if own is None:
        full = MEMBER_QUESTIONS if role is Role.MEMBER else LEADER_QUESTIONS
        if meeting_number == 2:
            return tuple(q for q in full if q.key in SECOND_MEETING)
        return full
    if meeting_number == 2:
        moods = [q for q in own if q.mood]
        return (*moods, *[q for q in own if not q.mood][:SECOND_MEETING_OWN])
    return own


def key_of(text: str) -> str:
    """Our questions keep their keys; a leader's own are keyed by their words."""
    folded = " ".join(text.split()).casefold()
    return (
        _DEFAULT_KEYS.get(folded)
        or "q" + hashlib.blake2b(folded.encode(), digest_size=6).hexdigest()
    )


def parse_set(text: str, *, mood: bool) -> tuple[Question, ...]:
    """A leader's set from the form: one question per line, in order (bullets and numbers
    at the start of a line are dropped). Raises ValueError with a sentence for the form."""
    lines = [_BULLET.sub("", line).strip() for line in text.splitlines()]
    lines = [" ".join(line.split()) for line in lines if line.strip()]
    if not lines:
        raise ValueError("Write at least one question, one per line.")
    if len(lines) > SET_LIMIT:
        raise ValueError(f"At most {SET_LIMIT} questions, one per line (this has {len(lines)}).")
    too_long = next((line for line in lines if len(line) > QUESTION_LIMIT), None)
    if too_long is not None:
        raise ValueError(f"Keep each question under {QUESTION_LIMIT} characters.")
    questions = [Question(key_of(line), line) for line in lines]
    if len({q.key for q in questions}) != len(questions):
        raise ValueError("Each question once, please: two lines say the same.")
    return (MOOD, *questions) if mood else tuple(questions)


def set_as_text(questions: tuple[Question, ...]) -> str:
    """The form's text for a set: its questions (not the mood), one per line."""
    return "\n".join(q.text for q in questions if not q.mood)


def questions_to_json(questions: tuple[Question, ...] | None) -> list[dict[str, Any]] | None:
    if questions is None:
        return None
    return [{"key": q.key, "text": q.text, "mood": q.mood} for q in questions]


def questions_from_json(rows: list[dict[str, Any]] | None) -> tuple[Question, ...] | None:
    if not rows:
        return None
    return tuple(Question(str(r["key"]), str(r["text"]), bool(r.get("mood"))) for r in rows)
