"""The in-process trigger: passes back to back through a burst, and woken when work is due."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.clock import SimulatedClock
from bot.delivery import scheduler
from bot.delivery.outbox import PassReport

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@dataclass
class FakeOutbox:
    """An outbox whose passes end with work left `busy` times, and whose next row is due
    at `due`."""

    busy: int
    due: datetime | None
    clock: SimulatedClock = field(default_factory=lambda: SimulatedClock(NOW))
    passes: int = 0

    def run_pass(self, now: datetime) -> PassReport:
        self.passes += 1
        return PassReport(more=self.passes <= self.busy)

    def next_due(self) -> datetime | None:
        return self.due


@dataclass
class FakeScheduler:
    moved: list[dict[str, Any]] = field(default_factory=list)

    def modify_job(self, job_id: str, **changes: Any) -> None:
        self.moved.append({"job": job_id, **changes})


def test_a_burst_gets_passes_back_to_back() -> None:
    outbox, trigger = FakeOutbox(busy=3, due=None), FakeScheduler()
    scheduler.drain(outbox, trigger)  # type: ignore[arg-type]
    assert outbox.passes == 4
    assert trigger.moved == []


def test_the_next_run_comes_when_the_next_row_is_due() -> None:
    outbox, trigger = FakeOutbox(busy=0, due=NOW + timedelta(seconds=7)), FakeScheduler()
    scheduler.drain(outbox, trigger)  # type: ignore[arg-type]
    assert trigger.moved == [{"job": "pass", "next_run_time": NOW + timedelta(seconds=7)}]


def test_a_row_due_already_wakes_it_a_second_on_and_a_far_one_leaves_the_interval() -> None:
    trigger = FakeScheduler()
    scheduler.drain(FakeOutbox(busy=0, due=NOW - timedelta(minutes=1)), trigger)  # type: ignore[arg-type]
    assert trigger.moved == [{"job": "pass", "next_run_time": NOW + timedelta(seconds=1)}]
    later = FakeScheduler()
    scheduler.drain(FakeOutbox(busy=0, due=NOW + timedelta(hours=1)), later)  # type: ignore[arg-type]
    assert later.moved == []
