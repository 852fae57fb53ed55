"""What listeners and jobs share, built once by the console script (or a test)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from bot.clock import Clock
from bot.config import Settings
from bot.delivery.outbox import Outbox


@dataclass(frozen=True)
class Deps:
    settings: Settings
    engine: Engine
    outbox: Outbox
    clock: Clock
