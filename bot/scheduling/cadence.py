"""Cadences: text ⇄ value, and the next meetings as aware UTC datetimes.

A cadence is a rule in local time (weekly, every N weeks, or the nth weekday of each month, at
a wall-clock time) plus an IANA zone. Occurrences come from `dateutil.rrule` over naive local
datetimes, placed in the zone with `zoneinfo`, so 10:00 stays 10:00 local across DST.

The rule for wall-clock times DST makes awkward, as `zoneinfo` resolves them (fold=0):
- a time that does not exist that day (02:30 when clocks spring forward from 02:00 to 03:00)
  moves forward by the gap: the meeting is at 03:30;
- a time that exists twice (01:30 when clocks fall back) means the first of the two.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import cache
from itertools import islice
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from dateutil.rrule import MONTHLY, WEEKLY, rrule, weekday

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}
MAX_INTERVAL_WEEKS = 8
MIN_MINUTES, MAX_MINUTES, DEFAULT_MINUTES = 10, 240, 30
DEFAULT_TIME = time(10, 0)
MAX_START_AHEAD = timedelta(days=366)
EXAMPLES = ("weekly on Tuesday at 10:00", "every other Friday at 4pm")


class Frequency(StrEnum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"


@dataclass(frozen=True)
class Cadence:
    """When a 1:1 recurs, in its own zone. `interval` is in weeks (weekly cadences);
    `nth` picks the weekday of the month (monthly cadences: 1 to 4, or -1 for the last)."""

    frequency: Frequency
    weekday: int  # 0 is Monday
    at: time
    zone: str
    interval: int = 1
    nth: int = 1

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.zone)

    @property
    def period(self) -> timedelta:
        """The longest gap between two meetings (the same weekday of two months lies at
        most five weeks apart)."""
        if self.frequency is Frequency.MONTHLY:
            return timedelta(weeks=5)
        return timedelta(weeks=self.interval)

    def describe(self, *, with_zone: bool = True) -> str:
        """Words that `parse_schedule` reads back to the same cadence."""
        day, clock = WEEKDAYS[self.weekday], f"{self.at:%H:%M}"
        if self.frequency is Frequency.MONTHLY:
            words = f"monthly on the {ORDINALS[self.nth]} {day} at {clock}"
        elif self.interval == 1:
            words = f"weekly on {day} at {clock}"
        else:
            words = f"every {self.interval} weeks on {day} at {clock}"
        return f"{words} in {self.zone}" if with_zone else words


def city(zone: str) -> str:
    """How people name a zone: by its city (`America/New_York` is New York)."""
    return zone.rsplit("/", 1)[-1].replace("_", " ")


@dataclass(frozen=True)
class Described:
    """A cadence in one reader's words: `words` fits inside a sentence; `note`, a sentence
    of its own or empty, names the weeks when the two zones' clocks disagree."""

    words: str
    note: str = ""


@dataclass(frozen=True)
class Schedule:
    """A cadence, the date it starts from (which anchors "every other"), and how long."""

    cadence: Cadence
    start: date
    minutes: int = DEFAULT_MINUTES


class CadenceError(ValueError):
    """Text that is not a schedule; `fragment` is the part that was not understood."""

    def __init__(self, fragment: str, reason: str) -> None:
        super().__init__(reason)
        self.fragment = fragment
        self.reason = reason


def occurrences(schedule: Schedule, *, after: datetime, count: int) -> list[datetime]:
    """The next `count` meetings strictly after `after`, as aware UTC datetimes."""
    return list(islice(_iter_occurrences(schedule, after), max(count, 0)))


def _iter_occurrences(schedule: Schedule, after: datetime) -> Iterator[datetime]:
    cadence, zone = schedule.cadence, schedule.cadence.tz
    first_day = schedule.start
    if cadence.frequency is Frequency.WEEKLY:
        # "Every other" counts from the first meeting day on or after the start date.
        first_day += timedelta(days=(cadence.weekday - first_day.weekday()) % 7)
    dtstart = datetime.combine(first_day, cadence.at)
    if cadence.frequency is Frequency.MONTHLY:
        rule = rrule(MONTHLY, dtstart=dtstart, byweekday=weekday(cadence.weekday, cadence.nth))
    else:
        rule = rrule(WEEKLY, dtstart=dtstart, interval=cadence.interval, byweekday=cadence.weekday)
    # Start a day early in local time so no zone offset can make us skip the first one.
    local_after = after.astimezone(zone).replace(tzinfo=None) - timedelta(days=1)
    for naive in rule.xafter(max(local_after, dtstart - timedelta(days=1)), inc=True):
        moment = _place(naive, zone)
        if moment > after:
            yield moment


