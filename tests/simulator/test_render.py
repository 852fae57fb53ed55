"""Block Kit as text, the way each reader sees it: their timezone, names, no escaping."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.simulator.render import Reader
from bot.slack import views

NAMES = {"UADA0000001": "Ada Lovelace", "UBART000001": "Bart Kowalski"}
MOMENT = datetime(2026, 3, 30, 8, 0, tzinfo=UTC)  # the day after Warsaw's spring change


def test_date_tokens_in_the_reader_s_own_zone_and_names_for_mentions() -> None:
    text = f"<@UADA0000001> meets you {views.date_token(MOMENT)} &lt;b&gt; &amp; *bold*"
    assert Reader("Europe/Warsaw", NAMES).mrkdwn(text) == (
        "@Ada Lovelace meets you Mon Mar 30 at 10:00 <b> & bold"
    )
    assert (
        Reader("America/New_York", NAMES)
        .mrkdwn(text)
        .startswith("@Ada Lovelace meets you Mon Mar 30 at 04:00")
    )


def test_blocks_and_buttons_read_like_slack() -> None:
    blocks = views.prompt_blocks(7, "UBART000001", MOMENT, [("What's on your mind?", "x")], True)
    shown = Reader("UTC", NAMES).blocks(blocks)
    assert "Your 1:1 with @Bart Kowalski is Mon Mar 30 at 08:00." in shown
    assert "│ x" in shown
    assert "[ Change answers ]  [ Skip this one ]  [ Remind me later ▾ ]" in shown


def test_a_form_shows_its_fields_and_buttons() -> None:
    form = views.notes_form(7, "UADA0000001", "UBART000001", leader=True)
    shown = Reader("UTC", NAMES).view(form)
    assert shown.startswith("┌ After your 1:1 ┐")
    assert "Private notes (only you, ever) (optional):" in shown
    assert shown.endswith("[ Cancel ]  [ Save ]")
