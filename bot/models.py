"""SQLAlchemy 2 typed models. Every row is scoped by workspace; every datetime is aware UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Any, ClassVar

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import (
    JSON,
    DateTime,
    Dialect,
    Enum,
    Float,
    ForeignKey,
    Index,
    MetaData,
    String,
    UniqueConstraint,
    event,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, composite, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from bot.crypto import PrivateText
from bot.scheduling.cadence import Cadence, Frequency, Schedule

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on every backend (SQLite stores no zone; PostgreSQL timestamptz).

    Naive datetimes are refused on the way in: a naive value is a bug about whose clock it is.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r} cannot be stored; use an aware UTC value")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _values(enum: type[StrEnum]) -> list[str]:
    return [member.value for member in enum]


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime}


# Installations and OAuth states belong to slack_sdk's SQLAlchemy stores; they are declared on
# our metadata so that Alembic creates and checks them with everything else. (slack_sdk keeps
# naive UTC datetimes in these three tables; our own tables use UTCDateTime.)
INSTALLATIONS_TABLE = "slack_installations"
BOTS_TABLE = "slack_bots"
OAUTH_STATES_TABLE = "slack_oauth_states"
installations = SQLAlchemyInstallationStore.build_installations_table(
    Base.metadata, INSTALLATIONS_TABLE
)
bots = SQLAlchemyInstallationStore.build_bots_table(Base.metadata, BOTS_TABLE)
oauth_states = SQLAlchemyOAuthStateStore.build_oauth_states_table(Base.metadata, OAUTH_STATES_TABLE)


class DeliveryState(StrEnum):
    PENDING = "pending"  # waiting for `available_at`
    IN_FLIGHT = "in_flight"  # claimed by a pass until `available_at` (the lease)
    SENT = "sent"
    FAILED = "failed"  # gave up: a permanent Slack error, or too many attempts
    DROPPED = "dropped"  # no longer useful (its meeting has started, say); never sent


class Delivery(Base):
    """One scheduled message to one person: the outbox row the scheduler sends exactly once.

    `available_at` is when a pass may take the row: its due time, a retry's backoff, or, while
    in flight, the end of the claiming pass's lease. Idle passes read only the index on
    (state, available_at), so their cost follows the number due, not the number of rows.
    """

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("team_id", "kind", "subject", "recipient"),
        Index("ix_deliveries_due", "state", "available_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    enterprise_id: Mapped[str | None] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(String(64))
    meeting_id: Mapped[int | None]
    recipient: Mapped[str] = mapped_column(String(32))
    due_at: Mapped[datetime]
    state: Mapped[DeliveryState] = mapped_column(
        Enum(DeliveryState, native_enum=False, length=16, values_callable=_values),
        default=DeliveryState.PENDING,
    )
    available_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    claimed_by: Mapped[int | None]  # the claiming pass's presence key (delivery/presence.py)
    last_error: Mapped[str | None] = mapped_column(String(200))
    channel: Mapped[str | None] = mapped_column(String(32))
    ts: Mapped[str | None] = mapped_column(String(32))
    sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class RateLimit(Base):
    """One token bucket of Slack's limits on our calls, shared by every replica through this
    row (read and written under a row lock): a workspace's (`channel` is "") or one DM's.
    `paused_until` is the end of a `Retry-After` Slack announced for the scope; `rate` is
    tokens a second, which the workspace's bucket learns from the 429s it gets."""

    __tablename__ = "rate_limits"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    channel: Mapped[str] = mapped_column(String(32), primary_key=True)
    tokens: Mapped[float] = mapped_column(Float)
    rate: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[datetime]
    paused_until: Mapped[datetime | None]


class ProcessedEvent(Base):
    """Requests already taken, so that Slack's retries of an event (same `event_id`) and a
    replayed command, click or form (same `trigger_id`, kept as "trigger:…") act once."""

    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    team_id: Mapped[str | None] = mapped_column(String(32))
    received_at: Mapped[datetime] = mapped_column(index=True)


class PairingStatus(StrEnum):
    INVITED = "invited"  # waiting for the person to accept; nothing else is sent to them
    ACTIVE = "active"
    PAUSED = "paused"
    DECLINED = "declined"
    ENDED = "ended"  # cancelled by either person; its history is kept


class MeetingStatus(StrEnum):
    SCHEDULED = "scheduled"
    SKIPPED = "skipped"  # someone chose to skip it; skipped is not missed
    HELD = "held"  # it took place (its time passed while the 1:1 was running)
    MISSED = "missed"  # its time passed, but one of the two said it did not happen
    CANCELLED = "cancelled"  # the 1:1 ended or was rescheduled before this meeting


