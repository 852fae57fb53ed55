from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from bot.config import ConfigError, Settings


def settings(**env: str) -> Settings:
    return Settings.from_env(env)


def test_defaults_need_nothing() -> None:
    s = settings()
    assert s.database_url == "sqlite:///oneonone.db"
    assert s.api_url == "https://slack.com/api/"
    assert s.log_level == "INFO"
    assert s.default_transport() == "http"


@pytest.mark.parametrize(
    "url",
    [
        "postgres://u:p@db:5432/one",
        "postgresql://u:p@db:5432/one",
        "postgresql+psycopg://u:p@db:5432/one",
    ],
)
def test_every_postgres_spelling_uses_psycopg3(url: str) -> None:
    assert settings(DATABASE_URL=url).database_url == "postgresql+psycopg://u:p@db:5432/one"


def test_password_is_hidden_when_shown() -> None:
    s = settings(DATABASE_URL="postgres://u:secret@db/one")
    assert "secret" not in s.database_url_for_humans


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({"SLACK_BOT_TOKEN": "xoxp-1-2"}, ("SLACK_BOT_TOKEN", "user token", "xoxb-")),
        ({"SLACK_BOT_TOKEN": "xapp-1-2"}, ("SLACK_BOT_TOKEN", "app-level token", "xoxb-")),
        ({"SLACK_BOT_TOKEN": "hello"}, ("SLACK_BOT_TOKEN", "does not look like", "xoxb-")),
        ({"SLACK_APP_TOKEN": "xoxb-1"}, ("SLACK_APP_TOKEN", "bot token", "xapp-")),
        ({"SLACK_CLIENT_ID": "1.2"}, ("SLACK_CLIENT_SECRET", "not set")),
        ({"SLACK_CLIENT_SECRET": "s"}, ("SLACK_CLIENT_ID", "not set")),
        (
            {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_CLIENT_ID": "1", "SLACK_CLIENT_SECRET": "s"},
            ("both set",),
        ),
        ({"SLACK_API_URL": "slack.com/api"}, ("SLACK_API_URL", "http(s) URL")),
        ({"DATABASE_URL": "mysql://x@y/z"}, ("DATABASE_URL", "mysql")),
        ({"DATABASE_URL": "::nonsense::"}, ("DATABASE_URL", "not a database URL")),
        ({"LOG_LEVEL": "chatty"}, ("LOG_LEVEL", "INFO")),
        ({"ONEONONE_ENCRYPTION_KEY": "short"}, ("ONEONONE_ENCRYPTION_KEY", "generate")),
        (
            {"ONEONONE_ENCRYPTION_KEY": Fernet.generate_key().decode() + ",bad"},
            ("ONEONONE_ENCRYPTION_KEY", "generate"),
        ),
    ],
)
def test_malformed_settings_are_one_plain_sentence(env: dict[str, str], names: tuple) -> None:
    with pytest.raises(ConfigError) as raised:
        settings(**env)
    message = str(raised.value)
    assert "\n" not in message
    for name in names:
        assert name in message
    assert "xoxp-1-2" not in message  # a token is never echoed whole


def test_valid_values_are_accepted() -> None:
    s = settings(
        SLACK_BOT_TOKEN="xoxb-1-2",
        SLACK_APP_TOKEN="xapp-1-2",
        SLACK_API_URL="http://127.0.0.1:9/api",
        LOG_LEVEL="debug",
        ONEONONE_ENCRYPTION_KEY=Fernet.generate_key().decode(),
    )
    assert s.api_url == "http://127.0.0.1:9/api/"
    assert s.log_level == "DEBUG"
    assert s.default_transport() == "socket"


def test_http_needs_a_token_and_a_signing_secret() -> None:
    with pytest.raises(ConfigError, match="SLACK_BOT_TOKEN is not set"):
        settings().require_slack("http")
    with pytest.raises(ConfigError, match="SLACK_SIGNING_SECRET is not set"):
        settings(SLACK_BOT_TOKEN="xoxb-1").require_slack("http")
    settings(SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s").require_slack("http")
    settings(SLACK_CLIENT_ID="1", SLACK_CLIENT_SECRET="s", SLACK_SIGNING_SECRET="s").require_slack(
        "http"
    )


def test_socket_mode_needs_an_app_token() -> None:
    with pytest.raises(ConfigError, match="SLACK_APP_TOKEN is not set"):
        settings(SLACK_BOT_TOKEN="xoxb-1").require_slack("socket")
    settings(SLACK_BOT_TOKEN="xoxb-1", SLACK_APP_TOKEN="xapp-1").require_slack("socket")


def test_retention_and_grace_are_days() -> None:
    s = settings(ONEONONE_RETENTION_DAYS="365", ONEONONE_UNINSTALL_GRACE_DAYS="0")
    assert (s.retention_days, s.uninstall_grace_days) == (365, 0)
    assert (settings().retention_days, settings().uninstall_grace_days) == (None, 30)
    for bad in ("0", "abc", "-5", "1e3", "²"):
        with pytest.raises(ConfigError, match="ONEONONE_RETENTION_DAYS is"):
            settings(ONEONONE_RETENTION_DAYS=bad)
    with pytest.raises(ConfigError, match="ONEONONE_UNINSTALL_GRACE_DAYS is '-1'"):
        settings(ONEONONE_UNINSTALL_GRACE_DAYS="-1")
