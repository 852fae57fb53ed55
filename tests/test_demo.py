"""`oneonone demo` as a newcomer runs it: no tokens, no network (the first test in a process of
its own); it tells the whole story, as each person sees it, in under 20 seconds, and exits 0."""

from __future__ import annotations

import sqlite3
import tempfile
import time
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.conftest import Ran, oneonone, operator_runs

STORY = [  # in this order
    "types /oneonone schedule @Bart Kowalski weekly on Tuesday at 10:00",
    "Bart Kowalski · Mon Nov 23, 15:30 Warsaw · direct message · invitation",
    "AN INVITATION TO A 1:1",
    "Tuesdays at 16:00 your time",
    "(Tuesdays 10:00 in New York), starting Tuesday, November 24th, 2026 at 16:00.",
    "[ Accept ]  [ Suggest another time ]",
    "Good news: @Bart Kowalski accepted your 1:1",
    "Ada Lovelace · Mon Nov 23, 10:00 New York · direct message · prompt",
    "Bart Kowalski · Mon Nov 23, 16:00 Warsaw · direct message · prompt",
    "first one is simply for the two of you to talk.\n  1. What's on your mind?",
    "[ Answer ]  [ Skip this one ]  [ Remind me later ▾ ]",
    "┌ Before your 1:1 ┐",
    "│ I'd like to talk about my promotion path, and the on-call load <3",
    "Ada Lovelace · Mon Nov 23, 17:00 New York · in the thread · nudge",
    "replies in the DM",
    "that's everything for this 1:1",
    "Ada Lovelace · Tue Nov 24, 09:00 New York · in the thread · agenda",
    "Their answers",
    "[ Add notes ]  [ We didn't meet ]",
    "An action item: Draft the growth plan",
    "Ada Lovelace · Mon Nov 30, 09:00 New York · direct message · summary",
    "YOUR WEEK IN 1:1S",
    "1 held, 0 skipped, 0 missed",
    "Bart Kowalski · Mon Nov 30, 16:00 Warsaw · direct message · prompt",
    "How have you been feeling about work lately?",
    "@Bart Kowalski (due Dec 1, 2026): Draft the growth plan   [ Done ]",
    "Shared notes from last time",
    "Your private notes",
    "opens oneonone's Home tab",
    "YOUR 1:1S",
]


def message(out: str, heading: str) -> str:
    """One printed message: from its heading to the next heading or narration."""
    start = out.index(heading)
    rest = out[start + len(heading) :]
    ends = [i for i in (rest.find("\n── "), rest.find("\n▶"), rest.find("\n⏱")) if i >= 0]
    return rest[: min(ends, default=len(rest))]


def demo(*args: str, cwd: Path, alone: bool = False) -> tuple[Ran, float]:
    """`oneonone demo ARGS`, with no Slack or database settings; `alone` runs it as a process
    of its own, as a newcomer does."""
    started = time.monotonic()
    finished = (operator_runs if alone else oneonone)("demo", *args, cwd=cwd)
    return finished, time.monotonic() - started


def test_the_demo_tells_the_whole_story_fast_and_leaves_nothing_behind(tmp_path: Path) -> None:
    finished, seconds = demo(cwd=tmp_path, alone=True)
    assert finished.returncode == 0, finished.stderr
    assert seconds < 20
    out = finished.stdout
    position = 0
    for line in STORY:
        found = out.find(line, position)
        assert found >= 0, f"missing, or out of order: {line!r}"
        position = found
    # Each reader sees times in their own zone; nothing shows Slack's escaping or raw tokens.
    assert "Tuesday, November 24th, 2026 at 16:00" in out  # as Slack draws {date_long} {time}
    assert "Tuesday, November 24th, 2026 at 10:00" in out
    for raw in ("&lt;", "<@U", "<!date"):
        assert raw not in out
    # Ada's private note is in her agenda only.
    private = "Watch the on-call load"
    assert private in message(out, "Ada Lovelace · Tue Dec 1, 09:00 New York · in the thread")
    assert private not in message(out, "Bart Kowalski · Tue Dec 1, 15:00 Warsaw · in the thread")
    assert "The data is in" not in out
    assert list(tmp_path.iterdir()) == []  # nothing written where it ran


@pytest.mark.parametrize("how", ["keep", "db"])
def test_the_data_can_be_kept_to_look_at(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    args = ["--keep"] if how == "keep" else ["--db", f"sqlite:///{tmp_path / 'mine.db'}"]
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    finished, _ = demo(*args, cwd=tmp_path)
    assert finished.returncode == 0, finished.stderr
    # A database of your own leaves no temporary folder behind (each telling left one).
    assert len(list(temporary.iterdir())) == (1 if how == "keep" else 0)
    url = finished.stdout.rsplit("The data is in ", 1)[1].split(" (workspace ")[0]
    path = url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT count(*) FROM pairings").fetchone() == (1,)
        sent = connection.execute("SELECT count(*) FROM deliveries WHERE state = 'sent'")
        assert sent.fetchone()[0] >= 10


def test_the_story_can_be_told_twice_into_one_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'mine.db'}"
    for _ in range(2):
        finished, _ = demo("--db", url, cwd=tmp_path)
        assert finished.returncode == 0, finished.stderr
        assert "your database (sqlite:///" in finished.stdout
        assert "a temporary database" not in finished.stdout
    with sqlite3.connect(tmp_path / "mine.db") as connection:
        teams = connection.execute("SELECT count(DISTINCT team_id) FROM pairings").fetchone()
        assert teams == (2,)  # each telling is a workspace of its own


@pytest.mark.postgres
def test_the_database_password_is_never_shown(tmp_path: Path, empty_postgres_url: str) -> None:
    finished, _ = demo("--db", empty_postgres_url, cwd=tmp_path)
    assert finished.returncode == 0, finished.stderr
    password = make_url(empty_postgres_url).password
    assert password
    assert f":{password}@" not in finished.stdout + finished.stderr
    assert ":***@" in finished.stdout
    assert "Warning" not in finished.stderr


def test_the_same_story_over_socket_mode(tmp_path: Path) -> None:
    over_http, _ = demo(cwd=tmp_path)
    over_socket, seconds = demo("--socket", cwd=tmp_path)
    assert over_socket.returncode == 0, over_socket.stderr
    assert seconds < 20
    first, *story, _ = over_socket.stdout.splitlines()
    assert "the real app over Socket Mode" in first
    assert story == over_http.stdout.splitlines()[1:-1]
    assert "Traceback" not in over_socket.stderr
