"""`/oneonone help` and everything it does not understand, end to end over HTTP."""

from __future__ import annotations

import pytest

from bot.simulator import SlackClient, SlackSimulator
from bot.simulator.blockkit import block_errors
from bot.slack.views import HELP_LINES

ADA = "UADA0000001"
FORMS = {"questions", "settings"}  # these open a form instead of answering


def answer_of(slack: SlackClient, text: str) -> dict:
    body = slack.command(ADA, text)
    assert body["response_type"] == "ephemeral"
    assert block_errors(body["blocks"]) == []
    return body


def all_text(body: dict) -> str:
    def words(element: dict) -> str:
        text = element.get("text", "")
        return text.get("text", "") if isinstance(text, dict) else text

    return "\n".join(
        words(block) + "".join(words(e) for e in block.get("elements", []))
        for block in body["blocks"]
    )


@pytest.mark.parametrize("text", ["help", "HELP", "  help  ", ""])
def test_help_lists_every_command_with_an_example(slack: SlackClient, text: str) -> None:
    shown = all_text(answer_of(slack, text))
    for example, _ in HELP_LINES:
        assert f"/oneonone {example}" in shown
    assert "didn't understand" not in shown


def test_an_unknown_subcommand_quotes_it_and_shows_help(
    slack: SlackClient, simulator: SlackSimulator
) -> None:
    shown = all_text(answer_of(slack, "frobnicate the team"))
    assert "didn't understand `frobnicate the team`" in shown
    assert "/oneonone schedule @person weekly on Tuesday at 10:00" in shown
    assert [c.method for c in simulator.calls if c.method != "auth.test"] == []


@pytest.mark.parametrize("text", ["payload", "my payload=1"])
def test_a_command_that_says_payload_is_a_command(slack: SlackClient, text: str) -> None:
    """Bolt reads a form body with "payload" anywhere in it as an interaction (found by
    hypothesis: `/oneonone payload` was refused with a 400)."""
    assert "didn't understand" in all_text(answer_of(slack, text))


@pytest.mark.parametrize(
    ("hostile", "expected"),
    [
        ("<!channel> hello", "&lt;!channel&gt; hello"),
        ("<!here|here> <@U0BOSS|boss>", "&lt;!here|here&gt; &lt;@U0BOSS|boss&gt;"),
        ("a & b", "a &amp; b"),
        ("`close` the code span", "'close' the code span"),
    ],
)
def test_hostile_text_is_escaped_and_pings_nobody(
    slack: SlackClient, hostile: str, expected: str
) -> None:
    shown = all_text(answer_of(slack, hostile))
    assert expected in shown
    assert "<!" not in shown
    assert "<@" not in shown


def test_huge_input_is_shortened_and_stays_within_block_kit(slack: SlackClient) -> None:
    shown = all_text(answer_of(slack, "x" * 4000))
    assert "x" * 79 + "…" in shown
    assert "x" * 81 not in shown


def test_every_command_of_the_help_is_answered(slack: SlackClient) -> None:
    for example, _ in HELP_LINES:
        shown = all_text(answer_of(slack, example)) if example.split()[0] not in FORMS else ""
        assert "didn't understand" not in shown
        assert "not available" not in shown


def test_a_summary_with_no_1_1s_says_how_to_start(slack: SlackClient) -> None:
    assert "nothing to sum up" in all_text(answer_of(slack, "summary"))


def test_calendar_links_need_a_public_address(slack: SlackClient) -> None:
    """Without ONEONONE_PUBLIC_URL (Socket Mode, say) there is no link to give: it says why."""
    answer = slack.command("UBART000001", "calendar")
    assert "ONEONONE_PUBLIC_URL" in str(answer)
    assert "/calendar/" not in str(answer)


@pytest.mark.parametrize("text", ["calendar please", "forget everyone", "forget"])
def test_a_privacy_command_with_other_words_is_not_taken_for_another(
    slack: SlackClient, simulator: SlackSimulator, text: str
) -> None:
    """Nothing is made, reset or offered to forget on words the command does not read."""
    shown = all_text(answer_of(slack, text))
    assert "didn't understand" in shown
    assert "Forget me" not in shown
    assert simulator.calls_to("files.getUploadURLExternal") == []
