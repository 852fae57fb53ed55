"""Cadences: the value, its next meetings as aware UTC datetimes, and its words.

A cadence is a rule in local time (every N weeks on a weekday; every N months on one or more
weekday positions, such as the first and third Friday, or on a day of the month) at a
wall-clock time, in its own zone. Occurrences come from `dateutil.rrule` over naive local
datetimes, placed in the zone with `zoneinfo`, so 10:00 stays 10:00 local across DST. What
people type is read by `bot.scheduling.grammar`, which reads `Cadence.describe` back.

The rule for wall-clock times DST makes awkward, as `zoneinfo` resolves them (fold=0):
- a time that does not exist that day (02:30 when clocks spring forward from 02:00 to 03:00)
  moves forward by the gap: the meeting is at 03:30;
- a time that exists twice (01:30 when clocks fall back) means the first of the two.
A day of the month that a month lacks (the 31st in April) is that month's last day.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from itertools import islice

from dateutil.rrule import MONTHLY, WEEKLY, rrule

from bot.scheduling.zones import city, is_fixed, place_name, stored_zone, tzinfo_of

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last", -2: "second to last"}
MAX_INTERVAL_WEEKS = 8
MAX_INTERVAL_MONTHS = 3
MIN_MINUTES, MAX_MINUTES, DEFAULT_MINUTES = 10, 240, 30
DEFAULT_TIME = time(10, 0)
MAX_START_AHEAD = timedelta(days=366)


class Frequency(StrEnum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"


def _positions(value: object) -> tuple[int, ...]:
    if isinstance(value, str):
        return tuple(int(part) for part in value.split(",") if part)
    return tuple(value) if isinstance(value, tuple | list) else ()


@dataclass(frozen=True)
class Cadence:
    """When a 1:1 recurs, in its own zone. `interval` counts weeks (weekly) or months
    (monthly). A monthly cadence falls on `positions` of its weekday in the month (1 to 4,
    -1 the last, -2 the second to last), or on `monthday` (1 to 31, where 29 to 31 mean the
    month's last day in months too short for them) with no weekday."""

    frequency: Frequency
    weekday: int | None  # 0 is Monday
    at: time
    zone: str
    interval: int = 1
    positions: tuple[int, ...] = ()
    monthday: int | None = None

    def __post_init__(self) -> None:
        # Stored columns arrive as plain values (a composite of the pairings row).
        object.__setattr__(self, "frequency", Frequency(self.frequency))
        positions = _positions(self.positions)
        if self.frequency is Frequency.MONTHLY and self.monthday is None and not positions:
            positions = (1,)
        object.__setattr__(self, "positions", tuple(sorted(positions, key=_position_order)))

    def __composite_values__(self) -> tuple[object, ...]:
        """The pairings row's columns, in the order of the fields (`Pairing.cadence`)."""
        positions = ",".join(str(n) for n in self.positions)
        return (
            self.frequency.value,
            self.weekday,
            self.at,
            self.zone,
            self.interval,
            positions,
            self.monthday,
        )

    @property
    def tz(self) -> tzinfo:
        return tzinfo_of(self.zone)

    @property
    def period(self) -> timedelta:
        """The longest gap between two meetings (the same weekday of two months lies at
        most five weeks apart)."""
        if self.frequency is Frequency.MONTHLY:
            return timedelta(weeks=5 * self.interval)
        return timedelta(weeks=self.interval)

    def describe(self, *, with_zone: bool = True) -> str:
        """Words that the grammar reads back to this same cadence."""
        words = f"{self.every()} at {self.at:%H:%M}"
        return f"{words} in {place_name(self.zone)}" if with_zone else words

    def every(self) -> str:
        """How often and on which day, in words: "every 2 weeks on Friday"."""
        if self.frequency is Frequency.WEEKLY:
            often = "weekly" if self.interval == 1 else f"every {self.interval} weeks"
            return f"{often} on {WEEKDAYS[self.weekday or 0]}"
        often = "monthly" if self.interval == 1 else f"every {self.interval} months"
        if self.monthday is not None:
            day = "the last day" if self.monthday == 31 else f"the {_nth_day(self.monthday)}"
            return f"{often} on {day}"
        # " and " throughout: "first, last" would read back as "first last" (first to last)
        which = " and ".join(ORDINALS[n] for n in self.positions)
        return f"{often} on the {which} {WEEKDAYS[self.weekday or 0]}"

    def notes(self) -> list[str]:
        """What a reader might not assume from the words alone, each a sentence."""
        said = []
        if self.monthday is not None and 29 <= self.monthday <= 30:
            said.append(
                f"In months shorter than {self.monthday} days, it is on the month's last day."
            )
        if is_fixed(self.zone):
            said.append(f"{self.zone} is a fixed offset: it does not follow daylight saving.")
        return said


def _position_order(position: int) -> int:
    return position if position > 0 else 10 - position


def _nth_day(day: int) -> str:
    suffix = "th" if 11 <= day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


@dataclass(frozen=True)
class Described:
    """A cadence in one reader's words: `words` fits inside a sentence; `note`, a sentence
    of its own or empty, names the weeks when the two zones' clocks disagree. `own` is the
    part of `words` in the 1:1's own zone, which the grammar reads back to the cadence."""

    words: str
    note: str = ""
    own: str = ""


@dataclass(frozen=True)
class Schedule:
    """A cadence, the date it starts from (which anchors "every other"), and how long."""

    cadence: Cadence
    start: date
    minutes: int = DEFAULT_MINUTES
    # How the words were read where they could be read two ways, and what the cadence does
    # that its words do not say (sentences for the reply; not part of the value).
    readings: tuple[str, ...] = field(default=(), compare=False)


class CadenceError(ValueError):
    """Not a schedule; `fragment` is the part that was not understood, `field` the form field
    it came from (None for typed words)."""

    def __init__(self, fragment: str, reason: str, *, field: str | None = None) -> None:
        super().__init__(reason)
        self.fragment = fragment
        self.reason = reason
        self.field = field


def occurrences(schedule: Schedule, *, after: datetime, count: int) -> list[datetime]:
    """The next `count` meetings strictly after `after`, as aware UTC datetimes."""
    return list(islice(_iter_occurrences(schedule, after), max(count, 0)))


def _rule(schedule: Schedule) -> tuple[rrule, datetime]:
    """The rule in local time, and its first candidate."""
    cadence = schedule.cadence
    first_day = schedule.start
    if cadence.frequency is Frequency.WEEKLY:
        # "Every other" counts from the first meeting day on or after the start date.
        first_day += timedelta(days=((cadence.weekday or 0) - first_day.weekday()) % 7)
        dtstart = datetime.combine(first_day, cadence.at)
        every = cadence.interval
        return rrule(WEEKLY, dtstart=dtstart, interval=every, byweekday=cadence.weekday), dtstart
    dtstart = datetime.combine(first_day, cadence.at)
    if cadence.monthday is not None:
        # The 29th to 31st are the month's last day where it has fewer: rrule would skip
        # those months, so the rule takes the last of the candidates from the 28th instead.
        days = tuple(range(min(cadence.monthday, 28), cadence.monthday + 1))
        clamped = rrule(
            MONTHLY, dtstart=dtstart, interval=cadence.interval, bymonthday=days, bysetpos=-1
        )
        return clamped, dtstart
    rule = rrule(
        MONTHLY,
        dtstart=dtstart,
        interval=cadence.interval,
        byweekday=cadence.weekday,
        bysetpos=cadence.positions,
    )
    return rule, dtstart


ICAL_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def ical_rule(schedule: Schedule) -> tuple[dict[str, object], datetime]:
    """The cadence as an iCalendar RRULE (RFC 5545, for `icalendar.vRecur`), and its first
    meeting as an aware time in the cadence's own zone (the event's DTSTART, which RFC 5545
    counts as the first instance, so it must be one). Expanded in that zone, the rule gives
    exactly `occurrences`: the same BYSETPOS and last-day clamp as `_rule`."""
    cadence = schedule.cadence
    rule: dict[str, object] = {"FREQ": cadence.frequency.value.upper()}
    if cadence.interval > 1:
        rule["INTERVAL"] = cadence.interval
    if cadence.monthday is not None:
        rule["BYMONTHDAY"] = list(range(min(cadence.monthday, 28), cadence.monthday + 1))
        rule["BYSETPOS"] = [-1]
    else:
        rule["BYDAY"] = [ICAL_DAYS[cadence.weekday or 0]]
        if cadence.positions:
            rule["BYSETPOS"] = list(cadence.positions)
    midnight = datetime.combine(schedule.start, time(0), tzinfo=cadence.tz)
    (first,) = occurrences(schedule, after=midnight - timedelta(microseconds=1), count=1)
    return rule, first.astimezone(cadence.tz)


def _iter_occurrences(schedule: Schedule, after: datetime) -> Iterator[datetime]:
    zone = schedule.cadence.tz
    rule, dtstart = _rule(schedule)
    # Start a day early in local time so no zone offset can make us skip the first one.
    local_after = after.astimezone(zone).replace(tzinfo=None) - timedelta(days=1)
    for naive in rule.xafter(max(local_after, dtstart - timedelta(days=1)), inc=True):
        moment = _place(naive, zone)
        if moment > after:
            yield moment


def _place(naive: datetime, zone: tzinfo) -> datetime:
    """A wall-clock time in `zone` as UTC, by the module's DST rule (fold=0)."""
    return naive.replace(tzinfo=zone).astimezone(UTC)


# -- in each reader's own zone --------------------------------------------------------------

NOTED_RUNS = 2  # at most this many stretches of other clock times are spelled out


def describe_for(schedule: Schedule, reader_zone: str | None, *, after: datetime) -> Described:
    """The cadence as a reader in `reader_zone` lives it, over the coming year.

    Where the reader's clock agrees with the 1:1's own zone, the words are the cadence's own
    (which `parse_schedule` reads back). Otherwise the weekday and time are the reader's,
    with the 1:1's own in brackets ("Wednesdays at 09:00 your time (Tuesdays 19:00 in New
    York)"), and `note` names the weeks when only one of the two zones has changed its
    clocks, so the time moves for the reader.
    """
    cadence = schedule.cadence
    plain = cadence.describe(with_zone=False)
    said = list(schedule.readings) or cadence.notes()
    own = Described(plain, " ".join(said), own=plain)
    try:
        reader = tzinfo_of(stored_zone(reader_zone)) if reader_zone else None
    except ValueError:
        reader = None
    if reader is None or reader_zone == cadence.zone:
        return own
    horizon = after + timedelta(days=366)
    year = [m for m in occurrences(schedule, after=after, count=60) if m <= horizon]
    shifts = [_shift(moment, cadence.tz, reader) for moment in year]
    if not year or not any(shifts):  # the same clock all year, in a zone of another name
        named = cadence.describe()
        return Described(named, own.note, own=named)
    first, usual = year[0], shifts[0]  # as it is for the next meeting; changes are noted
    words = _reader_words(cadence, first.astimezone(reader), first.astimezone(cadence.tz))
    runs = [run for run in _runs(year, shifts) if run[0] != usual]
    # One sentence per reader's time and reason: "From Mar 16 to Mar 23, and on Nov 2, …".
    sentences: dict[str, list[str]] = {}
    for _, moments in runs:
        when, what = _run_note(moments, cadence.zone, reader, reader_zone or "")
        sentences.setdefault(what, []).append(when)
    notes = [f"{_joined(whens)} {what}" for what, whens in sentences.items()]
    if len(notes) > NOTED_RUNS:
        notes = [*notes[:NOTED_RUNS], "At other times of the year too, while the clocks differ."]
    notes = [*said, *notes]
    return Described(words, " ".join(notes), _own_words(cadence, first.astimezone(cadence.tz)))


def _joined(whens: list[str]) -> str:
    """["From Mar 16 to Mar 23", "on Nov 2"] → "From Mar 16 to Mar 23, and on Nov 2,"."""
    if len(whens) == 1:
        return whens[0]
    return ", ".join([whens[0], *[f"{w[0].lower()}{w[1:]}" for w in whens[1:-1]]]) + (
        f", and {whens[-1][0].lower()}{whens[-1][1:]},"
    )


def _shift(moment: datetime, own: tzinfo, reader: tzinfo) -> timedelta:
    """How far the reader's wall clock is from the 1:1's own at that moment."""
    return moment.astimezone(reader).replace(tzinfo=None) - moment.astimezone(own).replace(
        tzinfo=None
    )


def _runs(
    moments: list[datetime], shifts: list[timedelta]
) -> list[tuple[timedelta, list[datetime]]]:
    """Consecutive meetings grouped by their shift."""
    runs: list[tuple[timedelta, list[datetime]]] = []
    for moment, shift in zip(moments, shifts, strict=True):
        if runs and runs[-1][0] == shift:
            runs[-1][1].append(moment)
        else:
            runs.append((shift, [moment]))
    return runs


def _clock_words(local: datetime) -> str:
    return f"{WEEKDAYS[local.weekday()]} {local:%H:%M}"


def _own_words(cadence: Cadence, theirs: datetime) -> str:
    """The cadence in the 1:1's own zone, named by place, as the grammar reads it back:
    "Tuesdays 19:00 in New York", "every 2 weeks on Thursday 09:00 in Warsaw"."""
    where = place_name(cadence.zone)
    if cadence.frequency is Frequency.WEEKLY and cadence.interval == 1:
        return f"{WEEKDAYS[theirs.weekday()]}s {theirs:%H:%M} in {where}"
    return f"{cadence.every()} at {theirs:%H:%M} in {where}"


def _reader_words(cadence: Cadence, mine: datetime, theirs: datetime) -> str:
    own = _own_words(cadence, theirs)
    day, at = WEEKDAYS[mine.weekday()], f"{mine:%H:%M}"
    if cadence.frequency is Frequency.MONTHLY:
        if cadence.monthday is None and day == WEEKDAYS[theirs.weekday()]:
            return f"{cadence.every()} at {at} your time ({own})"
        return f"{own}, which is {day} {at} your time"
    if cadence.interval == 1:
        return f"{day}s at {at} your time ({own})"
    every = "every other" if cadence.interval == 2 else f"every {cadence.interval} weeks on"
    return f"{every} {day} at {at} your time ({own})"


def _run_note(
    moments: list[datetime], own_zone: str, reader: tzinfo, reader_zone: str
) -> tuple[str, str]:
    """("From Mar 16 to Mar 23", "it is Tuesday 15:00 your time, while New York is on
    summer time and Warsaw is not.")"""
    start, end = moments[0].astimezone(reader), moments[-1].astimezone(reader)
    when = (
        f"On {start:%b} {start.day}"
        if len(moments) == 1
        else (f"From {start:%b} {start.day} to {end:%b} {end.day}")
    )
    own = tzinfo_of(own_zone)
    own_city, reader_city = city(own_zone), city(reader_zone)
    summer = {own_city: bool(moments[0].astimezone(own).dst()), reader_city: bool(start.dst())}
    if summer[own_city] and summer[reader_city]:
        why = f"both {own_city} and {reader_city} are on summer time"
    elif summer[own_city] or summer[reader_city]:
        on = own_city if summer[own_city] else reader_city
        off = reader_city if on == own_city else own_city
        why = f"{on} is on summer time and {off} is not"
    else:
        why = f"neither {own_city} nor {reader_city} is on summer time"
    return when, f"it is {_clock_words(start)} your time, while {why}."
