"""Small composable fixtures: `database_url` (SQLite and PostgreSQL), `engine`, `simulator`,
`clock` (pacing never waits; `at(moment)` sets it), `settings`, `app`, `server` (the real app
over loopback HTTP) and `slack` (signed requests)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import ContextDecorator, contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from bot import cli, crypto, db, models, web
from bot.app import create_app
from bot.clock import SystemClock
from bot.config import Settings, normalize_database_url
from bot.simulator import BOT_TOKEN, SIGNING_SECRET, SlackClient, SlackSimulator

DEFAULT_POSTGRES_URL = "postgresql://postgres:postgres@127.0.0.1:5432/postgres"
SCRUBBED_PREFIXES = ("SLACK_", "ONEONONE_", "DATABASE_URL", "LOG_LEVEL", "PORT")
PROXIES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never see a developer's tokens, database or proxy."""
    for name in list(os.environ):
        if name.startswith(SCRUBBED_PREFIXES) or name in PROXIES:
            monkeypatch.delenv(name)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    crypto.configure(None)


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    """A PostgreSQL server to create test databases on; CI=true makes its absence a failure."""
    url = normalize_database_url(os.environ.get("TEST_POSTGRES_URL") or DEFAULT_POSTGRES_URL)
    probe = create_engine(url, connect_args={"connect_timeout": 3})
    problem = db.reachability_problem(probe)
    probe.dispose()
    if problem is not None:
        message = f"PostgreSQL is not reachable at TEST_POSTGRES_URL: {problem}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return url


def _create_database(admin_url: str, *, template: str | None = None) -> str:
    name = f"oneonone_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        suffix = f' TEMPLATE "{template}"' if template else ""
        connection.execute(text(f'CREATE DATABASE "{name}"{suffix}'))
    admin.dispose()
    return name


def _drop_database(admin_url: str, name: str) -> None:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _database_url(admin_url: str, name: str) -> str:
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_template(postgres_admin_url: str) -> Iterator[str]:
    """A migrated database that each test's database is copied from (much faster than
    migrating every time)."""
    name = _create_database(postgres_admin_url)
    engine = db.make_engine(_database_url(postgres_admin_url, name))
    db.migrate(engine)
    engine.dispose()
    yield name
    _drop_database(postgres_admin_url, name)


@pytest.fixture(scope="session")
def postgres_worker_url(postgres_admin_url: str, postgres_template: str) -> Iterator[str]:
    """One database per test process, copied from the template; each test empties it."""
    name = _create_database(postgres_admin_url, template=postgres_template)
    yield _database_url(postgres_admin_url, name)
    _drop_database(postgres_admin_url, name)


# Every table in an order that keeps foreign keys satisfied (children first), and every
# sequence. Emptying with DELETE and setval takes ~12 ms here, TRUNCATE ~95 ms: PostgreSQL
# makes new files for each truncated table.
EVERY_TABLE = text(
    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
)
RESTART_SEQUENCES = text(
    "SELECT setval(c.oid, 1, false) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE c.relkind = 'S' AND n.nspname = 'public'"
)


def _emptying_order(tables: list[str]) -> list[str]:
    ordered = [table.name for table in reversed(models.Base.metadata.sorted_tables)]
    return [t for t in tables if t not in ordered] + [t for t in ordered if t in tables]


@pytest.fixture
def postgres_url(
    postgres_admin_url: str,
    postgres_template: str,
    postgres_worker_url: str,
    engines: dict[str, Engine],
) -> Iterator[str]:
    """A PostgreSQL database at the newest revision with no rows: this process's own,
    emptied (much faster than a new one), or a new one if something still holds it."""
    try:
        with engine_for(engines, postgres_worker_url).begin() as connection:
            connection.execute(text("SET LOCAL lock_timeout = '2s'"))
            tables = _emptying_order(list(connection.scalars(EVERY_TABLE)))
            connection.execute(text("; ".join(f'DELETE FROM "{t}"' for t in tables)))
            connection.execute(RESTART_SEQUENCES)
        yield postgres_worker_url
        return
    except OperationalError:  # a process of an earlier test still holds a lock
        pass
    name = _create_database(postgres_admin_url, template=postgres_template)
    url = _database_url(postgres_admin_url, name)
    yield url
    if url in engines:
        engines.pop(url).dispose()
    _drop_database(postgres_admin_url, name)


