"""Every benchmark, one after another: `python -m tests.benchmarks [--postgres URL]`.

Not part of the test run. Each prints a Markdown table; the README carries the latest.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

from tests.benchmarks.common import ROOT

BENCHMARKS = ("bench_outbox", "bench_burst", "bench_ack", "bench_memory")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks")
    parser.add_argument("--postgres", default=os.environ.get("TEST_POSTGRES_URL"))
    args = parser.parse_args()
    extra = ["--postgres", args.postgres] if args.postgres else []
    for name in BENCHMARKS:
        print(f"\n## {name}", flush=True)
        subprocess.run(
            [sys.executable, "-m", f"tests.benchmarks.{name}", *extra], cwd=ROOT, check=True
        )


main()
