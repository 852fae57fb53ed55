"""Each 1:1 is one iCalendar event series, and each person's running 1:1s are one feed.

The event: a UID stable for the pairing, DTSTART in the 1:1's own zone with its VTIMEZONE, the
cadence's RRULE (`cadence.ical_rule`), an EXDATE for each meeting skipped or not held while
paused, SEQUENCE raised by every change, STATUS CANCELLED once the 1:1 ended (TENTATIVE while
it is paused), and a title with the two names. It holds no answer and no note: only a link to
the app in Slack. Meetings held under an earlier cadence stay as events of their own.

The feed's secret is 192 random bits, shown once, kept only as its SHA-256: a lookup by that
digest takes the same time whether a secret is right, nearly right or unknown.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from icalendar import Calendar, Event
from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from bot.models import CalendarFeed, Meeting, MeetingStatus, Pairing, PairingStatus, Profile
from bot.scheduling.cadence import ical_rule
from bot.scheduling.service import schedule_of

SECRET_BYTES = 24  # 192 bits
SECRET_SHAPE = re.compile(r"[A-Za-z0-9_-]{32}")  # what secrets.token_urlsafe(24) makes
NOT_HELD = (MeetingStatus.SKIPPED, MeetingStatus.CANCELLED)
PRODID = "-//oneonone//1:1s//EN"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_link(session: Session, *, team_id: str, user_id: str, now: datetime) -> str | None:
    """A new feed secret for someone who has none; None if they have one (it cannot be shown
    again: only its digest is kept)."""
    found = session.scalar(
        select(CalendarFeed).where(CalendarFeed.team_id == team_id, CalendarFeed.user_id == user_id)
    )
    return None if found is not None else reset(session, team_id=team_id, user_id=user_id, now=now)


def reset(session: Session, *, team_id: str, user_id: str, now: datetime) -> str:
    """Revoke this person's feed, if any, and make a new secret."""
    session.execute(
        delete(CalendarFeed).where(CalendarFeed.team_id == team_id, CalendarFeed.user_id == user_id)
    )
    secret = secrets.token_urlsafe(SECRET_BYTES)
    session.add(
        CalendarFeed(team_id=team_id, user_id=user_id, secret_hash=_digest(secret), created_at=now)
    )
    session.flush()
    return secret


def owner(session: Session, secret: str) -> CalendarFeed | None:
    """The feed a secret opens, or None; a malformed secret is never looked up."""
    if not SECRET_SHAPE.fullmatch(secret):
        return None
    return session.scalar(select(CalendarFeed).where(CalendarFeed.secret_hash == _digest(secret)))


def link(pairing: Pairing) -> str:
    """Where an event points: the app in Slack (Slack's app_redirect), no content of the 1:1."""
    app = f"&app={pairing.app_id}" if pairing.app_id else ""
    return f"https://slack.com/app_redirect?team={pairing.team_id}{app}"


def feed(session: Session, *, team_id: str, user_id: str) -> bytes:
    """This person's 1:1s (accepted ones, running, paused or ended) as an iCalendar file."""
    pairings = session.scalars(
        select(Pairing)
        .where(
            Pairing.team_id == team_id,
            or_(Pairing.leader_id == user_id, Pairing.member_id == user_id),
            Pairing.status != PairingStatus.INVITED,
        )
        .order_by(Pairing.id)
    ).all()
    return _ical(session, team_id, pairings)


def one(session: Session, pairing: Pairing) -> bytes:
    """One 1:1 as an iCalendar file (the "Add to calendar" button's)."""
    return _ical(session, pairing.team_id, [pairing])


def _ical(session: Session, team_id: str, pairings: Sequence[Pairing]) -> bytes:
    people = {p for pairing in pairings for p in (pairing.leader_id, pairing.member_id)}
    names = dict(
        session.execute(
            select(Profile.user_id, Profile.name).where(
                Profile.team_id == team_id, Profile.user_id.in_(people)
            )
        ).all()
    )
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "1:1s")
    starts = []
    for pairing in pairings:
        for event in events(pairing, names):
            calendar.add_component(event)
            starts.append(event.decoded("dtstart").date())
    # Each zone's rules from the first event on (icalendar lists every change since 1970
    # otherwise), up to its default end, 2038; calendars also know the zone by its TZID.
    calendar.add_missing_timezones(first_date=min(starts, default=date(1970, 1, 1)))
    return calendar.to_ical()


def events(pairing: Pairing, names: dict[str, str | None]) -> list[Event]:
    """The 1:1's series, and each meeting held under an earlier cadence on its own."""
    where = link(pairing)
    rule, first = ical_rule(schedule_of(pairing))
    title = f"1:1: {_name(names, pairing.leader_id)} and {_name(names, pairing.member_id)}"
    stamp = pairing.changed_at or pairing.created_at
    series = _event(f"pairing-{pairing.id}.{pairing.team_id}@oneonone", title, where, stamp)
    series.add("dtstart", first)
    series.add("duration", timedelta(minutes=pairing.minutes))
    series.add("rrule", rule)
    series.add("sequence", pairing.sequence)
    series.add("status", _status(pairing))
    zone = first.tzinfo
    not_held = [
        m.starts_at.astimezone(zone)
        for m in pairing.meetings
        if m.status in NOT_HELD and m.starts_at >= first
    ]
    if not_held:
        series.add("exdate", not_held)
    earlier = [m for m in pairing.meetings if m.starts_at < first and m.status not in NOT_HELD]
    return [series, *(_one(pairing, m, title, where, zone) for m in earlier)]


def _one(pairing: Pairing, meeting: Meeting, title: str, where: str, zone: object) -> Event:
    uid = f"meeting-{meeting.id}.{pairing.team_id}@oneonone"
    event = _event(uid, title, where, pairing.changed_at or pairing.created_at)
    event.add("dtstart", meeting.starts_at.astimezone(zone))  # type: ignore[arg-type]
    event.add("duration", timedelta(minutes=meeting.minutes))
    event.add("sequence", pairing.sequence)
    event.add("status", "CONFIRMED")
    return event


def _event(uid: str, title: str, where: str, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("summary", title)
    event.add("description", f"Your questions, answers and notes are in Slack: {where}")
    event.add("url", where)
    return event


def _status(pairing: Pairing) -> str:
    if pairing.status is PairingStatus.ENDED:
        return "CANCELLED"
    return "TENTATIVE" if pairing.status is PairingStatus.PAUSED else "CONFIRMED"


def _name(names: dict[str, str | None], user_id: str) -> str:
    return names.get(user_id) or "a teammate"