class Outage:
    """PostgreSQL stopping under a test's database, as a server stop looks to a client: every
    open connection is cut and new ones are refused, until `end`."""

    def __init__(self, admin_url: str, database_url: str) -> None:
        self._admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        self.name = make_url(database_url).database

    def begin(self) -> None:
        with self._admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS false'))
            connection.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                {"n": self.name},
            )

    def end(self) -> None:
        with self._admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS true'))


@pytest.fixture
def outage(postgres_admin_url: str, postgres_url: str) -> Iterator[Outage]:
    """An outage of `postgres_url`'s database, ended when the test ends."""
    outage = Outage(postgres_admin_url, postgres_url)
    yield outage
    outage.end()


@pytest.fixture
def empty_postgres_url(postgres_admin_url: str) -> Iterator[str]:
    name = _create_database(postgres_admin_url)
    yield _database_url(postgres_admin_url, name)
    _drop_database(postgres_admin_url, name)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file that each test's database is copied from."""
    path = tmp_path_factory.mktemp("template") / "oneonone.db"
    engine = db.make_engine(f"sqlite:///{path}")
    db.migrate(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def sqlite_worker_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where this test process's SQLite database is: one path, so that one engine serves it."""
    return tmp_path_factory.mktemp("worker") / "oneonone.db"


@pytest.fixture(scope="session")
def engines() -> Iterator[dict[str, Engine]]:
    """One engine per database URL for the whole test process, its pool kept between tests.
    SQLAlchemy keeps the SQL it compiled per engine, so a new engine for each test compiled
    every statement again (a fifth of the suite's CPU), and connected to PostgreSQL again."""
    engines: dict[str, Engine] = {}
    yield engines
    for engine in engines.values():
        engine.dispose()


def engine_for(engines: dict[str, Engine], url: str) -> Engine:
    if url not in engines:
        engines[url] = db.make_engine(url)
    return engines[url]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, engines: dict[str, Engine]) -> str:
    """A new database at the newest revision, on SQLite or PostgreSQL."""
    if request.param == "sqlite":
        path: Path = request.getfixturevalue("sqlite_worker_path")
        url = f"sqlite:///{path}"
        if url in engines:
            engines[url].dispose()  # its connections are to the file replaced below
        for companion in path.parent.glob(path.name + "-*"):  # an earlier test's journal
            companion.unlink()
        # A new file, not the old one overwritten: a connection some earlier test left open
        # keeps the file it had.
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path.with_suffix(".new"))
        path.with_suffix(".new").replace(path)
        return url
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def engine(database_url: str, engines: dict[str, Engine]) -> Engine:
    """The test's database, migrated."""
    return engine_for(engines, database_url)


