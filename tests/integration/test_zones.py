"""A pair in two zones: the leader in New York, Kenji in Tokyo. Wherever a cadence or a time
is shown, each reader sees their own weekday and time, the 1:1's own zone in brackets, and
the weeks when only one of the two zones has changed its clocks."""

from __future__ import annotations

from bot.simulator import SlackClient, SlackSimulator
from bot.simulator.render import Reader
from tests.conftest import at
from tests.integration.drive import ADA, dm_of, home_of, opened, schedule, text_of

KENJI = "UKENJI00001"
# Tuesday 19:00 in New York is Wednesday 09:00 in Tokyo in winter; New York's summer time
# (Mar 14 to Nov 7, 2027) makes it 08:00 there, as Tokyo keeps its clocks all year.
KENJIS_WORDS = "Wednesdays at 09:00 your time (Tuesdays 19:00 in New York)"


def test_a_reader_in_tokyo_sees_their_own_weekday_and_time_everywhere(
    slack: SlackClient, simulator: SlackSimulator
) -> None:
    simulator.add_user(KENJI, "kenji", "Asia/Tokyo", real_name="Kenji Sato")
    with at("2026-11-23T14:00:00Z"):
        adas = text_of(schedule(slack, f"<@{KENJI}> weekly on Tuesday at 19:00")["blocks"])
        assert "weekly on Tuesday at 19:00" in adas  # Ada's own zone: her own words
        assert "your time" not in adas
        (invitation,) = dm_of(simulator, KENJI)
        invited = text_of(invitation["blocks"])
        assert KENJIS_WORDS in invited
        # The weeks when New York is on summer time and Tokyo has no such thing, in his days.
        assert (
            "From Mar 17 to Nov 3 it is Wednesday 08:00 your time, while New York is on "
            "summer time and Tokyo is not."
        ) in invited
        assert "Tuesday at 19:00" not in invited  # never the leader's clock without a zone
        pairing_id = invitation["blocks"][-1]["elements"][0]["value"]
        slack.block_action(KENJI, "invitation_accept", pairing_id)

        listed = text_of(slack.command(KENJI, "list")["blocks"])
        assert KENJIS_WORDS in listed
        opened(slack, KENJI, "EvKenjiHome")
        # His Home shows the next 1:1 as a date token: Slack draws it on his own clock.
        kenjis = Reader("Asia/Tokyo", {}).view(home_of(simulator, KENJI))
        assert "Wednesday, November 25th, 2026 at 09:00" in kenjis
        adas_home = Reader("America/New_York", {})
        assert "weekly on Tuesday at 19:00" in text_of(slack.command(ADA, "list")["blocks"])
        opened(slack, ADA, "EvAdaHome")
        assert "Tuesday, November 24th, 2026 at 19:00" in adas_home.view(home_of(simulator, ADA))
