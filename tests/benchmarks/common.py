"""What the benchmarks share: fresh databases to fill, and the simulator in its own process
(so the CPU time a benchmark measures is ours alone)."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]
Database = tuple[str, Callable[[], str], Callable[[str], None]]


def fresh_databases(postgres: str | None) -> list[Database]:
    """(name, make a new empty database and give its URL, drop it) for SQLite, and for
    PostgreSQL when a server URL is given."""
    folder = tempfile.mkdtemp(prefix="oneonone-bench-")
    made: list[Database] = [
        ("SQLite", lambda: f"sqlite:///{folder}/{uuid.uuid4().hex}.db", lambda _url: None)
    ]
    if postgres:
        admin_url = make_url(postgres).set(drivername="postgresql+psycopg")

        def create() -> str:
            name = f"oneonone_bench_{uuid.uuid4().hex[:10]}"
            admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            admin.dispose()
            return admin_url.set(database=name).render_as_string(hide_password=False)

        def drop(url: str) -> None:
            admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                name = make_url(url).database
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()

        made.append(("PostgreSQL", create, drop))
    return made


def start_simulator() -> tuple[subprocess.Popen[str], str]:
    """`python -m bot.simulator --any-user` in its own process; (process, SLACK_API_URL)."""
    simulator = subprocess.Popen(
        [sys.executable, "-m", "bot.simulator", "--any-user"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert simulator.stdout is not None
    return simulator, simulator.stdout.readline().strip().split("=", 1)[1]