@contextmanager
def oneonone_process(
    args: list[str], *, cwd: Path, env: dict[str, str]
) -> Iterator[subprocess.Popen[str]]:
    """`oneonone ARGS` as a process of its own, as an operator starts it; killed if the test
    leaves it running."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


def oneonone(*args: str, cwd: Path, **env: str) -> Ran:
    """`oneonone ARGS` run by its entry point (`cli.main`) in this process, in `cwd` with `env`
    added to the environment: what the console script does, without the second of start-up a
    subprocess costs. What needs a process of its own (serving until SIGTERM, an installed
    wheel, the console script from another directory, a newcomer's first demo) uses
    `operator_runs`."""
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch, redirect_stdout(out), redirect_stderr(err):
        patch.chdir(cwd)
        for name, value in env.items():
            patch.setenv(name, value)
        try:
            code = cli.main(list(args))
        except SystemExit as exit:  # argparse's --help, --version and usage errors
            code = exit.code if isinstance(exit.code, int) else int(exit.code is not None)
    return Ran(code, out.getvalue(), err.getvalue())


def operator_runs(*args: str, cwd: Path, **env: str) -> Ran:
    """`python -m bot ARGS` as a process of its own."""
    done = subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return Ran(done.returncode, done.stdout, done.stderr)


@pytest.fixture
def simulator(clock: InstantClock) -> Iterator[SlackSimulator]:
    """Slack, on the test's clock (its message timestamps and people's UTC offsets)."""
    with SlackSimulator(wall=clock.now) as simulator:
        simulator.add_user("UADA0000001", "ada", "America/New_York", real_name="Ada Lovelace")
        simulator.add_user("UBART000001", "bart", "Europe/Warsaw", real_name="Bart Kowalski")
        yield simulator


class InstantClock(SystemClock):
    """The test's clock: the machine's, or the instant `at` sets, except that waiting takes no
    time: each `sleep` is noted in `slept`, returns at once, and moves this clock on by as
    much."""

    def __init__(self, moment: datetime | None = None) -> None:
        self.slept: list[float] = []
        self.moments: list[datetime] = [moment] if moment else []

    def now(self) -> datetime:
        base = self.moments[-1] if self.moments else super().now()
        return base + timedelta(seconds=sum(self.slept))

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)


_CLOCKS: list[InstantClock] = []  # the running test's clock (one test at a time per process)


@pytest.fixture
def clock() -> Iterator[InstantClock]:
    clock = InstantClock()
    _CLOCKS.append(clock)
    yield clock
    _CLOCKS.remove(clock)


class at(ContextDecorator):
    """The test's clock stands at `moment` inside the block (or the decorated test): the app,
    its outbox and the simulated Slack all read it. `moment` is an aware datetime or an
    ISO-8601 string (UTC without an offset). Nothing global is patched: the time is injected."""

    def __init__(self, moment: str | datetime) -> None:
        if isinstance(moment, str):
            moment = datetime.fromisoformat(moment.replace("Z", "+00:00"))
        self.moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)

    def __enter__(self) -> InstantClock:
        if not _CLOCKS:
            raise RuntimeError("`at` sets the test's clock: the test needs the `clock` fixture")
        _CLOCKS[-1].moments.append(self.moment)
        return _CLOCKS[-1]

    def __exit__(self, *_exc: object) -> None:
        _CLOCKS[-1].moments.pop()


@pytest.fixture
def settings(database_url: str, simulator: SlackSimulator) -> Settings:
    return Settings(
        database_url=database_url,
        bot_token=BOT_TOKEN,
        signing_secret=SIGNING_SECRET,
        api_url=simulator.api_url,
    )


@pytest.fixture
def app(settings: Settings, engine: Engine, clock: InstantClock):
    return create_app(settings, engine=engine, process_before_response=True, clock=clock)


@pytest.fixture
def server(app, engine: Engine, settings: Settings) -> Iterator[str]:
    """The real app behind the production server on a free loopback port; yields its base URL."""
    with web.serving_in_background(web.wsgi_app(app, engine, settings.signing_secret)) as base_url:
        yield base_url


@pytest.fixture
def slack(server: str, simulator: SlackSimulator) -> SlackClient:
    return SlackClient(server + web.EVENTS_PATH, simulator)


PAIR_NOW = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)  # Tuesday 09:00 in New York
PAIR_TEAM, PAIR_LEADER, PAIR_MEMBER = "T1", "UADA0000001", "UBART000001"


def start_pair(
    engine: Engine, words: str, *, zone: str = "UTC", now: datetime = PAIR_NOW
) -> tuple[int, int]:
    """Ada (PAIR_LEADER, in `zone`) leads a 1:1 on `words` with Bart (PAIR_MEMBER, Warsaw),
    who accepted at `now`; both are known by name. Returns (its id, its first meeting's id)."""
    from bot.people import profiles
    from bot.scheduling import service as pairings
    from bot.scheduling.grammar import parse_schedule

    plan = parse_schedule(words, default_zone=zone, today=now.date())
    ada = pairings.Person(id=PAIR_LEADER, team_id=PAIR_TEAM, name="Ada Lovelace", tz=zone)
    bart = pairings.Person(
        id=PAIR_MEMBER, team_id=PAIR_TEAM, name="Bart Kowalski", tz="Europe/Warsaw"
    )
    with Session(engine) as session, session.begin():
        for someone in (ada, bart):
            profiles.remember(session, someone, team_id=PAIR_TEAM, now=now)
        pairing, _ = pairings.schedule(
            session,
            team_id=PAIR_TEAM,
            enterprise_id=None,
            leader_id=PAIR_LEADER,
            person=bart,
            plan=plan,
            now=now,
        )
        pairings.accept(
            session, pairing_id=pairing.id, team_id=PAIR_TEAM, user_id=PAIR_MEMBER, now=now
        )
        return pairing.id, pairing.meetings[0].id


@pytest.fixture
def active_pair(engine: Engine) -> tuple[int, int]:
    """Ada leads a weekly 1:1 with Bart (Fridays 10:00 UTC) that he accepted at PAIR_NOW, for the
    services' unit tests: (its pairing id, its first meeting's id)."""
    return start_pair(engine, "weekly on Friday at 10:00")