class Pairing(Base):
    """A recurring 1:1 between a leader (who scheduled it) and one person, with its cadence."""

    __tablename__ = "pairings"
    __table_args__ = (
        Index("ix_pairings_people", "team_id", "leader_id", "member_id"),
        # One open 1:1 per two people, whichever leads: two schedules at once cannot both win.
        UniqueConstraint("team_id", "open_pair"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    enterprise_id: Mapped[str | None] = mapped_column(String(32))
    leader_id: Mapped[str] = mapped_column(String(32))
    member_id: Mapped[str] = mapped_column(String(32), index=True)
    status: Mapped[PairingStatus] = mapped_column(
        Enum(PairingStatus, native_enum=False, length=16, values_callable=_values)
    )
    # The cadence, one value (`Cadence`) over these columns: `positions` holds the weeks of
    # the month ("1,3", "-1") of a monthly weekday cadence, `monthday` the day of a monthly
    # day-of-month one, `zone` an IANA name or a fixed offset such as "UTC+05:30".
    frequency: Mapped[str] = mapped_column(String(16))
    weekday: Mapped[int | None]
    at: Mapped[time]
    zone: Mapped[str] = mapped_column(String(64))
    interval: Mapped[int]
    positions: Mapped[str] = mapped_column(String(16), default="", server_default="")
    monthday: Mapped[int | None]
    cadence: Mapped[Cadence] = composite(
        Cadence, "frequency", "weekday", "at", "zone", "interval", "positions", "monthday"
    )
    start: Mapped[date]
    minutes: Mapped[int]
    created_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    # When the next meeting begins and the meetings ahead need topping up again; a pass reads
    # only the due ones through this index.
    top_up_at: Mapped[datetime | None] = mapped_column(index=True)
    # The invited person's counter-proposal ("Suggest another time"), while the leader has not
    # answered it: a cadence, start and length like the 1:1's own (`Pairing.suggested`).
    proposal_frequency: Mapped[str | None] = mapped_column(String(16))
    proposal_weekday: Mapped[int | None]
    proposal_at: Mapped[time | None]
    proposal_zone: Mapped[str | None] = mapped_column(String(64))
    proposal_interval: Mapped[int | None]
    proposal_positions: Mapped[str | None] = mapped_column(String(16))
    proposal_monthday: Mapped[int | None]
    proposal_start: Mapped[date | None]
    proposal_minutes: Mapped[int | None]
    # The Slack app it was scheduled through, for links to that app's Home tab.
    app_id: Mapped[str | None] = mapped_column(String(32))
    # The two people's ids in order, while the 1:1 is open (invited, active or paused), and
    # NULL once it is not; written by `_keep_open_pair` whenever the row is.
    open_pair: Mapped[str | None] = mapped_column(String(65))
    # Its calendar event's SEQUENCE, raised (and `changed_at` set) by every change a calendar
    # shows: accepted, skipped, rescheduled, paused, resumed, ended.
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    changed_at: Mapped[datetime | None]

    meetings: Mapped[list[Meeting]] = relationship(
        back_populates="pairing", order_by="Meeting.starts_at"
    )

    @property
    def suggested(self) -> Schedule | None:
        """The open counter-proposal, as a value, or None."""
        if self.proposal_frequency is None or self.proposal_at is None:
            return None
        cadence = Cadence(  # stored columns, as the `cadence` composite reads its own
            Frequency(self.proposal_frequency),
            self.proposal_weekday,
            self.proposal_at,
            self.proposal_zone or self.zone,
            self.proposal_interval or 1,
            self.proposal_positions or "",  # type: ignore[arg-type]
            self.proposal_monthday,
        )
        return Schedule(cadence, self.proposal_start or self.start, self.proposal_minutes or 30)

    @suggested.setter
    def suggested(self, plan: Schedule | None) -> None:
        values = plan.cadence.__composite_values__() if plan else (None,) * 7
        (
            self.proposal_frequency,
            self.proposal_weekday,
            self.proposal_at,
            self.proposal_zone,
            self.proposal_interval,
            self.proposal_positions,
            self.proposal_monthday,
        ) = values  # type: ignore[assignment]
        self.proposal_start = plan.start if plan else None
        self.proposal_minutes = plan.minutes if plan else None


OPEN_STATUSES = (PairingStatus.INVITED, PairingStatus.ACTIVE, PairingStatus.PAUSED)


@event.listens_for(Pairing, "before_insert")
@event.listens_for(Pairing, "before_update")
def _keep_open_pair(_mapper: object, _connection: object, pairing: Pairing) -> None:
    is_open = pairing.status in OPEN_STATUSES
    pairing.open_pair = (
        " ".join(sorted((pairing.leader_id, pairing.member_id))) if is_open else None
    )


class Meeting(Base):
    """One occurrence, materialised a few ahead so skipping and rescheduling act on rows and
    history stays true when a cadence changes."""

    __tablename__ = "meetings"
    __table_args__ = (
        UniqueConstraint("pairing_id", "starts_at"),
        # A pass finds the meetings whose prompts are not planned yet through this index.
        Index("ix_meetings_unprompted", "prompts_planned_at", "starts_at"),
        # A pass finds the meetings that have begun and are not yet marked held here.
        Index("ix_meetings_open", "status", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairings.id"))
    team_id: Mapped[str] = mapped_column(String(32))
    starts_at: Mapped[datetime] = mapped_column(index=True)
    minutes: Mapped[int]
    status: Mapped[MeetingStatus] = mapped_column(
        Enum(MeetingStatus, native_enum=False, length=16, values_callable=_values)
    )
    prompts_planned_at: Mapped[datetime | None]

    pairing: Mapped[Pairing] = relationship(back_populates="meetings")


class Profile(Base):
    """What we keep about one person in a workspace: their last known Slack timezone (to
    notice when it changes) and status, when they are away (no prompts or nudges until
    `away_until`, a local date, inclusive, in every 1:1 they are in), and their settings.
    `bot.people.service` reads the settings; a person without a row has the defaults."""

    __tablename__ = "profiles"
    __table_args__ = (UniqueConstraint("team_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(32))
    name: Mapped[str | None] = mapped_column(String(100))  # as Slack last gave it, for calendars
    tz: Mapped[str | None] = mapped_column(String(64))
    away_until: Mapped[date | None]
    updated_at: Mapped[datetime]
    # Their Slack status, as `user_change` last told us: a vacation or sick status holds nudges.
    status_text: Mapped[str | None] = mapped_column(String(150))
    status_emoji: Mapped[str | None] = mapped_column(String(100))
    status_expires_at: Mapped[datetime | None]
    # As a leader: minutes before each meeting for the prompt, the nudges and the agenda.
    prompt_lead: Mapped[int] = mapped_column(default=1440, server_default="1440")
    nudges: Mapped[int] = mapped_column(default=1, server_default="1")
    nudge_lead: Mapped[int] = mapped_column(default=240, server_default="240")
    agenda_lead: Mapped[int] = mapped_column(default=60, server_default="60")
    # As anyone: their working hours (minutes after local midnight) and days ("01234" is
    # Monday to Friday). Nudges and reminders reach them only then.
    work_start: Mapped[int] = mapped_column(default=540, server_default="540")
    work_end: Mapped[int] = mapped_column(default=1080, server_default="1080")
    workdays: Mapped[str] = mapped_column(String(7), default="01234", server_default="01234")
    # As a leader: the weekly summary's local weekday and minute, or off; `summary_at` is the
    # next one, read by a pass through its index.
    summary_on: Mapped[bool] = mapped_column(default=True, server_default=true())
    summary_weekday: Mapped[int] = mapped_column(default=0, server_default="0")
    summary_minute: Mapped[int] = mapped_column(default=540, server_default="540")
    summary_at: Mapped[datetime | None] = mapped_column(index=True)
    # When they last opened the app's Home tab: only their Home is published after changes.
    home_opened_at: Mapped[datetime | None]
    # As a leader: their own question sets ([{"key", "text", "mood"}]), or None for ours.
    member_questions: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    leader_questions: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)


class CalendarFeed(Base):
    """One person's private calendar subscription: only a SHA-256 of its secret is kept, so
    the link can be checked but never shown again (a reset makes a new one)."""

    __tablename__ = "calendar_feeds"
    __table_args__ = (UniqueConstraint("team_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(32))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]


class WorkspaceRemoval(Base):
    """A workspace that uninstalled the app: all its data is deleted at `delete_after` (the
    grace period), unless it installs the app again first."""

    __tablename__ = "workspace_removals"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    uninstalled_at: Mapped[datetime]
    delete_after: Mapped[datetime]


class Answer(Base):
    """One person's answer to one question before one meeting. Readable by the two people of
    that 1:1 only. A mood not given is no row, never a default."""

    __tablename__ = "answers"
    __table_args__ = (
        UniqueConstraint("meeting_id", "author_id", "question"),
        # An edit or a delete of a DM reply finds the answer it gave through this index.
        Index("ix_answers_source", "team_id", "author_id", "source_ts"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    author_id: Mapped[str] = mapped_column(String(32))
    question: Mapped[str] = mapped_column(String(32))
    asked: Mapped[str | None] = mapped_column(String(300))  # the question as it was asked
    text: Mapped[str | None] = mapped_column(PrivateText)
    mood: Mapped[int | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    edited_after_start: Mapped[bool] = mapped_column(default=False)
    # The DM reply (its Slack `ts`) this answer came from: editing that message in Slack
    # changes the answer and deleting it removes it. None once the form changed the answer.
    source_ts: Mapped[str | None] = mapped_column(String(32))


class Note(Base):
    """Notes after a meeting: shared (both people see them) or private (only the author)."""

    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    author_id: Mapped[str] = mapped_column(String(32))
    shared: Mapped[bool]
    text: Mapped[str] = mapped_column(PrivateText)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ActionItem(Base):
    """Something one of the two will do; open ones carry into every next agenda, across
    skipped and rescheduled meetings, until ticked off."""

    __tablename__ = "action_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairings.id"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))
    owner_id: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(PrivateText)
    due: Mapped[date | None]
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime]
    done_at: Mapped[datetime | None]
    pairing: Mapped[Pairing] = relationship(viewonly=True)


class Topic(Base):
    """Something to talk about at the next meeting: shared (both see it) or private (only its
    author, as a reminder to themselves)."""

    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairings.id"), index=True)
    author_id: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(PrivateText)
    shared: Mapped[bool]
    created_at: Mapped[datetime]
