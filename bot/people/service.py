"""Each person's settings, with our defaults for anyone who never changed them.

A leader's settings shape every 1:1 they lead: when the prompt, the nudges and the agenda go
out, when their weekly summary arrives, and which questions are asked. Anyone's working hours
and days (in their own Slack timezone) decide when a nudge or a reminder may reach them.
The values live on `Profile`; this module turns them into plain values and back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta, tzinfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.checkins.questions import Question, questions_from_json, questions_to_json
from bot.db import insert_or_nothing
from bot.models import Pairing, PairingStatus, Profile
from bot.scheduling.zones import tzinfo_of

PROMPT_LEADS = (4, 8, 12, 24, 48, 72)  # hours before the meeting
NUDGE_LEADS = (2, 3, 4, 6, 8)  # hours before the meeting
AGENDA_LEADS = (15, 30, 60, 120, 240)  # minutes before the meeting
NUDGE_COUNTS = (0, 1, 2)
MAX_PROMPT_LEAD = timedelta(hours=max(PROMPT_LEADS))
SECOND_NUDGE_GAP = timedelta(hours=1)  # two nudges closer than this are one
TIME_TO_ANSWER = timedelta(hours=1)  # the last nudge or reminder leaves this before the agenda


class SettingsError(ValueError):
    """A setting that cannot be kept; `field` names the part of the form that is wrong."""

    def __init__(self, field: str, sentence: str) -> None:
        super().__init__(sentence)
        self.field = field


@dataclass(frozen=True)
class WorkingHours:
    """When someone may be nudged or reminded: local times on local days (0 is Monday)."""

    start: time = time(9, 0)
    end: time = time(18, 0)
    days: frozenset[int] = frozenset(range(5))

    def contains(self, moment: datetime, tz: tzinfo) -> bool:
        local = moment.astimezone(tz)
        return local.weekday() in self.days and self.start <= local.time() < self.end

    def next_opening(self, moment: datetime, tz: tzinfo) -> datetime:
        """The first moment of working hours after `moment` (today's, if not begun yet)."""
        local = moment.astimezone(tz)
        day = local.date() if local.time() < self.start else local.date() + timedelta(days=1)
        for _ in range(8):
            if day.weekday() in self.days:
                break
            day += timedelta(days=1)
        return datetime.combine(day, self.start, tzinfo=tz).astimezone(UTC)

    def latest_between(
        self,
        earliest: datetime,
        latest: datetime,
        tz: tzinfo,
        *,
        room: timedelta = timedelta(minutes=1),
    ) -> datetime | None:
        """The last working time in [earliest, latest] that leaves `room` of that working day
        (by default its last minute), or None if there is none."""
        day = latest.astimezone(tz).date()
        while day >= earliest.astimezone(tz).date():
            if day.weekday() in self.days:
                opens = datetime.combine(day, self.start, tzinfo=tz).astimezone(UTC)
                closes = datetime.combine(day, self.end, tzinfo=tz).astimezone(UTC)
                last = min(closes - room, latest)
                if last >= max(opens, earliest):
                    return last
            day -= timedelta(days=1)
        return None


@dataclass(frozen=True)
class Timeline:
    """A leader's timeline for each of their 1:1s, counted back from the meeting."""

    prompt_lead: timedelta = timedelta(hours=24)
    nudges: int = 1
    nudge_lead: timedelta = timedelta(hours=4)
    agenda_lead: timedelta = timedelta(hours=1)

    def last_nudge(self, starts_at: datetime) -> datetime:
        """The latest a nudge or reminder may come: an hour to answer before the agenda."""
        return starts_at - self.agenda_lead - TIME_TO_ANSWER

    def nudge_leads(self) -> list[timedelta]:
        """One nudge goes `nudge_lead` before; a second one halfway between the prompt and it."""
        if self.nudges <= 0:
            return []
        if self.nudges == 1:
            return [self.nudge_lead]
        return [(self.prompt_lead + self.nudge_lead) / 2, self.nudge_lead]


@dataclass(frozen=True)
class SummaryTime:
    """When a leader's weekly summary arrives: a local weekday and time, or never."""

    on: bool = True
    weekday: int = 0
    at: time = time(9, 0)

    def next_after(self, moment: datetime, zone: str) -> datetime | None:
        """The next summary strictly after `moment`, in `zone`. A wall time that does not
        exist on a spring-forward day comes out moved forward by the gap (zoneinfo's fold=0)."""
        if not self.on:
            return None
        tz = tzinfo_of(zone)
        local = moment.astimezone(tz)
        day = local.date() + timedelta(days=(self.weekday - local.weekday()) % 7)
        for _ in range(3):
            candidate = datetime.combine(day, self.at, tzinfo=tz).astimezone(UTC)
            if candidate > moment:
                return candidate
            day += timedelta(days=7)
        raise AssertionError("unreachable: a week always holds the next summary")


@dataclass(frozen=True)
class Preferences:
    zone: str = "UTC"
    timeline: Timeline = field(default_factory=Timeline)
    hours: WorkingHours = field(default_factory=WorkingHours)
    summary: SummaryTime = field(default_factory=SummaryTime)
    member_questions: tuple[Question, ...] | None = None  # None: the default set
    leader_questions: tuple[Question, ...] | None = None

    @property
    def tz(self) -> tzinfo:
        return tzinfo_of(self.zone)


def _clock(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def from_profile(row: Profile | None, *, zone: str | None = None) -> Preferences:
    """The preferences a row holds; our defaults for someone without one."""
    if row is None:
        return Preferences(zone=zone or "UTC")
    return Preferences(
        zone=row.tz or zone or "UTC",
        timeline=Timeline(
            prompt_lead=timedelta(minutes=row.prompt_lead),
            nudges=row.nudges,
            nudge_lead=timedelta(minutes=row.nudge_lead),
            agenda_lead=timedelta(minutes=row.agenda_lead),
        ),
        hours=WorkingHours(
            start=_clock(row.work_start),
            end=_clock(row.work_end),
            days=frozenset(int(d) for d in row.workdays),
        ),
        summary=SummaryTime(
            on=row.summary_on, weekday=row.summary_weekday, at=_clock(row.summary_minute)
        ),
        member_questions=questions_from_json(row.member_questions),
        leader_questions=questions_from_json(row.leader_questions),
    )


def profile(session: Session, *, team_id: str, user_id: str, now: datetime) -> Profile:
    """The person's row, made (with our defaults) if they have none yet. Two requests about
    one new person at once both get the one row: the insert does nothing on a conflict."""
    query = select(Profile).where(Profile.team_id == team_id, Profile.user_id == user_id)
    found = session.scalars(query).first()
    if found is None:
        row = {"team_id": team_id, "user_id": user_id, "updated_at": now}
        session.execute(insert_or_nothing(session, Profile).values(row))
        found = session.scalars(query).one()
    return found


def of(session: Session, *, team_id: str, user_id: str, zone: str | None = None) -> Preferences:
    row = session.scalars(
        select(Profile).where(Profile.team_id == team_id, Profile.user_id == user_id)
    ).first()
    return from_profile(row, zone=zone)


def check(preferences: Preferences) -> Preferences:
    """Refuse settings that cannot work together; each refusal names its field."""
    timeline, hours = preferences.timeline, preferences.hours
    if timeline.nudges not in NUDGE_COUNTS:
        raise SettingsError("nudges", "Choose 0, 1 or 2 nudges.")
    if timeline.agenda_lead >= timeline.prompt_lead:
        raise SettingsError("agenda_lead", "The agenda has to go out after the prompt.")
    if timeline.nudges and not (timeline.agenda_lead < timeline.nudge_lead < timeline.prompt_lead):
        raise SettingsError("nudge_lead", "A nudge has to come between the prompt and the agenda.")
    if hours.end <= hours.start:
        raise SettingsError("work_end", "Working hours end after they start.")
    if not hours.days:
        raise SettingsError("workdays", "Choose at least one working day.")
    if not 0 <= preferences.summary.weekday <= 6:
        raise SettingsError("summary_day", "Choose a day for the summary.")
    return preferences


def save(session: Session, row: Profile, preferences: Preferences, *, now: datetime) -> Preferences:
    """Keep checked preferences on the person's row."""
    check(preferences)
    timeline, hours, summary = preferences.timeline, preferences.hours, preferences.summary
    row.prompt_lead = int(timeline.prompt_lead.total_seconds() // 60)
    row.nudges = timeline.nudges
    row.nudge_lead = int(timeline.nudge_lead.total_seconds() // 60)
    row.agenda_lead = int(timeline.agenda_lead.total_seconds() // 60)
    row.work_start, row.work_end = _minutes(hours.start), _minutes(hours.end)
    row.workdays = "".join(str(d) for d in sorted(hours.days))
    row.summary_on, row.summary_weekday = summary.on, summary.weekday
    row.summary_minute = _minutes(summary.at)
    row.member_questions = questions_to_json(preferences.member_questions)
    row.leader_questions = questions_to_json(preferences.leader_questions)
    row.updated_at = now
    session.flush()
    return preferences


def plan_summary(
    session: Session, row: Profile, *, now: datetime, again: bool = False
) -> datetime | None:
    """Keep `summary_at`, the leader's next weekly summary: set while they lead a running 1:1
    and want one, cleared otherwise. `again` recomputes it (their settings or timezone
    changed); otherwise a summary already due is kept, so none is skipped."""
    leads = session.scalar(
        select(Pairing.id).where(
            Pairing.team_id == row.team_id,
            Pairing.leader_id == row.user_id,
            Pairing.status == PairingStatus.ACTIVE,
        )
    )
    if leads is None:
        row.summary_at = None
    elif again or row.summary_at is None:
        row.summary_at = from_profile(row).summary.next_after(now, row.tz or "UTC")
    session.flush()
    return row.summary_at
