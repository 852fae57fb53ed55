"""`oneonone demo`: the whole product with no Slack account, no network and no tokens.

The real app runs over HTTP on loopback (Bolt, request verification on, the production
server), against the built-in Slack simulator, with a temporary SQLite file and a simulated
clock (`bot.clock.SimulatedClock`): each scheduled step is what `oneonone tick --now T` does
(a pass of the outbox at T), and everything the people do is a correctly signed request, as
Slack would send it. Each message that reaches the simulator is printed as its reader would
see it in Slack: rendered from the real Block Kit, with times in the reader's own timezone.
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from slack_bolt import App
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from bot import db, web
from bot.app import create_app, make_outbox, socket_mode_handler
from bot.clock import SimulatedClock
from bot.config import Settings
from bot.delivery import housekeeping
from bot.delivery.outbox import Outbox
from bot.simulator import (
    APP_TOKEN,
    BOT_TOKEN,
    SIGNING_SECRET,
    SlackClient,
    SlackSimulator,
    Workspace,
)
from bot.simulator.render import Reader, wrap
from bot.simulator.webapi import Call
from bot.slack.ids import Action

ADA, BART = "UADA0000001", "UBART000001"
PEOPLE = {
    ADA: ("Ada Lovelace", "ada", "America/New_York"),
    BART: ("Bart Kowalski", "bart", "Europe/Warsaw"),
}
START = datetime(2026, 11, 23, 14, 30, tzinfo=UTC)  # Monday 09:30 in New York
FIRST = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)  # Tuesday 10:00 in New York, 16:00 Warsaw
WEEK = timedelta(days=7)
RULE = "─"


@dataclass
class Story:
    """Moves the simulated clock, acts as Ada or Bart, and prints what reached Slack."""

    out: TextIO
    simulator: SlackSimulator
    slack: SlackClient
    outbox: Outbox
    engine: Engine
    clock: SimulatedClock
    seen: int = 0  # of the simulator's timeline, already shown
    printed: int = 0
    last_actor: str = ADA  # who opened a form or gets an answer to a click
    show_home: bool = False  # the Home tab is published after every change; shown on request
    run: str = ""  # this telling's own mark on event ids: a database may hold earlier ones

    def reader(self, user: str) -> Reader:
        names = {uid: name for uid, (name, _, _) in PEOPLE.items()}
        return Reader(PEOPLE[user][2], names, now=self.clock.now())

    def say(self, text: str = "") -> None:
        print(text, file=self.out)

    def at(self, moment: datetime) -> None:
        self.clock.move_to(moment)

    def _local(self, user: str, moment: datetime) -> str:
        zone = PEOPLE[user][2]
        city = zone.split("/")[-1].replace("_", " ")
        local = moment.astimezone(ZoneInfo(zone))
        return f"{local:%a %b} {local.day}, {local:%H:%M} {city}"

    def does(self, user: str, what: str) -> None:
        """A line of narration: what someone does, at their local time."""
        self.last_actor = user
        self.say(f"\n▶ {PEOPLE[user][0]} ({self._local(user, self.clock.now())}) {what}")

    def tick(self, moment: datetime) -> None:
        """What `oneonone tick --now MOMENT` does, as cron would run it: one pass of the
        outbox and the housekeeping, at that instant."""
        self.at(moment)
        self.outbox.run_pass(moment)
        housekeeping.run(self.engine, now=moment)
        stamp = moment.strftime("%Y-%m-%dT%H:%MZ")
        self.say(f"\n⏱  oneonone tick --now {stamp}")
        self.show()

    def command(self, user: str, text: str) -> None:
        self.does(user, f"types /oneonone {self._shown(user, text)}")
        self.slack.command(user, text)
        self.show()

    def click(self, user: str, message: dict[str, Any], action_id: str, label: str) -> None:
        """Click the button `action_id` on a message someone received."""
        button = _find(message.get("blocks", []), action_id)
        self.does(user, f"clicks [ {label} ]")
        answer = self.slack.block_action(user, action_id, button["value"], message=message)
        assert answer.status == 200, answer.text
        self.show()

    def submit(self, user: str, values: dict[str, tuple[str, Any]]) -> None:
        """Fill in the form that just opened and submit it: block → (what it shows, state)."""
        view = self.simulator.calls_to("views.open")[-1].response["view"]
        labels = {b["block_id"]: b["label"]["text"] for b in view["blocks"] if "label" in b}
        state = {}
        for key, (shown, value) in values.items():
            element = (
                value if isinstance(value, dict) else {"type": "plain_text_input", "value": value}
            )
            state[key] = {key: element}
            self.say(f"  {labels.get(key, key)}: {shown}")
        answer = self.slack.view_submission(user, view, state)
        assert answer.status == 200, answer.text
        assert not answer.body, answer.text  # the form closed: nothing to correct
        self.say(f"  {PEOPLE[user][0]} fills it in and clicks [ Save ].")
        self.show()

    def reply(self, user: str, text: str, number: int) -> None:
        """A plain message in the DM with the app."""
        self.does(user, f"replies in the DM: “{text}”")
        event_id = f"EvDemo{self.run}{number}"
        assert self.slack.direct_message(user, text, event_id=event_id).status == 200
        self.show()

    def open_home(self, user: str) -> None:
        self.does(user, "opens oneonone's Home tab")
        event = {"type": "app_home_opened", "user": user, "channel": "D" + user[1:], "tab": "home"}
        self.show_home = True
        assert self.slack.event(event, event_id=f"EvHome{self.run}{user}").status == 200
        self.show()
        self.show_home = False

    # -- printing ----------------------------------------------------------------------------

    def show(self) -> None:
        """Everything that reached Slack since last time, in order, as each reader sees it."""
        events = self.simulator.timeline[self.seen :]
        self.seen += len(events)
        for event in events:
            if isinstance(event, dict):  # an answer to a command or a click
                replaced = event.get("replace_original")
                how = "replaces the message" if replaced else "only you see this"
                self._print(self.last_actor, how, event.get("blocks"), event.get("text"))
            elif event.response.get("ok"):
                self._call(event)

    def _call(self, call: Call) -> None:
        args = call.args
        if call.method == "chat.postMessage":
            payload = (args.get("metadata") or {}).get("event_payload") or {}
            where = "in the thread" if args.get("thread_ts") else "direct message"
            kind = f" · {payload['kind']}" if payload.get("kind") else ""
            self._print(
                _person(args["channel"]), f"{where}{kind}", args.get("blocks"), args.get("text")
            )
        elif call.method == "chat.update":
            self._print(
                _person(args["channel"]),
                "the same message, updated",
                args.get("blocks"),
                args.get("text"),
            )
        elif call.method == "views.open" or (call.method == "views.publish" and self.show_home):
            what = "Home tab" if call.method == "views.publish" else "a form opens"
            user = args.get("user_id") or self.last_actor
            self._print(user, what, None, None, view=call.response["view"])

    def _print(
        self,
        user: str,
        what: str,
        blocks: list[dict[str, Any]] | None,
        text: str | None,
        *,
        view: dict[str, Any] | None = None,
    ) -> None:
        if user not in PEOPLE:
            return
        reader = self.reader(user)
        title = f"{RULE * 2} {PEOPLE[user][0]} · {self._local(user, self.clock.now())} · {what} "
        self.say("")
        self.say(title + RULE * max(4, 78 - len(title)))
        if view is not None:
            body = reader.view(view)
        elif blocks:
            body = reader.blocks(blocks)
        else:
            body = "\n".join(wrap(reader.mrkdwn(text or "")))
        for line in body.splitlines():
            self.say("  " + line)
        self.printed += 1

    def _shown(self, user: str, text: str) -> str:
        return self.reader(user).mrkdwn(text)


def _person(channel: str) -> str:
    """The person a DM (D…) or a user id (U…) as a channel stands for."""
    return "U" + str(channel)[1:]


def _find(blocks: list[dict[str, Any]], action_id: str) -> dict[str, Any]:
    for block in blocks:
        for element in [*block.get("elements", []), block.get("accessory") or {}]:
            if element.get("action_id") == action_id:
                return element
    raise LookupError(f"no {action_id} button")


def story(s: Story) -> None:
    """Ada (New York) and Bart (Warsaw), through two weekly cycles."""
    sim = s.simulator

    def last(user: str, kind: str | None = None) -> dict[str, Any]:
        messages = sim.messages("D" + user[1:])
        if kind is not None:
            messages = [
                m
                for m in messages
                if (m.get("metadata") or {}).get("event_payload", {}).get("kind") == kind
            ]
        return messages[-1]

    s.say("Ada Lovelace leads a team from New York; Bart Kowalski works in Warsaw.")
    s.at(START)
    s.command(ADA, f"schedule <@{BART}> weekly on Tuesday at 10:00")

    s.at(START + timedelta(minutes=20))
    s.click(BART, last(BART, "invitation"), Action.INVITATION_ACCEPT, "Accept")

    s.say("\nThe day before the 1:1, both are asked, each in their own words and timezone.")
    s.tick(FIRST - timedelta(hours=24))

    s.at(FIRST - timedelta(hours=22))  # Monday 18:00 in Warsaw
    s.click(BART, last(BART, "prompt"), Action.PROMPT_ANSWER, "Answer")
    words = "I'd like to talk about my promotion path, and the on-call load <3"
    s.submit(BART, {"open": (words, words)})

    s.say("\nAda has not answered yet: one gentle nudge, in her working hours.")
    s.tick(FIRST - timedelta(hours=17))

    s.at(FIRST - timedelta(hours=16, minutes=50))
    s.reply(ADA, "Recognition for the migration work, and the offsite plan.", 1)

    s.say("\nAn hour before, the agenda: Ada sees both sides, Bart the shared part.")
    s.tick(FIRST - timedelta(hours=1))

    s.say("\nAfter the meeting, a word to both to write down what they agreed.")
    s.tick(FIRST + timedelta(minutes=30))
    s.at(FIRST + timedelta(minutes=45))
    s.click(ADA, last(ADA, "followup"), Action.FOLLOWUP_NOTES, "Add notes")
    shared = "Bart leads the design review. Promotion: revisit in January."
    private = "Watch the on-call load; ask again next month."
    s.submit(
        ADA,
        {
            "shared": (shared, shared),
            "private": (private, private),
            "item": ("Draft the growth plan", "Draft the growth plan"),
            "owner": ("Bart", {"type": "static_select", "selected_option": {"value": BART}}),
            "due": ("2026-12-01", {"type": "datepicker", "selected_date": "2026-12-01"}),
        },
    )

    s.say("\nMonday: Ada's weekly summary, at 09:00 where she is.")
    s.tick(FIRST + WEEK - timedelta(hours=25))
    s.say("\nAnd the next prompts, with the open action item carried over.")
    s.tick(FIRST + WEEK - timedelta(hours=24))
    s.at(FIRST + WEEK - timedelta(hours=21))  # Monday 19:00 in Warsaw
    s.click(BART, last(BART, "prompt"), Action.PROMPT_ANSWER, "Answer")
    blockers = "The release train slips every week."
    s.submit(
        BART,
        {
            "mood": ("4", {"type": "static_select", "selected_option": {"value": "4"}}),
            "blockers": (blockers, blockers),
        },
    )
    s.say("\nThe next agenda brings back what they agreed (and Ada's private note, to her).")
    s.tick(FIRST + WEEK - timedelta(hours=1))
    s.open_home(ADA)


def run(
    out: TextIO, *, database_url: str | None = None, keep: bool = False, socket: bool = False
) -> int:
    """Tell the story; returns the exit code. The temporary database is removed unless
    `keep` (or `database_url` names one of your own, which is never removed). In a database
    of your own, each telling is a workspace of its own, so that it can be told again. With
    `socket`, Slack and the app talk over Socket Mode instead of HTTP."""
    started = time.monotonic()
    folder = None if database_url else tempfile.mkdtemp(prefix="oneonone-demo-")
    url = database_url or f"sqlite:///{folder}/demo.db"
    shown_url = make_url(url).render_as_string(hide_password=True)
    run = secrets.token_hex(4).upper()
    workspace = Workspace(team_id=f"T{run}", team_name="Demo") if database_url else Workspace()
    clock = SimulatedClock(START)
    where = f"your database ({shown_url})" if database_url else "a temporary database"
    with SlackSimulator(workspace=workspace, wall=clock.now) as simulator:
        for user_id, (real_name, name, tz) in PEOPLE.items():
            simulator.add_user(user_id, name, tz, real_name=real_name)
        settings = Settings(
            database_url=url,
            bot_token=BOT_TOKEN,
            signing_secret=SIGNING_SECRET,
            api_url=simulator.api_url,
            app_token=APP_TOKEN if socket else None,
        )
        engine = db.make_engine(url)
        db.migrate(engine)
        app = create_app(settings, engine=engine, process_before_response=True, clock=clock)
        outbox = make_outbox(settings, engine, clock)
        transport = "Socket Mode" if socket else "HTTP"
        try:
            with _connected(app, engine, simulator, socket=socket) as slack:
                s = Story(out, simulator, slack, outbox, engine, clock, run=run)
                print(
                    f"oneonone demo: the real app over {transport}, a simulated Slack, {where} "
                    "and a simulated clock.",
                    file=out,
                )
                story(s)
        finally:
            engine.dispose()
    seconds = time.monotonic() - started
    print(
        f"\n{s.printed} messages and views, {len(simulator.calls)} Web API calls, "
        f"in {seconds:.1f} s.",
        file=out,
    )
    if folder is None or keep:
        print(f"The data is in {shown_url} (workspace {workspace.team_id}).", file=out)
    else:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


@contextmanager
def _connected(
    app: App, engine: Engine, simulator: SlackSimulator, *, socket: bool
) -> Iterator[SlackClient]:
    """Slack's side, talking to the app: over HTTP to the production server on loopback, or
    over Socket Mode to the handler `run --socket` uses."""
    if not socket:
        with web.serving_in_background(web.wsgi_app(app, engine, SIGNING_SECRET)) as base:
            yield SlackClient(base + web.EVENTS_PATH, simulator)
        return
    handler = socket_mode_handler(app, APP_TOKEN)
    handler.connect()
    try:
        simulator.socket_mode.wait_for_connections(1)
        yield SlackClient.over_socket(simulator)
    finally:
        handler.close()
