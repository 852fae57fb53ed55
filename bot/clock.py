"""The time, as the app and its jobs read it: the only place that asks the machine.

Listeners, passes and pacing take `now()` and `sleep()` from the clock in their dependencies.
Production runs on `SystemClock`; `oneonone demo` runs on a `SimulatedClock` it moves by hand,
whose `sleep` moves it on instead of waiting; tests choose either.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, aware, in UTC."""
        ...

    def sleep(self, seconds: float) -> None:
        """Let `seconds` pass (pacing between messages)."""
        ...


class SystemClock:
    """The machine's clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


@dataclass
class SimulatedClock:
    """A clock that moves only when told: `sleep` moves it on at once."""

    at: datetime

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError("a SimulatedClock needs an aware datetime")
        self.at = self.at.astimezone(UTC)

    def now(self) -> datetime:
        return self.at

    def sleep(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)

    def move_to(self, moment: datetime) -> None:
        self.at = moment.astimezone(UTC)
