"""Question sets: gradual introduction, a leader's own sets, and their keys."""

from __future__ import annotations

import pytest

from bot.checkins.questions import (
    LEADER_QUESTIONS,
    MEMBER_QUESTIONS,
    MOOD,
    OPEN,
    Role,
    key_of,
    parse_set,
    questions_for,
    set_as_text,
)


def test_introduction_is_gradual_with_our_questions() -> None:
    assert questions_for(Role.MEMBER, 1) == (OPEN,)
    assert questions_for(Role.LEADER, 1) == (OPEN,)
    assert [q.key for q in questions_for(Role.MEMBER, 2)] == ["mood", "blockers", "agenda"]
    assert [q.key for q in questions_for(Role.LEADER, 2)] == ["raise"]
    assert questions_for(Role.MEMBER, 3) == MEMBER_QUESTIONS
    assert questions_for(Role.LEADER, 7) == LEADER_QUESTIONS


def test_a_leader_s_own_set_is_introduced_gradually_too() -> None:
    own = parse_set("One?\nTwo?\nThree?", mood=True)
    assert questions_for(Role.MEMBER, 1, own) == (OPEN,)
    assert [q.text for q in questions_for(Role.MEMBER, 2, own)] == [MOOD.text, "One?", "Two?"]
    assert questions_for(Role.MEMBER, 3, own) == own


def test_keys_follow_the_words_so_reordering_keeps_answers() -> None:
    first = parse_set("- What went well?\n2) What was hard?", mood=False)
    again = parse_set("What was hard?\nWhat  went WELL?", mood=False)
    assert [q.text for q in first] == ["What went well?", "What was hard?"]
    assert {q.key for q in first} == {q.key for q in again}
    assert key_of(MEMBER_QUESTIONS[1].text) == "support"  # ours keep their keys
    assert all(len(q.key) <= 32 for q in first)


def test_our_set_round_trips_through_the_form() -> None:
    assert parse_set(set_as_text(MEMBER_QUESTIONS), mood=True) == MEMBER_QUESTIONS
    assert parse_set(set_as_text(LEADER_QUESTIONS), mood=False) == LEADER_QUESTIONS


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "at least one question"),
        ("\n \n", "at least one question"),
        ("\n".join(f"Q{n}?" for n in range(9)), "At most 8"),
        ("y" * 151, "under 150"),
        ("Same\nsame", "Each question once"),
    ],
)
def test_sets_that_cannot_be_kept(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_set(text, mood=False)