def _place(naive: datetime, zone: ZoneInfo) -> datetime:
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
    own = Described(cadence.describe(with_zone=False))
    try:
        reader = ZoneInfo(reader_zone) if reader_zone else None
    except (ZoneInfoNotFoundError, ValueError):
        reader = None
    if reader is None or reader_zone == cadence.zone:
        return own
    horizon = after + timedelta(days=366)
    year = [m for m in occurrences(schedule, after=after, count=60) if m <= horizon]
    shifts = [_shift(moment, cadence.tz, reader) for moment in year]
    if not year or not any(shifts):
        return own
    first, usual = year[0], shifts[0]  # as it is for the next meeting; changes are noted
    words = _reader_words(cadence, first.astimezone(reader), first.astimezone(cadence.tz))
    runs = [run for run in _runs(year, shifts) if run[0] != usual]
    # One sentence per reader's time and reason: "From Mar 16 to Mar 23, and on Nov 2, …".
    sentences: dict[str, list[str]] = {}
    for _, moments in runs:
        when, what = _run_note(moments, cadence.tz, reader, reader_zone or "")
        sentences.setdefault(what, []).append(when)
    notes = [f"{_joined(whens)} {what}" for what, whens in sentences.items()]
    if len(notes) > NOTED_RUNS:
        notes = [*notes[:NOTED_RUNS], "At other times of the year too, while the clocks differ."]
    return Described(words, " ".join(notes))


def _joined(whens: list[str]) -> str:
    """["From Mar 16 to Mar 23", "on Nov 2"] → "From Mar 16 to Mar 23, and on Nov 2,"."""
    if len(whens) == 1:
        return whens[0]
    return ", ".join([whens[0], *[f"{w[0].lower()}{w[1:]}" for w in whens[1:-1]]]) + (
        f", and {whens[-1][0].lower()}{whens[-1][1:]},"
    )


def _shift(moment: datetime, own: ZoneInfo, reader: ZoneInfo) -> timedelta:
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


def _reader_words(cadence: Cadence, mine: datetime, theirs: datetime) -> str:
    where = city(cadence.zone)
    day, at = WEEKDAYS[mine.weekday()], f"{mine:%H:%M}"
    own_day = WEEKDAYS[theirs.weekday()]
    if cadence.frequency is Frequency.MONTHLY:
        ordinal = ORDINALS[cadence.nth]
        if day == own_day:
            return f"monthly on the {ordinal} {day} at {at} your time ({theirs:%H:%M} in {where})"
        return (
            f"monthly on the {ordinal} {own_day} at {theirs:%H:%M} in {where}, "
            f"which is {day} {at} your time"
        )
    theirs_words = f"{own_day}s {theirs:%H:%M} in {where}"
    if cadence.interval == 1:
        return f"{day}s at {at} your time ({theirs_words})"
    every = "every other" if cadence.interval == 2 else f"every {cadence.interval} weeks on"
    return f"{every} {day} at {at} your time ({theirs_words})"


def _run_note(
    moments: list[datetime], own: ZoneInfo, reader: ZoneInfo, reader_zone: str
) -> tuple[str, str]:
    """("From Mar 16 to Mar 23", "it is Tuesday 15:00 your time, while New York is on
    summer time and Warsaw is not.")"""
    start, end = moments[0].astimezone(reader), moments[-1].astimezone(reader)
    when = (
        f"On {start:%b} {start.day}"
        if len(moments) == 1
        else (f"From {start:%b} {start.day} to {end:%b} {end.day}")
    )
    own_city, reader_city = city(str(own.key)), city(reader_zone)
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


# -- parsing ---------------------------------------------------------------------------------

