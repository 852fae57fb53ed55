"""The console script as an operator runs it: from any directory; in a subprocess where the
process itself matters, else through its entry point."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from bot.simulator import BOT_TOKEN, SIGNING_SECRET, SlackClient, SlackSimulator
from tests.conftest import Ran, oneonone, oneonone_process, operator_runs
from tests.integration.drive import shown

ROOT = Path(__file__).resolve().parent.parent
UNREACHABLE_DB = "postgresql://nobody@127.0.0.1:9/nothing"


def assert_one_plain_sentence(result: Ran, *words: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("oneonone:")]
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'fresh.db'}"
    return request.getfixturevalue("empty_postgres_url")


def test_migrate_creates_then_changes_nothing(tmp_path: Path, empty_database_url: str) -> None:
    first = oneonone("migrate", cwd=tmp_path, DATABASE_URL=empty_database_url)
    assert first.returncode == 0, first.stderr
    assert "Migrated the database from empty to" in first.stdout
    second = oneonone("migrate", cwd=tmp_path, DATABASE_URL=empty_database_url)
    assert second.returncode == 0, second.stderr
    assert "already at the newest revision" in second.stdout


def test_the_default_database_is_a_sqlite_file_in_the_working_directory(tmp_path: Path) -> None:
    done = operator_runs("migrate", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "oneonone.db").exists()


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"SLACK_BOT_TOKEN": "xoxp-12-34", "SLACK_SIGNING_SECRET": "s"}, ["SLACK_BOT_TOKEN"]),
        ({"SLACK_SIGNING_SECRET": "s"}, ["SLACK_BOT_TOKEN is not set"]),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, ["SLACK_SIGNING_SECRET is not set"]),
        ({"DATABASE_URL": "mysql://a@b/c"}, ["DATABASE_URL"]),
        (
            {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "PORT": "abc"},
            ["PORT is 'abc'", "1 to 65535"],
        ),
        (
            {
                "SLACK_BOT_TOKEN": "xoxb-1",
                "SLACK_SIGNING_SECRET": "s",
                "DATABASE_URL": UNREACHABLE_DB,
            },
            ["DATABASE_URL", "cannot be reached"],
        ),
    ],
)
def test_run_explains_a_bad_setting_in_one_sentence(
    tmp_path: Path, env: dict[str, str], words: list[str]
) -> None:
    assert_one_plain_sentence(oneonone("run", "--port", "0", cwd=tmp_path, **env), *words)


def test_migrate_explains_an_unreachable_database(tmp_path: Path) -> None:
    result = oneonone("migrate", cwd=tmp_path, DATABASE_URL=UNREACHABLE_DB)
    assert_one_plain_sentence(result, "DATABASE_URL", "cannot be reached")


def test_run_refuses_an_unmigrated_database(tmp_path: Path, simulator: SlackSimulator) -> None:
    result = oneonone("run", cwd=tmp_path, **slack_env(simulator))
    assert_one_plain_sentence(result, "oneonone migrate")


def test_run_says_when_slack_refuses_the_token(tmp_path: Path, simulator: SlackSimulator) -> None:
    assert oneonone("migrate", cwd=tmp_path).returncode == 0
    simulator.revoked.add(BOT_TOKEN)
    result = oneonone("run", cwd=tmp_path, **slack_env(simulator))
    assert_one_plain_sentence(result, "SLACK_BOT_TOKEN was refused", "token_revoked")


def test_socket_mode_needs_an_app_token_slack_accepts(
    tmp_path: Path, simulator: SlackSimulator
) -> None:
    assert oneonone("migrate", cwd=tmp_path).returncode == 0
    result = oneonone("run", "--socket", cwd=tmp_path, **slack_env(simulator))
    assert_one_plain_sentence(result, "SLACK_APP_TOKEN is not set")
    env = {**slack_env(simulator), "SLACK_APP_TOKEN": "xapp-1-not-this-app"}
    result = oneonone("run", "--no-scheduler", "--port", "0", cwd=tmp_path, **env)
    assert_one_plain_sentence(result, "SLACK_APP_TOKEN was refused", "invalid_auth")


def slack_env(simulator: SlackSimulator) -> dict[str, str]:
    return {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": simulator.api_url,
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_healthy(url: str, process: subprocess.Popen, seconds: float = 20) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()[1]
        try:
            with urllib.request.urlopen(url, timeout=1) as answer:
                return json.loads(answer.read())
        except OSError:
            time.sleep(0.1)  # the process is starting; this waits for a port, not a schedule
    raise AssertionError("the server did not come up")


def test_run_serves_slack_and_stops_cleanly_on_sigterm(
    tmp_path: Path, simulator: SlackSimulator, database_url: str, engine: object
) -> None:
    env = {**os.environ, **slack_env(simulator), "DATABASE_URL": database_url}
    port = free_port()
    serving = ["run", "--http", "--port", str(port), "--host", "127.0.0.1"]
    with oneonone_process(serving, cwd=tmp_path, env=env) as process:
        base = f"http://127.0.0.1:{port}"
        assert wait_until_healthy(base + "/healthz", process)["status"] == "ok"
        slack = SlackClient(base + "/slack/events", simulator)
        assert "didn't understand" in shown(slack.command("UADA0000001", "x", wait=10))
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=15)
    assert process.returncode == 0, stderr
    assert "scheduler started" in stderr
    assert "apscheduler" not in stderr  # its INFO lines, each run of each job, are quieted
    assert "stopped" in stderr
    assert "Traceback" not in stderr


def test_doctor_reports_every_check(tmp_path: Path, simulator: SlackSimulator) -> None:
    env = slack_env(simulator)
    before = oneonone("doctor", cwd=tmp_path, **env)
    assert before.returncode == 1
    assert "✗ database: " in before.stdout
    assert "oneonone.db (relative to this directory) does not exist" in before.stdout
    assert "✓ Slack token: valid" in before.stdout  # it went on after the ✗
    assert list(tmp_path.iterdir()) == []  # and created nothing
    assert oneonone("migrate", cwd=tmp_path).returncode == 0
    after = oneonone("doctor", cwd=tmp_path, **env)
    assert after.returncode == 0, after.stdout
    lines = after.stdout.strip().splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "✓ settings",
        "✓ database",
        "✓ schema",
        "✓ deliveries",
        "✓ Slack token",
        "✓ scopes",
    ]
    assert "@oneonone in Simulated Workspace (T0SIMULATED)" in after.stdout


def test_doctor_names_missing_scopes_and_refused_tokens(
    tmp_path: Path, simulator: SlackSimulator
) -> None:
    assert oneonone("migrate", cwd=tmp_path).returncode == 0
    simulator.scopes = []
    result = oneonone("doctor", cwd=tmp_path, **slack_env(simulator))
    assert result.returncode == 1
    assert (
        "✗ scopes: missing chat:write, commands, files:write, im:history, im:write, users:read"
        in result.stdout
    )
    simulator.revoked.add(BOT_TOKEN)
    result = oneonone("doctor", cwd=tmp_path, **slack_env(simulator))
    assert "✗ Slack token: SLACK_BOT_TOKEN was refused by Slack (token_revoked)" in result.stdout


def test_doctor_on_a_bad_setting_and_an_unreachable_database(tmp_path: Path) -> None:
    result = oneonone("doctor", cwd=tmp_path, SLACK_BOT_TOKEN="xoxp-1")
    assert result.returncode == 2  # a setting, as for every other command
    assert result.stdout.startswith("✗ settings: SLACK_BOT_TOKEN holds a user token")
    result = oneonone("doctor", cwd=tmp_path, DATABASE_URL=UNREACHABLE_DB)
    assert "✗ database: " in result.stdout


def test_doctor_with_nothing_set_writes_nothing(tmp_path: Path) -> None:
    result = oneonone("doctor", cwd=tmp_path)
    assert result.returncode == 2
    assert "✗ settings: SLACK_BOT_TOKEN is not set" in result.stdout
    assert list(tmp_path.iterdir()) == []


def test_doctor_reads_a_sqlite_file_without_writing_it(
    tmp_path: Path, simulator: SlackSimulator
) -> None:
    assert oneonone("migrate", cwd=tmp_path).returncode == 0
    database = tmp_path / "oneonone.db"
    for companion in tmp_path.glob("oneonone.db-*"):
        companion.unlink()  # as after a clean shutdown
    database.chmod(0o444)
    before = database.read_bytes()
    result = oneonone("doctor", cwd=tmp_path, **slack_env(simulator))
    assert "✓ schema: at the newest revision" in result.stdout, result.stdout
    assert database.read_bytes() == before


def test_doctor_names_every_bad_setting_and_goes_on(
    tmp_path: Path, simulator: SlackSimulator
) -> None:
    env = {**slack_env(simulator), "PORT": "abc", "LOG_LEVEL": "chatty"}
    result = oneonone("doctor", cwd=tmp_path, **env)
    assert result.returncode == 2
    assert "✗ settings: PORT is 'abc'" in result.stdout
    assert "✗ settings: LOG_LEVEL is 'chatty'" in result.stdout
    assert "✓ Slack token: valid" in result.stdout


def test_doctor_says_what_to_do_when_slack_cannot_be_reached(tmp_path: Path) -> None:
    env = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}
    result = oneonone("doctor", cwd=tmp_path, SLACK_API_URL="http://127.0.0.1:9/api/", **env)
    assert result.returncode == 1
    assert "✗ Slack: http://127.0.0.1:9/api/ cannot be reached" in result.stdout
    assert "HTTPS_PROXY" in result.stdout


def test_version_and_each_command_says_what_it_reads(tmp_path: Path) -> None:
    version = operator_runs("--version", cwd=tmp_path)
    assert version.returncode == 0
    assert version.stdout.startswith("oneonone ")
    for command in ("run", "tick", "migrate", "doctor"):
        shown = oneonone(command, "--help", cwd=tmp_path).stdout
        assert "environment: " in shown
        assert "DATABASE_URL" in shown
    assert "SLACK_APP_TOKEN" in oneonone("run", "--help", cwd=tmp_path).stdout


def test_manifest_prints_the_deployment_s_manifest(tmp_path: Path) -> None:
    shown = oneonone("manifest", "--url", "https://one.acme.dev/", cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert "request_url: https://one.acme.dev/slack/events" in shown.stdout
    assert "socket_mode_enabled: false" in shown.stdout
    socket = oneonone("manifest", "--socket", cwd=tmp_path)
    assert "socket_mode_enabled: true" in socket.stdout
    assert "request_url" not in socket.stdout
    refused = oneonone("manifest", "--url", "http://one.acme.dev", cwd=tmp_path)
    assert refused.returncode == 2
    assert "not an https address" in refused.stderr


def test_the_wheel_carries_migrations_and_manifest(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    target = tmp_path / "site"
    (wheel,) = wheels.glob("oneonone-*.whl")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", target, wheel],
        check=True,
        timeout=120,
    )
    assert (target / "bot" / "migrations" / "env.py").exists()
    assert (target / "bot" / "manifest.yml").exists()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = operator_runs("migrate", cwd=elsewhere, PYTHONPATH=str(target))
    assert result.returncode == 0, result.stderr
    assert "Migrated the database" in result.stdout


def test_tick_runs_one_pass_at_the_given_instant(tmp_path: Path, simulator: SlackSimulator) -> None:
    assert oneonone("migrate", cwd=tmp_path).returncode == 0
    result = oneonone("tick", "--now", "2026-11-24T09:00:00Z", cwd=tmp_path, **slack_env(simulator))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("2026-11-24T09:00:00+00:00: 0 planned, 0 sent")
    naive = oneonone("tick", "--now", "2026-11-24T09:00", cwd=tmp_path, **slack_env(simulator))
    assert naive.stdout.startswith("2026-11-24T09:00:00+00:00")


@pytest.mark.parametrize("now", ["yesterday", "2026-13-01T00:00:00Z", ""])
def test_tick_refuses_a_nonsense_instant(
    tmp_path: Path, simulator: SlackSimulator, now: str
) -> None:
    result = oneonone("tick", "--now", now, cwd=tmp_path, **slack_env(simulator))
    assert result.returncode == 2
    assert "is not an ISO-8601 instant" in result.stderr
    assert "Traceback" not in result.stderr


def test_tick_needs_a_token(tmp_path: Path) -> None:
    assert oneonone("migrate", cwd=tmp_path).returncode == 0
    assert_one_plain_sentence(oneonone("tick", cwd=tmp_path), "SLACK_BOT_TOKEN is not set")


def test_a_tick_that_loses_its_database_mid_pass_says_so_in_one_line(
    tmp_path: Path,
    simulator: SlackSimulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The database goes away between the tick's start and its pass: one line, exit 1 (it
    was 131 lines of traceback)."""
    from sqlalchemy.exc import OperationalError

    from bot import cli, db
    from bot.delivery.outbox import Outbox

    def gone(*_args: object, **_kwargs: object) -> None:
        raise OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))

    url = f"sqlite:///{tmp_path / 'x.db'}"
    for name, value in {"DATABASE_URL": url, **slack_env(simulator)}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(cli, "_migrated_engine", lambda _settings: db.make_engine(url))
    monkeypatch.setattr(Outbox, "run_pass", gone)
    assert cli.main(["tick"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("oneonone: the database went out of reach: connection refused")
