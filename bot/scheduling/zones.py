"""Time zones as people name them: IANA names, cities, abbreviations, and fixed offsets.

A 1:1's zone is stored as an IANA name (`America/New_York`) or, only when someone wrote one, a
fixed offset spelled `UTC+05:30`, which never follows daylight saving. `tzinfo_of` turns
either into a `tzinfo`; everything else in the app reads zones through it.
"""

from __future__ import annotations

import re
from datetime import timedelta, timezone, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

# An abbreviation names a region, whose IANA zone follows its daylight saving: "EST" in July
# means New York's EDT, not the fixed UTC−5 that IANA's legacy zone `EST` is. IANA ships no
# table of abbreviations (they are not unique), so this one is ours; the ambiguous ones ask.
ABBREVIATIONS = {
    **dict.fromkeys(("est", "edt", "et", "eastern"), "America/New_York"),
    **dict.fromkeys(("cdt", "ct", "central"), "America/Chicago"),
    **dict.fromkeys(("mdt", "mt", "mountain"), "America/Denver"),
    **dict.fromkeys(("pst", "pdt", "pt", "pacific"), "America/Los_Angeles"),
    **dict.fromkeys(("akst", "akdt"), "America/Anchorage"),
    "hst": "Pacific/Honolulu",
    **dict.fromkeys(("bst",), "Europe/London"),
    **dict.fromkeys(("wet", "west"), "Europe/Lisbon"),
    **dict.fromkeys(("cet", "cest"), "Europe/Paris"),
    **dict.fromkeys(("eet", "eest"), "Europe/Athens"),
    "msk": "Europe/Moscow",
    "sast": "Africa/Johannesburg",
    "jst": "Asia/Tokyo",
    "kst": "Asia/Seoul",
    "sgt": "Asia/Singapore",
    "hkt": "Asia/Hong_Kong",
    **dict.fromkeys(("aest", "aedt"), "Australia/Sydney"),
    **dict.fromkeys(("acst", "acdt"), "Australia/Adelaide"),
    "awst": "Australia/Perth",
    **dict.fromkeys(("nzst", "nzdt"), "Pacific/Auckland"),
    "brt": "America/Sao_Paulo",
}
AMBIGUOUS = {
    "ist": "India (Asia/Kolkata), Israel (Asia/Jerusalem) or Ireland (Europe/Dublin)",
    "cst": "US Central (America/Chicago), China (Asia/Shanghai) or Cuba (America/Havana)",
    "mst": "Denver (America/Denver) or Arizona, which keeps no summer time (America/Phoenix)",
    "ast": "Atlantic (America/Halifax) or Arabia (Asia/Riyadh)",
}
UTC_NAMES = {"utc", "gmt", "z", "zulu"}
_OFFSET = re.compile(r"^(?:utc|gmt)?([+-−])(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)
_FIXED = re.compile(r"^UTC([+-])(\d{2}):(\d{2})$")
_REGIONS = ("Africa", "America", "Antarctica", "Asia", "Atlantic", "Australia", "Europe")
_REGIONS += ("Indian", "Pacific")


@cache
def _zones_by_lowercase() -> dict[str, str]:
    return {zone.lower(): zone for zone in available_timezones()}


@cache
def _zones_by_city() -> dict[str, str]:
    """`new york` → `America/New_York`, for the cities that name exactly one region zone."""
    seen: dict[str, set[str]] = {}
    for zone in available_timezones():
        if zone.split("/", 1)[0] in _REGIONS and "/" in zone:
            seen.setdefault(city(zone).lower(), set()).add(zone)
    return {name: zones.pop() for name, zones in seen.items() if len(zones) == 1}


def city(zone: str) -> str:
    """How people name a zone: by its city (`America/New_York` is New York)."""
    return zone.rsplit("/", 1)[-1].replace("_", " ")


def place_name(zone: str) -> str:
    """The shortest name `read_zone` reads back to `zone`: its city where that is unique."""
    return city(zone) if _zones_by_city().get(city(zone).lower()) == zone else zone


def is_zone(name: object) -> bool:
    """Whether `name` is an IANA zone, spelled as IANA spells it, that this machine knows."""
    return isinstance(name, str) and _zones_by_lowercase().get(name.lower()) == name


def is_fixed(zone: str) -> bool:
    return _FIXED.match(zone) is not None


def tzinfo_of(zone: str) -> tzinfo:
    """The `tzinfo` of a stored zone: an IANA zone, or a fixed offset `UTC+05:30`."""
    fixed = _FIXED.match(zone)
    if fixed is None:
        return ZoneInfo(zone)
    sign = -1 if fixed.group(1) == "-" else 1
    return timezone(sign * timedelta(hours=int(fixed.group(2)), minutes=int(fixed.group(3))))


class ZoneUnknown(ValueError):
    """Not a zone; the message says why in words."""


def read_zone(words: str) -> str:
    """A zone as someone wrote it (`Europe/Warsaw`, `warsaw`, `New York`, `EST`, `UTC+2`,
    `+05:30`) as the zone we store. Raises `ZoneUnknown`, which says why."""
    name = words.strip()
    lowered = name.lower()
    if lowered in UTC_NAMES:
        return "UTC"
    if lowered in AMBIGUOUS:
        raise ZoneUnknown(f"{name} could mean {AMBIGUOUS[lowered]}; say which, by its name")
    if lowered in ABBREVIATIONS:
        return ABBREVIATIONS[lowered]
    offset = _OFFSET.match(name.replace(" ", ""))
    if offset is not None:
        hours, minutes = int(offset.group(2)), int(offset.group(3) or 0)
        if hours > 14 or minutes >= 60 or (hours == 14 and minutes):
            raise ZoneUnknown(f"{name} is not an offset from UTC (they go from −12:00 to +14:00)")
        sign = "-" if offset.group(1) in "-−" else "+"
        return "UTC" if hours == minutes == 0 else f"UTC{sign}{hours:02d}:{minutes:02d}"
    known = _zones_by_lowercase().get(lowered) or _zones_by_city().get(lowered.replace("_", " "))
    if known is not None:
        return known
    try:  # a zone this machine has that available_timezones() did not list
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ZoneUnknown(
            f"{name} is not a timezone I know; use its IANA name, like Europe/Warsaw"
        ) from None
    return name


def stored_zone(name: str) -> str:
    """A zone already read once (a stored one, or Slack's `tz`): kept as it is when IANA spells
    it so or it is a fixed offset, otherwise read as someone wrote it."""
    return name if is_zone(name) or is_fixed(name) else read_zone(name)