_DAY_NAMES = {
    **{name.lower(): i for i, name in enumerate(WEEKDAYS)},
    **{name.lower() + "s": i for i, name in enumerate(WEEKDAYS)},
    "mon": 0,
    "tue": 1,
    "tues": 1,
    "wed": 2,
    "weds": 2,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "fri": 4,
    "sat": 5,
    "sun": 6,
}
_ORDINAL_WORDS = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "last": -1,
}
_TIME = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$")
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "other": 2}
_FILLER = {"on", "the", "at", "of", "each", "a", "and", ","}


def parse_schedule(text: str, *, default_zone: str, today: date) -> Schedule:
    """Read `weekly on Tuesday at 10:00 [starting 2026-12-01] [for 45 min] [in Europe/Warsaw]`
    and the other spellings in docs/design.md. Raises `CadenceError` quoting what it could not
    use."""
    words = _words(text)
    if not words:
        raise CadenceError("", "say how often, on which day and at what time")
    state = _Reading(words)
    state.read()
    return state.schedule(default_zone=default_zone, today=today)


def _words(text: str) -> list[str]:
    spaced = re.sub(r"(\d)\s+(am|pm)\b", r"\1\2", text.strip(), flags=re.IGNORECASE)
    return [w for w in re.split(r"[\s,]+", spaced) if w]


