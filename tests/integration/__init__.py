"""The real app over loopback HTTP against the simulator, on SQLite and PostgreSQL."""

from collections.abc import Callable

ExpectLog = Callable[[str], None]  # the `expect_log` fixture: a regex of a log line a test expects
