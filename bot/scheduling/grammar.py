"""What people type for a cadence, read into a `Schedule`, or refused with the reason in words.

One left-to-right pass over the words; every word is either used or refused, so nothing is
ever dropped in silence. Where a phrase has two plain readings ("every second Tuesday", a
bare "at 3:30"), the grammar either asks back or takes the one people mean inside working
hours and says so in `Schedule.readings`. The phrases it reads, and where each came from, are
the table in tests/scheduling/test_grammar.py.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import replace
from datetime import date, time, timedelta

from bot.scheduling.cadence import (
    DEFAULT_MINUTES,
    DEFAULT_TIME,
    MAX_INTERVAL_MONTHS,
    MAX_INTERVAL_WEEKS,
    MAX_MINUTES,
    MAX_START_AHEAD,
    MIN_MINUTES,
    ORDINALS,
    WEEKDAYS,
    Cadence,
    CadenceError,
    Frequency,
    Schedule,
)
from bot.scheduling.zones import (
    ABBREVIATIONS,
    AMBIGUOUS,
    UTC_NAMES,
    ZoneUnknown,
    place_name,
    read_zone,
    stored_zone,
)

TRY = "try “weekly on Tuesday at 10:00” or “monthly on the first Monday at 14:00”"
_DAY_NAMES = {
    **{name.lower(): i for i, name in enumerate(WEEKDAYS)},
    **{name.lower() + "s": i for i, name in enumerate(WEEKDAYS)},
    **dict.fromkeys(("mon", "mo", "mons"), 0),
    **dict.fromkeys(("tue", "tues", "tu", "tuesdays"), 1),
    **dict.fromkeys(("wed", "weds", "wednes"), 2),
    **dict.fromkeys(("thu", "thur", "thurs", "th", "thr"), 3),
    **dict.fromkeys(("fri", "fr", "fris"), 4),
    **dict.fromkeys(("sat",), 5),
    **dict.fromkeys(("sun",), 6),
}
_POSITIONS = {
    **dict.fromkeys(("first", "1st"), 1),
    **dict.fromkeys(("second", "2nd"), 2),
    **dict.fromkeys(("third", "3rd"), 3),
    **dict.fromkeys(("fourth", "4th"), 4),
    "last": -1,
    "penultimate": -2,
}
_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twelve": 12,
}
_WEEK_ORDINALS = {"other": 2, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
_WEEK_ORDINALS |= {"fifth": 5, "5th": 5, "sixth": 6, "6th": 6}
_FILLER = {"on", "the", "of", "each", "a", "an", "and", "&", "please", "pls", "plz", "to", "once"}
_FILLER |= {"meeting", "meetings", "1:1", "1:1s", "1-1", "1on1", "one-on-one", "sync", "per"}
_FILLER |= {"time", "my", "our", "we", "meet", "let's", "lets"}
_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS |= {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
_MONTHS["sept"] = 9
_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?(am|pm|a|p)?$")
_COMPACT_TIME = re.compile(r"^(\d{1,2})(\d{2})(am|pm|a|p)?$")  # 1400, 930am
_ORDINAL_DAY = re.compile(r"^(\d{1,2})(st|nd|rd|th)$")
_DURATION = re.compile(
    r"^(\d+(?:\.\d+)?)(m|min|mins|minute|minutes|h|hr|hrs|hour|hours)?(?:(\d{1,2})(m|min)?)?$"
)
_COUNTED = {"week", "weeks", "month", "months", "times", "x", "occurrences", "meetings"}
_MINUTE_UNITS = {"m", "min", "mins", "minute", "minutes"}
_HOUR_UNITS = {"h", "hr", "hrs", "hour", "hours"}
_REFUSED = {
    **dict.fromkeys(
        ("daily", "day", "days", "everyday", "weekday", "weekdays", "hourly"),
        "a 1:1 meets at most once a week; for a daily check-in try a stand-up tool",
    ),
    **dict.fromkeys(
        ("weekend", "weekends"),
        "a 1:1 meets on one day of the week; say which, like “every Saturday”",
    ),
    **dict.fromkeys(
        ("twice", "semimonthly", "semi-monthly"),
        "say which two: “every 2 weeks on Friday” or “monthly on the first and third Friday”",
    ),
    "bimonthly": "it can mean twice a month or every two months; say “monthly on the first "
    "and third Friday” or “every 2 months on the first Friday”",
    **dict.fromkeys(
        ("yearly", "annually", "year", "years", "quarter"),
        f"a 1:1 meets at least every {MAX_INTERVAL_MONTHS} months",
    ),
    **dict.fromkeys(
        ("until", "till", "ending", "through"),
        "a 1:1 runs until one of you ends it (/oneonone end); it has no end date",
    ),
}


def parse_schedule(text: str, *, default_zone: str, today: date) -> Schedule:
    """Read what someone typed for a cadence (`weekly on Tuesday at 10:00 [starting
    2026-12-01] [for 45 min] [in Europe/Warsaw]` and the many other spellings in the grammar
    table). `today` is the day in the writer's zone. Raises `CadenceError` quoting the part
    not understood and saying why."""
    words = _words(text)
    if not words:
        raise CadenceError("", "say how often, on which day and at what time; " + TRY)
    reading = _Reading(words, today)
    reading.read()
    return reading.schedule(default_zone=default_zone)


def schedule_from_fields(
    *,
    every: tuple[Frequency, int, tuple[int, ...]],
    weekday: str,
    at: str,
    minutes: int,
    zone: str,
    start: str,
    today: date,
) -> Schedule:
    """A schedule from a form's fields, as submitted: how often (frequency, interval, weeks
    of the month), a weekday's name, `HH:MM`, minutes, a zone as people write it, and an ISO
    date or nothing. Each refusal names its field (`CadenceError.field`)."""

    def refuse(field: str, given: str, reason: str) -> CadenceError:
        return CadenceError(given[:50], reason, field=field)

    if weekday not in WEEKDAYS:
        raise refuse("weekday", weekday, "choose a day of the week")
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise refuse("minutes", str(minutes), "choose how long from the list")
    try:
        wall = time.fromisoformat(at)
    except ValueError:
        raise refuse("time", at, "that is not a time of day") from None
    try:
        first = date.fromisoformat(start) if start else today
    except ValueError:
        raise refuse("start", start, "that is not a date") from None
    _check_start(first, today, start, field="start")
    try:
        where = read_zone(zone)
    except ZoneUnknown as error:
        raise refuse("zone", zone, str(error)) from None
    frequency, interval, weeks = every
    cadence = Cadence(frequency, WEEKDAYS.index(weekday), wall, where, interval, weeks)
    return Schedule(cadence, first, minutes, readings=tuple(cadence.notes()))


def _check_start(first: date, today: date, said: str, *, field: str | None = None) -> None:
    if first - today > MAX_START_AHEAD:
        raise CadenceError(said, "start within the next year", field=field)


# A word that names a frequency by itself: (frequency, interval).
FREQUENCY_WORDS = {
    "weekly": (Frequency.WEEKLY, 1),
    "biweekly": (Frequency.WEEKLY, 2),
    "fortnightly": (Frequency.WEEKLY, 2),
    "triweekly": (Frequency.WEEKLY, 3),
    "monthly": (Frequency.MONTHLY, 1),
    "quarterly": (Frequency.MONTHLY, 3),
}


def _words(text: str) -> list[str]:
    text = text.strip().rstrip(".!;").replace("\u00a0", " ")
    text = re.sub(r"\b([ap])\.m\.?", r"\1m", text, flags=re.IGNORECASE)
    text = re.sub(r"(\d)\s+(am|pm|a|p)\b", r"\1\2", text, flags=re.IGNORECASE)
    text = re.sub(r"\b(bi|tri)-weekly\b", r"\1weekly", text, flags=re.IGNORECASE)
    text = re.sub(r"(\d)-(minute|min|hour)s?\b", r"\1 \2", text, flags=re.IGNORECASE)
    text = re.sub(r"@(?=\s|\d)", " at ", text)  # "@ 10am", not a mention such as <@U1>
    words = [w.rstrip(".") if not _TIME.match(w) else w for w in re.split(r"[\s,;]+", text)]
    return [w for w in words if w]


class _Reading:
    """One pass over the words; anything not consumed is an error."""

    def __init__(self, words: list[str], today: date) -> None:
        self.words = words
        self.today = today
        self.i = 0
        self.frequency: Frequency | None = None
        self.interval: int | None = None
        self.month_context = False
        self.weekday: int | None = None
        self.positions: list[int] = []
        self.monthday: int | None = None
        self.at: time | None = None
        self.start: date | None = None
        self.minutes: int | None = None
        self.zone: str | None = None
        self.readings: list[str] = []
        self.ambiguous_every: tuple[str, int] | None = None
        self.day_said = ""  # the words that named the week or day of the month

    # -- the cursor -----------------------------------------------------------------------

    def peek(self, ahead: int = 0) -> str:
        at = self.i + ahead
        return self.words[at].lower() if at < len(self.words) else ""

    def take(self) -> str:
        word = self.words[self.i]
        self.i += 1
        return word

    def fail(self, reason: str, span: int = 1) -> CadenceError:
        return CadenceError(" ".join(self.words[self.i : self.i + span]), reason)

    def said(self, start: int) -> str:
        return " ".join(self.words[start : self.i])

    # -- the pass -------------------------------------------------------------------------

    def read(self) -> None:
        while self.i < len(self.words):
            word = self.peek()
            if word in _REFUSED:
                raise self.fail(_REFUSED[word])
            if word in ("fifth", "5th") and self.peek(1) in _DAY_NAMES:
                raise self.fail("not every month has a fifth one; try “the last”", span=2)
            if word == "every":
                self.read_every()
            elif word in ("week", "weeks"):
                self.take()
                if self.frequency is not Frequency.WEEKLY:
                    self.set_frequency(Frequency.WEEKLY, 1)
            elif word in ("month", "months"):
                self.take()
                self.month_context = True
                if self.frequency is not Frequency.MONTHLY:
                    self.set_frequency(Frequency.MONTHLY, 1)
            elif word in FREQUENCY_WORDS:
                self.take()
                self.read_frequency_word(word)
            elif word == "at":
                self.take()
                self.read_time(required=True)
            elif word in _FILLER:
                self.take()
            elif word in _POSITIONS or (word == "next" and self.to_last()):
                self.read_positions()
            elif _ORDINAL_DAY.match(word) or word == "day":
                self.read_monthday()
            elif word in _DAY_NAMES:
                self.set_weekday(_DAY_NAMES[self.take().lower()])
            elif word == "end" and self.peek(1) == "of":
                start = self.i
                self.i += 2
                self.set_monthday(31, start)
            elif word in ("starting", "from", "beginning", "starts", "start", "begins"):
                self.take()
                self.read_start()
            elif word == "for":
                self.take()
                self.read_duration(required=True)
            elif word == "in":
                self.take()
                self.read_zone_words(required=True)
            elif self.is_time(word):
                self.read_time(required=False)
            elif _DURATION.match(word) and self.is_duration():
                self.read_duration(required=False)
            else:
                raise self.fail(f"this is not part of a schedule I can read; {TRY}")

    def read_frequency_word(self, word: str) -> None:
        self.set_frequency(*FREQUENCY_WORDS[word])

    def set_frequency(self, frequency: Frequency, interval: int) -> None:
        if self.frequency is not None and (self.frequency, self.interval) != (frequency, interval):
            raise CadenceError(self.words[self.i - 1], "the schedule names two frequencies")
        self.frequency, self.interval = frequency, interval

    def set_weekday(self, day: int) -> None:
        if self.weekday is not None and self.weekday != day:
            raise CadenceError(
                self.words[self.i - 1],
                "a 1:1 meets on one day of the week; for two a week, schedule two 1:1s",
            )
        self.weekday = day

    def read_every(self) -> None:
        start = self.i
        self.take()
        word = self.peek()
        number = _NUMBERS.get(word) or (int(word) if word.isdigit() else None)
        if word in ("week", "weeks", "month", "months", "fortnight") or word in _DAY_NAMES:
            if word == "fortnight":
                self.take()
                self.set_frequency(Frequency.WEEKLY, 2)
            return  # the next word says it
        if word in _REFUSED or (_ORDINAL_DAY.match(word) and word not in _WEEK_ORDINALS):
            return  # "every day" is refused, "every 15th" is a day of the month
        if number is None and word not in _WEEK_ORDINALS and word not in ("first", "1st", "last"):
            raise self.fail(
                "say “every week”, “every 2 weeks”, “every other Friday” or “every month”"
            )
        self.take()
        unit = self.peek()
        if word in ("first", "1st", "last") or (word in _POSITIONS and unit in ("and", "&", "of")):
            self.i -= 1  # "every first Monday", "every second and fourth Tuesday": positions
            return
        if number is None and unit in _DAY_NAMES:
            if word == "other":
                self.set_frequency(Frequency.WEEKLY, 2)
            else:  # "every second Tuesday": every 2 weeks, or the second of the month?
                said = f"{self.said(start)} {self.words[self.i]}"
                self.ambiguous_every = (said, _WEEK_ORDINALS[word])
            return
        if unit in _REFUSED:
            raise self.fail(_REFUSED[unit])
        count = number if number is not None else _WEEK_ORDINALS[word]
        if unit in ("week", "weeks") or (unit in _DAY_NAMES and number is not None):
            if unit in ("week", "weeks"):
                self.take()
            if not 1 <= count <= MAX_INTERVAL_WEEKS:
                often = f"meet at least every {MAX_INTERVAL_WEEKS} weeks"
                raise CadenceError(self.said(start), often)
            self.set_frequency(Frequency.WEEKLY, count)
        elif unit in ("month", "months"):
            self.take()
            self.month_context = True
            if not 1 <= count <= MAX_INTERVAL_MONTHS:
                raise CadenceError(
                    self.said(start), f"meet at least every {MAX_INTERVAL_MONTHS} months"
                )
            self.set_frequency(Frequency.MONTHLY, count)
        else:
            raise self.fail("say “every 2 weeks”, “every 2 months” or “every other Friday”")

    def to_last(self) -> int | None:
        """How many words say "the Nth to last" here (`2nd last`, `second to the last`,
        `next to last`), or None."""
        if self.peek() not in _POSITIONS and self.peek() != "next":
            return None
        words = 1
        for optional in ("to", "the"):
            if self.peek(words) == optional:
                words += 1
        return words + 1 if self.peek(words) == "last" else None

    def read_positions(self) -> None:
        """`first`, `first and third`, `2nd and last`, `second to last`, `last day`."""
        start = self.i
        positions: list[int] = []
        while True:
            span = self.to_last()
            if span is not None and self.peek() != "last":
                n = 2 if self.peek() == "next" else _POSITIONS[self.peek()]
                if n != 2:
                    raise self.fail(
                        "the last and the second to last are the weeks I count from the end",
                        span=span,
                    )
                self.i += span
                positions.append(-2)
            elif self.peek() in _POSITIONS:
                positions.append(_POSITIONS[self.peek()])
                self.take()
            else:
                break
            if self.peek() in ("and", "&", "or") and (
                self.peek(1) in _POSITIONS or self.peek(1) == "next"
            ):
                self.take()
        if self.peek() == "day" or (self.peek() == "business" and self.peek(1) == "day"):
            if self.peek() == "business":
                raise self.fail("business days are not supported; try “the last Friday”")
            self.take()
            if len(positions) != 1:
                raise CadenceError(self.said(start), "a 1:1 meets on one day of the month")
            self.set_monthday(31 if positions == [-1] else positions[0], start)
            return
        if self.peek() not in _DAY_NAMES:
            if len(positions) == 1 and positions[0] > 0 and self.words[start][0].isdigit():
                self.i = start  # "the 1st" is a day of the month
                self.read_monthday()
                return
            if positions in ([1], [2], [3], [-1]) and self.peek() in ("of", ""):
                # "the first of each month", "the last of the month": a day of the month
                self.set_monthday(31 if positions == [-1] else positions[0], start)
                return
            raise self.fail(f"say which day: “the {ORDINALS[positions[0]]} Friday” or “the 15th”")
        if len(set(positions)) != len(positions):
            raise CadenceError(self.said(start), "each week of the month once, please")
        if self.positions and sorted(self.positions) != sorted(positions):
            raise CadenceError(self.said(start), "the schedule names the weeks twice")
        self.positions = positions
        self.day_said = self.said(start)

    def read_monthday(self) -> None:
        start = self.i
        word = self.take().lower()
        if word == "day":
            number = self.peek()
            if not number.isdigit():
                raise CadenceError(self.said(start), "say which day of the month, like “day 15”")
            self.take()
            day = int(number)
        else:
            match = _ORDINAL_DAY.match(word)
            assert match is not None
            day = int(match.group(1))
        if self.peek() == "day":  # "the 4th day"
            self.take()
        if not 1 <= day <= 31:
            raise CadenceError(self.said(start), "a month has days 1 to 31")
        if self.peek() in _DAY_NAMES:
            raise CadenceError(
                f"{self.said(start)} {self.words[self.i]}",
                "say “the 2nd Friday” for a week of the month; days of the month go to 31 "
                "but weeks to the 4th or the last",
            )
        self.set_monthday(day, start)

    def set_monthday(self, day: int, start: int) -> None:
        if self.monthday is not None and self.monthday != day:
            raise CadenceError(
                self.said(start),
                "a 1:1 meets on one day of the month; for two a month try "
                "“monthly on the first and third Friday”",
            )
        self.monthday = day
        self.day_said = self.said(start)

    def is_time(self, word: str) -> bool:
        if word in ("noon", "midday", "midnight"):
            return True
        match = _TIME.match(word)
        if match is not None:
            return bool(match.group(2) or match.group(3))
        compact = _COMPACT_TIME.match(word)  # 1400, 0930; three digits only with am/pm (930am)
        return compact is not None and (len(word) == 4 or compact.group(3) is not None)

    def read_time(self, *, required: bool) -> None:
        start = self.i
        word = self.peek()
        fixed = {"noon": time(12), "midday": time(12), "midnight": time(0)}
        if word in fixed:
            self.take()
            self.set_time(fixed[word], start)
            return
        if required and word in _NUMBERS and _NUMBERS[word] <= 12:  # "at two" (Slack's /remind)
            self.words[self.i] = str(_NUMBERS[word])
            word = self.peek()
        match = _TIME.match(word) or _COMPACT_TIME.match(word)
        if match is None or (match.re is _COMPACT_TIME and not self.is_time(word)):
            if required:
                raise self.fail("a time looks like 10:00, 15:30, 9am or 4:30pm")
            return
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        suffix = (match.group(3) or "").rstrip("m")
        if suffix:
            if not 1 <= hour <= 12:
                raise self.fail("with am or pm, the hour goes from 1 to 12")
            hour = hour % 12 + (12 if suffix == "p" else 0)
        if hour > 23 or minute > 59:
            raise self.fail("that is not a time of day")
        self.take()
        if not suffix and 1 <= hour <= 6 and not word.startswith("0"):
            # "at 3:30" is the afternoon in working hours; 03:30 only when written so.
            self.readings.append(
                f"I read {word} as {hour + 12:02d}:{minute:02d} (the afternoon); "
                f"say {word}am or 0{hour}:{minute:02d} for the night."
            )
            hour += 12
        self.set_time(time(hour, minute), start)
        if self.is_zone_word(self.peek()):
            self.read_zone_words(required=True)

    def set_time(self, at: time, start: int) -> None:
        if self.at is not None and self.at != at:
            raise CadenceError(self.said(start), "a 1:1 has one time of day")
        self.at = at

    def is_zone_word(self, word: str) -> bool:
        return (
            word in UTC_NAMES
            or word in ABBREVIATIONS
            or word in AMBIGUOUS
            or "/" in word
            or re.match(r"^(utc|gmt)?[+-−]\d", word) is not None
        )

    def read_zone_words(self, *, required: bool) -> None:
        """A zone of up to three words (`New York`, `Europe/Warsaw`, `UTC+2`, `EST`)."""
        start = self.i
        if not self.peek():
            raise self.fail("say the timezone, for example in Europe/Warsaw")
        problem: ZoneUnknown | None = None
        for span in (3, 2, 1):
            if self.i + span > len(self.words):
                continue
            try:
                zone = read_zone(" ".join(self.words[self.i : self.i + span]))
            except ZoneUnknown as error:
                problem = error if span == 1 else problem
                continue
            written = " ".join(self.words[self.i : self.i + span])
            self.i += span
            if written.lower() in ABBREVIATIONS:
                self.readings.append(
                    f"I read {written} as {place_name(zone)} time, which keeps its summer time."
                )
            elif written.lower() == "gmt":
                self.readings.append(
                    "I read GMT as UTC, which has no summer time (for UK time, say in London)."
                )
            if self.zone is not None and self.zone != zone:
                raise CadenceError(self.said(start), "the schedule names two timezones")
            self.zone = zone
            if self.peek() == "time":
                self.take()
            return
        if required and problem is not None:
            raise CadenceError(self.words[start], str(problem))

    def read_duration(self, *, required: bool) -> None:
        start = self.i
        word = self.peek()
        if word in ("an", "a", "one") and self.peek(1) in _HOUR_UNITS:
            self.take()
            self.take()
            self.set_minutes(60, start)
            return
        if word == "half" and self.peek(1) in ("an", "a") and self.peek(2) in _HOUR_UNITS:
            self.i += 3
            self.set_minutes(30, start)
            return
        if word in _NUMBERS and (self.peek(1) in _HOUR_UNITS or self.peek(1) in _MINUTE_UNITS):
            self.take()
            unit = self.take().lower()
            self.set_minutes(_NUMBERS[word] * (60 if unit in _HOUR_UNITS else 1), start)
            return
        match = _DURATION.match(word)
        if match is None:
            if self.peek(1) in _COUNTED:
                raise self.fail(
                    "“for” says how long each meeting lasts; a 1:1 runs until one of you ends it",
                    span=2,
                )
            raise self.fail("say how long, for example “for 45 min” or “for an hour”")
        self.take()
        amount, unit, extra = float(match.group(1)), match.group(2), match.group(3)
        if unit is None:
            unit = self.peek()
            if unit in _COUNTED:
                raise CadenceError(
                    self.said(start) + " " + unit,
                    "“for” says how long each meeting lasts; a 1:1 runs until one of you ends it",
                )
            if unit not in _MINUTE_UNITS and unit not in _HOUR_UNITS:
                raise self.fail("say how long, for example “for 45 min” or “for an hour”")
            self.take()
        minutes = amount * (60 if unit in _HOUR_UNITS else 1) + (int(extra) if extra else 0)
        if extra and unit not in _HOUR_UNITS:
            raise CadenceError(self.said(start), "say how long, for example “for 1h30”")
        self.set_minutes(round(minutes), start)

    def is_duration(self) -> bool:
        match = _DURATION.match(self.peek())
        return match is not None and (
            match.group(2) is not None
            or self.peek(1) in _MINUTE_UNITS
            or self.peek(1) in _HOUR_UNITS
        )

    def set_minutes(self, minutes: int, start: int) -> None:
        if not MIN_MINUTES <= minutes <= MAX_MINUTES:
            raise CadenceError(
                self.said(start), f"a 1:1 lasts from {MIN_MINUTES} to {MAX_MINUTES} minutes"
            )
        if self.minutes is not None and self.minutes != minutes:
            raise CadenceError(self.said(start), "the schedule says two lengths")
        self.minutes = minutes

    def read_start(self) -> None:
        while self.peek() in ("on", "the"):
            self.take()
        start = self.i
        first = self._start_date()
        _check_start(first, self.today, self.said(start))
        if self.start is not None and self.start != first:
            raise CadenceError(self.said(start), "the schedule names two start dates")
        self.start = first

    def _start_date(self) -> date:
        word, today = self.peek(), self.today
        if not word:
            raise self.fail("say the first date, like 2026-12-01, “next week” or “Monday”")
        if word in ("today", "now"):
            self.take()
            return today
        if word == "tomorrow":
            self.take()
            return today + timedelta(days=1)
        if word in ("next", "this") and self.peek(1) in ("week", "month"):
            self.take()
            unit = self.take().lower()
            if unit == "week":
                return today + timedelta(days=7 - today.weekday())
            return (today.replace(day=1) + timedelta(days=32)).replace(day=1)
        if word in ("next", "this") and self.peek(1) in _DAY_NAMES:
            self.take()
            word = self.peek()
        if word in _DAY_NAMES:
            self.take()
            ahead = (_DAY_NAMES[word] - today.weekday()) % 7 or 7
            return today + timedelta(days=ahead)
        if re.match(r"^\d{4}-\d{1,2}-\d{1,2}$", word):
            self.take()
            try:
                return date(*map(int, word.split("-")))
            except ValueError:
                raise CadenceError(word, "that date does not exist") from None
        return self._month_day()

    def _month_day(self) -> date:
        """`Jan 5`, `January 5th`, `5 January`, `5th of January 2027`."""
        start = self.i
        month = day = year = None
        for _ in range(4):
            word = self.peek()
            digits = re.match(r"^(\d{1,2})(st|nd|rd|th)?$", word)
            if word in _MONTHS and month is None:
                month = _MONTHS[word]
            elif digits and day is None:
                day = int(digits.group(1))
            elif re.match(r"^\d{4}$", word) and day is not None and month is not None:
                year = int(word)
            elif word == "of" and day is not None and month is None:
                pass
            else:
                break
            self.take()
        if month is None or day is None:
            self.i = start
            raise self.fail(
                "a start date looks like 2026-12-01, “December 1”, “next week” or “Monday”"
            )
        try:
            first = date(year or self.today.year, month, day)
            if year is None and first < self.today:
                first = date(self.today.year + 1, month, day)
        except ValueError:
            raise CadenceError(self.said(start), "that date does not exist") from None
        return first

    # -- the result -----------------------------------------------------------------------

    def schedule(self, *, default_zone: str) -> Schedule:
        everything = " ".join(self.words)
        monthly = bool(self.positions) or self.monthday is not None or self.month_context
        if self.ambiguous_every is not None:
            said, n = self.ambiguous_every
            day = WEEKDAYS[self.weekday or 0]
            if n not in ORDINALS:
                raise CadenceError(said, f"say “every {n} weeks on {day}”")
            if not monthly:
                raise CadenceError(
                    said,
                    f"it can mean every {n} weeks or the {ORDINALS[n]} {day} of each month; "
                    f"say “every {n} weeks on {day}” or “monthly on the {ORDINALS[n]} {day}”",
                )
            if self.positions and self.positions != [n]:
                raise CadenceError(said, "the schedule names the weeks twice")
            self.positions = [n]
        frequency = self.frequency or (Frequency.MONTHLY if monthly else Frequency.WEEKLY)
        if frequency is Frequency.WEEKLY:
            if self.positions or self.monthday is not None:
                which = "week" if self.positions else "day"
                raise CadenceError(
                    self.day_said, f"that is a {which} of the month, so it goes with monthly"
                )
            if self.weekday is None:
                raise CadenceError(everything, "say which day of the week, like “on Tuesday”")
        elif self.monthday is not None and self.weekday is not None:
            raise CadenceError(
                everything,
                f"say either the day of the month (the {self.monthday}th) or the weekday "
                f"(the first {WEEKDAYS[self.weekday]}), not both",
            )
        elif self.monthday is None and self.weekday is None:
            raise CadenceError(everything, "say which day: “on the first Monday” or “on the 15th”")
        elif self.monthday is None and not self.positions:
            self.readings.append(
                f"“monthly on {WEEKDAYS[self.weekday or 0]}” is the first "
                f"{WEEKDAYS[self.weekday or 0]} of each month."
            )
        try:
            zone = stored_zone(self.zone or default_zone)
        except ZoneUnknown as error:
            raise CadenceError(self.zone or default_zone, str(error)) from None
        cadence = Cadence(
            frequency=frequency,
            weekday=self.weekday if self.monthday is None else None,
            at=self.at or DEFAULT_TIME,
            zone=zone,
            interval=self.interval or 1,
            positions=tuple(self.positions) if self.monthday is None else (),
            monthday=self.monthday if frequency is Frequency.MONTHLY else None,
        )
        schedule = Schedule(cadence, self.start or self.today, self.minutes or DEFAULT_MINUTES)
        return replace(schedule, readings=(*self.readings, *cadence.notes()))
