"""A local Slack for tests and the demo: a Web API fake and a client that signs requests."""

from bot.simulator.client import Response, SlackClient
from bot.simulator.webapi import (
    APP_TOKEN,
    BOT_TOKEN,
    SIGNING_SECRET,
    SlackSimulator,
    User,
    Workspace,
)

__all__ = [
    "APP_TOKEN",
    "BOT_TOKEN",
    "SIGNING_SECRET",
    "Response",
    "SlackClient",
    "SlackSimulator",
    "User",
    "Workspace",
]
