"""Run the simulator on its own: `python -m bot.simulator [--port N] [--any-user]`.

It prints `SLACK_API_URL=…` once it listens, then serves until interrupted; point the app's
SLACK_API_URL there and use SLACK_BOT_TOKEN=xoxb-simulated-bot-token.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import threading

from bot.simulator.webapi import BOT_TOKEN, SlackSimulator


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.simulator")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument(
        "--any-user", action="store_true", help="treat every U… id as a person (benchmarks)"
    )
    args = parser.parse_args()
    simulator = SlackSimulator(any_user=args.any_user).start(port=args.port)
    print(f"SLACK_API_URL={simulator.api_url}", flush=True)
    print(f"SLACK_BOT_TOKEN={BOT_TOKEN}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with contextlib.suppress(KeyboardInterrupt):
        stop.wait()
    simulator.stop()


main()
