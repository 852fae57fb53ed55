"""Multi-workspace install through Bolt's OAuth flow, with slack_sdk's SQLAlchemy stores."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from bot import models, web
from bot.app import create_app
from bot.config import Settings
from bot.simulator import SIGNING_SECRET, SlackClient, SlackSimulator, Workspace
from tests.integration import ExpectLog

ACME = Workspace(team_id="T0ACME00001", team_name="Acme", bot_user_id="UACMEBOT001")


@pytest.fixture
def oauth_server(simulator: SlackSimulator, engine: Engine, database_url: str) -> Iterator[str]:
    settings = Settings(
        database_url=database_url,
        signing_secret=SIGNING_SECRET,
        client_id="111.222",
        client_secret="oauth-secret",
        api_url=simulator.api_url,
    )
    app = create_app(settings, engine=engine, process_before_response=True)
    with web.serving_in_background(web.wsgi_app(app, engine, settings.signing_secret)) as base_url:
        yield base_url


def get(url: str, cookie: str = "") -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, dict(answer.headers), answer.read().decode()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers), error.read().decode()


def bots(engine: Engine, team_id: str) -> int:
    with engine.connect() as connection:
        return connection.scalar(
            select(func.count()).select_from(models.bots).where(models.bots.c.team_id == team_id)
        )


def install(oauth_server: str, simulator: SlackSimulator) -> None:
    status, headers, page = get(oauth_server + "/slack/install")
    assert status == 200
    assert "/oauth/v2/authorize" in page
    state = re.search(r"state=([\w-]+)", page).group(1)  # type: ignore[union-attr]
    cookie = headers["Set-Cookie"].split(";")[0]
    code = simulator.oauth_code(ACME)
    status, _, page = get(f"{oauth_server}/slack/oauth_redirect?code={code}&state={state}", cookie)
    assert status == 200, page


def test_install_then_commands_from_that_workspace_work(
    oauth_server: str, simulator: SlackSimulator, engine: Engine
) -> None:
    install(oauth_server, simulator)
    assert bots(engine, ACME.team_id) == 1
    acme = SlackClient(oauth_server + web.EVENTS_PATH, simulator, workspace=ACME)
    assert acme.command("UADA0000001", "help")["response_type"] == "ephemeral"


def test_a_redirect_with_a_forged_state_installs_nothing(
    oauth_server: str, simulator: SlackSimulator, engine: Engine
) -> None:
    code = simulator.oauth_code(ACME)
    status, _, _ = get(f"{oauth_server}/slack/oauth_redirect?code={code}&state=forged")
    assert status >= 400
    assert bots(engine, ACME.team_id) == 0


def test_a_workspace_that_never_installed_is_refused(
    oauth_server: str, simulator: SlackSimulator, expect_log: ExpectLog
) -> None:
    expect_log("AuthorizeResult .* was not found")
    stranger = SlackClient(oauth_server + web.EVENTS_PATH, simulator, workspace=ACME)
    answer = stranger.slash_command("UADA0000001", "help")
    assert answer.status == 200  # Slack shows nothing rather than an error
    assert "/oneonone" not in answer.text
    assert [c.method for c in simulator.calls] == []


def test_uninstalling_deletes_the_workspace_tokens(
    oauth_server: str, simulator: SlackSimulator, engine: Engine
) -> None:
    install(oauth_server, simulator)
    acme = SlackClient(oauth_server + web.EVENTS_PATH, simulator, workspace=ACME)
    assert acme.event({"type": "app_uninstalled", "event_ts": "1.2"}).status == 200
    assert bots(engine, ACME.team_id) == 0


def removal_of(engine: Engine, team_id: str) -> models.WorkspaceRemoval | None:
    with Session(engine) as session:
        return session.get(models.WorkspaceRemoval, team_id)


def test_uninstalling_plans_the_data_s_deletion_and_installing_again_cancels_it(
    oauth_server: str, simulator: SlackSimulator, engine: Engine
) -> None:
    install(oauth_server, simulator)
    acme = SlackClient(oauth_server + web.EVENTS_PATH, simulator, workspace=ACME)
    assert acme.event({"type": "app_uninstalled", "event_ts": "1.2"}).status == 200
    removal = removal_of(engine, ACME.team_id)
    assert removal is not None
    assert removal.delete_after - removal.uninstalled_at == timedelta(days=30)
    install(oauth_server, simulator)
    assert removal_of(engine, ACME.team_id) is None