class _Reading:
    """One left-to-right pass over the words; anything not consumed is an error."""

    def __init__(self, words: list[str]) -> None:
        self.words = words
        self.i = 0
        self.frequency: Frequency | None = None
        self.interval: int | None = None
        self.weekday: int | None = None
        self.nth: int | None = None
        self.at: time | None = None
        self.start: str | None = None
        self.minutes: int | None = None
        self.zone: str | None = None

    def peek(self, ahead: int = 0) -> str:
        at = self.i + ahead
        return self.words[at].lower() if at < len(self.words) else ""

    def take(self) -> str:
        word = self.words[self.i]
        self.i += 1
        return word

    def fail(self, reason: str, span: int = 1) -> CadenceError:
        return CadenceError(" ".join(self.words[self.i : self.i + span]), reason)

    def read(self) -> None:
        while self.i < len(self.words):
            word = self.peek()
            if word in _FILLER and not (word == "at" and self.peek(1)):
                self.take()
            elif word == "at":
                self.take()
                self.read_time(required=True)
            elif word == "every":
                self.read_every()
            elif word in ("weekly", "biweekly", "fortnightly", "monthly"):
                self.take()
                frequency = Frequency.MONTHLY if word == "monthly" else Frequency.WEEKLY
                self.set_frequency(frequency, 1 if word in ("weekly", "monthly") else 2)
            elif word in _ORDINAL_WORDS:
                self.take()
                self.nth = _ORDINAL_WORDS[word]
            elif word in _DAY_NAMES:
                self.set_weekday(_DAY_NAMES[self.take().lower()])
            elif word in ("starting", "from", "beginning"):
                self.take()
                if not self.peek():
                    raise self.fail("say the first date as YYYY-MM-DD")
                self.start = self.take()
            elif word == "for":
                self.take()
                self.read_duration()
            elif word == "in":
                self.take()
                if not self.peek():
                    raise self.fail("say the timezone, for example in Europe/Warsaw")
                self.zone = self.take()
            elif word in ("noon", "midday") or _TIME.match(word):
                self.read_time(required=False)
            else:
                raise self.fail("I don't know this word in a schedule")

    def set_frequency(self, frequency: Frequency, interval: int) -> None:
        if self.frequency is not None and (self.frequency, self.interval) != (frequency, interval):
            raise CadenceError(self.words[self.i - 1], "the schedule names two frequencies")
        self.frequency, self.interval = frequency, interval

    def set_weekday(self, day: int) -> None:
        if self.weekday is not None and self.weekday != day:
            raise CadenceError(self.words[self.i - 1], "one day of the week, please")
        self.weekday = day

    def read_every(self) -> None:
        self.take()
        word = self.peek()
        number = _NUMBER_WORDS.get(word) or (int(word) if word.isdigit() else None)
        if word in ("week", "weeks"):
            self.take()
            self.set_frequency(Frequency.WEEKLY, 1)
        elif word in ("month", "months"):
            self.take()
            self.set_frequency(Frequency.MONTHLY, 1)
        elif word in _DAY_NAMES:
            self.set_frequency(Frequency.WEEKLY, 1)
        elif number is not None:
            self.take()
            if not 1 <= number <= MAX_INTERVAL_WEEKS:
                raise CadenceError(word, f"meet at least every {MAX_INTERVAL_WEEKS} weeks")
            if self.peek() in ("week", "weeks"):
                self.take()
            elif self.peek() not in _DAY_NAMES:
                raise self.fail("say every 2 weeks, or every other Friday")
            self.set_frequency(Frequency.WEEKLY, number)
        else:
            raise self.fail("say every week, every 2 weeks, every other Friday or every month")

    def read_time(self, *, required: bool) -> None:
        word = self.peek()
        if word in ("noon", "midday"):
            self.take()
            self.set_time(time(12, 0))
            return
        match = _TIME.match(word)
        if match is None:
            if required:
                raise self.fail("a time looks like 10:00, 15:30, 9am or 4:30pm")
            return
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        suffix = (match.group(3) or "").replace(".", "")
        if match.group(2) is None and not suffix:
            raise self.fail("a time looks like 10:00, 15:30, 9am or 4:30pm")
        if suffix:
            if not 1 <= hour <= 12:
                raise self.fail("with am or pm, the hour goes from 1 to 12")
            hour = hour % 12 + (12 if suffix == "pm" else 0)
        if hour > 23 or minute > 59:
            raise self.fail("that is not a time of day")
        self.take()
        self.set_time(time(hour, minute))

    def set_time(self, at: time) -> None:
        if self.at is not None and self.at != at:
            raise CadenceError(self.words[self.i - 1], "one time of day, please")
        self.at = at

    def read_duration(self) -> None:
        amount, unit = self.peek(), ""
        match = re.match(r"^(\d+)(min|mins|minutes|m|h|hr|hour|hours)?$", amount)
        if match is None:
            raise self.fail("say how long, for example for 45 min")
        self.take()
        unit = match.group(2) or self.peek()
        if unit not in ("min", "mins", "minutes", "m", "h", "hr", "hour", "hours"):
            raise self.fail("say how long, for example for 45 min")
        if match.group(2) is None:
            self.take()
        minutes = int(match.group(1)) * (60 if unit.startswith("h") else 1)
        if not MIN_MINUTES <= minutes <= MAX_MINUTES:
            raise CadenceError(amount, f"a 1:1 lasts from {MIN_MINUTES} to {MAX_MINUTES} minutes")
        self.minutes = minutes

    def schedule(self, *, default_zone: str, today: date) -> Schedule:
        if self.weekday is None:
            raise CadenceError(" ".join(self.words), "say which day of the week")
        frequency = self.frequency or Frequency.WEEKLY
        if self.nth is not None and frequency is not Frequency.MONTHLY:
            raise CadenceError(ORDINALS.get(self.nth, ""), "first/last go with monthly")
        zone = _zone(self.zone or default_zone)
        cadence = Cadence(
            frequency=frequency,
            weekday=self.weekday,
            at=self.at or DEFAULT_TIME,
            zone=zone,
            interval=(self.interval or 1) if frequency is Frequency.WEEKLY else 1,
            nth=self.nth or 1,
        )
        start = _start_date(self.start, today)
        return Schedule(cadence, start, self.minutes or DEFAULT_MINUTES)


@cache
def _zones_by_lowercase() -> dict[str, str]:
    return {zone.lower(): zone for zone in available_timezones()}


def is_zone(name: object) -> bool:
    """Whether `name` is an IANA zone, spelled as IANA spells it, that this machine knows."""
    return isinstance(name, str) and _zones_by_lowercase().get(name.lower()) == name


def _zone(name: str) -> str:
    """The IANA name, spelled as IANA spells it (`europe/warsaw` → `Europe/Warsaw`)."""
    known = _zones_by_lowercase().get(name.lower())
    if known is not None:
        return known
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise CadenceError(
            name, "not a timezone I know; use an IANA name like Europe/Warsaw"
        ) from None
    return name


def _start_date(text: str | None, today: date) -> date:
    if text is None:
        return today
    try:
        start = date.fromisoformat(text)
    except ValueError:
        raise CadenceError(text, "a start date looks like 2026-12-01 (and must exist)") from None
    if start - today > MAX_START_AHEAD:
        raise CadenceError(text, "start within the next year")
    return start


def with_zone(schedule: Schedule, zone: str) -> Schedule:
    return replace(schedule, cadence=replace(schedule.cadence, zone=_zone(zone)))
