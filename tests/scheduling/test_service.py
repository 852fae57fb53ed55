"""A Slack status as we keep it: an expiry Slack sends that is no time at all is no expiry."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.scheduling.service import Status


@pytest.mark.parametrize(
    ("expiration", "expected"),
    [
        (1767225600, datetime(2026, 1, 1, tzinfo=UTC)),
        ("1767225600", datetime(2026, 1, 1, tzinfo=UTC)),
        (0, None),  # Slack's "never expires"
        (None, None),
        (-5, None),
        (99999999999999, None),  # past any calendar: a 500 once
        ("soon", None),
        ([1], None),
    ],
)
def test_a_status_expiry_is_a_time_or_none(expiration: object, expected: datetime | None) -> None:
    status = Status.from_slack({"status_text": "Away", "status_expiration": expiration})
    assert status.text == "Away"
    assert status.expires_at == expected
