"""`/oneonone calendar` and the feed it links to, through the real app and its HTTP server:
the link is shown once, to its owner; the feed is iCalendar with an ETag; an unknown or revoked
secret is 404; without a public address the command says so."""

from __future__ import annotations

import dataclasses
import re
import urllib.error
import urllib.request
from email.message import Message

import pytest
from icalendar import Calendar

from bot.config import Settings
from bot.simulator import SlackClient
from tests.integration.drive import ADA, BART

PUBLIC = "https://oneonone.example.com"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, public_url=PUBLIC)


def get(url: str, **headers: str) -> tuple[int, Message, bytes]:
    """Status, headers (case-insensitive, as HTTP's are) and body."""
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, error.read()


def link_of(answer: dict) -> str:
    found = re.search(rf"{PUBLIC}/calendar/[\w-]+\.ics", str(answer))
    assert found, answer
    return found.group(0)


def test_the_link_opens_the_feed_with_an_etag_once(pair: SlackClient, server: str) -> None:
    answer = pair.command(BART, "calendar")
    assert answer["response_type"] == "ephemeral"
    local = link_of(answer).replace(PUBLIC, server)
    status, headers, body = get(local)
    assert status == 200
    assert headers["Content-Type"] == "text/calendar; charset=utf-8"
    (event,) = Calendar.from_ical(body).walk("VEVENT")
    assert "Bart" in str(event["summary"])
    assert get(local, **{"If-None-Match": headers["ETag"]})[0] == 304
    again = pair.command(BART, "calendar")
    assert "can't show it again" in str(again)
    assert PUBLIC + "/calendar/" not in str(again)


def test_a_reset_revokes_the_old_link(pair: SlackClient, server: str) -> None:
    old = link_of(pair.command(ADA, "calendar")).replace(PUBLIC, server)
    new = link_of(pair.command(ADA, "calendar reset")).replace(PUBLIC, server)
    assert get(old)[0] == 404
    assert get(new)[0] == 200


@pytest.mark.parametrize(
    "path", ["/calendar/" + "A" * 32 + ".ics", "/calendar/.ics", "/calendar/%00.ics", "/calendar/x"]
)
def test_an_unknown_secret_is_not_found(server: str, path: str) -> None:
    assert get(server + path)[0] == 404
