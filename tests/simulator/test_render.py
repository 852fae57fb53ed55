"""Block Kit as text, the way each reader sees it: their timezone, names, no escaping.

The date tokens are drawn as Slack's own list of `<!date>` formats says (docs.slack.dev,
"Formatting message text", and the same list in slackapi/node-slack-sdk's
`RichTextDate.format`): `{date_short}` is "Aug 9, 2020", the `_pretty` forms say today,
tomorrow or yesterday, and `{time}` follows the reader's 12- or 24-hour clock.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.checkins import blocks as checkins_views
from bot.notes import blocks as notes_views
from bot.simulator.render import Reader
from bot.slack import views

NAMES = {"UADA0000001": "Ada Lovelace", "UBART000001": "Bart Kowalski"}
MOMENT = datetime(2026, 3, 30, 8, 0, tzinfo=UTC)  # the day after Warsaw's spring change
BEFORE = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_date_tokens_in_the_reader_s_own_zone_and_names_for_mentions() -> None:
    text = f"<@UADA0000001> meets you {views.date_token(MOMENT)} &lt;b&gt; &amp; *bold*"
    assert Reader("Europe/Warsaw", NAMES, now=BEFORE).mrkdwn(text) == (
        "@Ada Lovelace meets you Monday, March 30th, 2026 at 10:00 <b> & bold"
    )
    assert Reader("America/New_York", NAMES, now=BEFORE).mrkdwn(text) == (
        "@Ada Lovelace meets you Monday, March 30th, 2026 at 04:00 <b> & bold"
    )


@pytest.mark.parametrize(
    ("fmt", "now", "shown"),
    [
        ("{date_num}", BEFORE, "2026-03-30"),
        ("{date_slash}", BEFORE, "30/03/2026"),
        ("{date}", BEFORE, "March 30"),
        ("{date_short}", BEFORE, "Mar 30, 2026"),
        ("{date_long}", BEFORE, "Monday, March 30th, 2026"),
        ("{date_long_full}", BEFORE, "March 30, 2026"),
        ("{date_short_pretty}", BEFORE, "Mar 30, 2026"),  # no weekday
        ("{date_short_pretty}", datetime(2026, 3, 29, 12, tzinfo=UTC), "Tomorrow"),
        ("on {date_short_pretty}", datetime(2026, 3, 30, 1, tzinfo=UTC), "on today"),
        ("{date_long_pretty}", datetime(2026, 3, 31, 12, tzinfo=UTC), "Yesterday"),
        ("{day_divider_pretty}", BEFORE, "Monday, March 30th"),
        ("{day_divider_pretty}", datetime(2025, 12, 1, tzinfo=UTC), "Monday, March 30th, 2026"),
        ("{time}", BEFORE, "10:00"),
        ("{time_secs}", BEFORE, "10:00:00"),
        ("{ago}", datetime(2026, 3, 30, 5, tzinfo=UTC), "in 3 hours"),
    ],
)
def test_each_slack_date_format_as_slack_draws_it(fmt: str, now: datetime, shown: str) -> None:
    token = views.date_token(MOMENT, fmt)
    assert Reader("Europe/Warsaw", NAMES, now=now).mrkdwn(token) == shown


def test_a_twelve_hour_reader_sees_am_and_pm() -> None:
    token = views.date_token(MOMENT, "{time}")
    assert Reader("America/New_York", NAMES, now=BEFORE, hour12=True).mrkdwn(token) == "4:00 AM"


def test_blocks_and_buttons_read_like_slack() -> None:
    blocks = checkins_views.prompt_blocks(
        7, "UBART000001", MOMENT, [("What's on your mind?", "x")], True
    )
    shown = Reader("UTC", NAMES, now=BEFORE).blocks(blocks)
    assert "Your 1:1 with @Bart Kowalski is Monday, March 30th, 2026 at 08:00." in shown
    assert "│ x" in shown
    assert "[ Change answers ]  [ Skip this one ]  [ Remind me later ▾ ]" in shown


def test_a_form_shows_its_fields_and_buttons() -> None:
    form = notes_views.notes_form(7, "UADA0000001", "UBART000001", leader=True)
    shown = Reader("UTC", NAMES).view(form)
    assert shown.startswith("┌ After your 1:1 ┐")
    assert "Private notes (only you, ever) (optional):" in shown
    assert shown.endswith("[ Cancel ]  [ Save ]")
