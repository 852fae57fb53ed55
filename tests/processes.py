"""`oneonone` commands in processes of their own that start in milliseconds.

Each is forked from a server process that imported the app once (multiprocessing's
`forkserver`, which forks from a process with no threads), then runs what the console script
runs, `cli.main(argv)`, in an environment of its own, its output going to files. Starting a
Python interpreter and importing the app costs ~0.6 s of CPU a process, which for the tests
that start ticks by the dozen (killed mid-send, or three at once) was most of their cost; what
those tests are about is unchanged: separate processes, their own connections, SIGKILL.
The console script itself, from a fresh interpreter, is run by `operator_runs` and
`oneonone_process` in tests/conftest.py.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import tempfile
from pathlib import Path

from bot import app, cli  # noqa: F401  (imported once, in the fork server)

_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload([__name__])


def _run(argv: list[str], env: dict[str, str], out: str, err: str) -> None:
    os.environ.clear()
    os.environ.update(env)
    with open(out, "w") as stdout, open(err, "w") as stderr:
        os.dup2(stdout.fileno(), 1)
        os.dup2(stderr.fileno(), 2)
        try:
            code = cli.main(argv)
        finally:
            sys.stdout.flush()  # the process ends with os._exit, which flushes nothing
            sys.stderr.flush()
    sys.exit(code)


def _new_file() -> Path:
    handle, name = tempfile.mkstemp(prefix="oneonone-")
    os.close(handle)
    return Path(name)


class Forked:
    """`oneonone ARGV` in a forked process, with `env` as its whole environment. Read like a
    `subprocess.Popen`: `pid`, `communicate`, `returncode` (negative for the signal that
    ended it)."""

    def __init__(self, argv: list[str], *, env: dict[str, str]) -> None:
        self._out, self._err = _new_file(), _new_file()
        self._process = _CONTEXT.Process(
            target=_run, args=(argv, env, str(self._out), str(self._err)), daemon=True
        )
        self._process.start()

    @property
    def pid(self) -> int:
        assert self._process.pid is not None
        return self._process.pid

    @property
    def returncode(self) -> int | None:
        return self._process.exitcode

    def communicate(self, timeout: float) -> tuple[str, str]:
        self._process.join(timeout)
        if self._process.exitcode is None:
            os.kill(self.pid, signal.SIGKILL)
            self._process.join()
            raise TimeoutError(f"oneonone was still running after {timeout} s")
        try:
            return self._out.read_text(), self._err.read_text()
        finally:
            self._out.unlink()
            self._err.unlink()
