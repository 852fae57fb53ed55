"""The rules of `docs/architecture.md`, read from the source: no import circle, delivery knows
no feature, services know no Slack, listeners never touch the database by hand, and the time
comes from the clock. Each rule names the modules that break it."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOT = ROOT / "bot"
FEATURES = ("scheduling", "checkins", "notes", "people", "summary", "home", "calendars", "privacy")
LISTENERS = {f"bot.slack.{name}" for name in ("commands", "events", "ignored", "replies")}
# What a feature offers the others: its services (people has two: preferences in `service`,
# presence in `profiles`) and its pure values (the cadence, zones, the question catalogue).
# Its listeners, blocks and messages are its own.
PUBLIC = {"service", "profiles", "cadence", "zones", "questions"}
QUERIES = {"select", "insert", "update", "delete", "text"}
WALL_CLOCK = {("datetime", "now"), ("datetime", "utcnow"), ("date", "today"), ("time", "time")}


@cache
def modules() -> dict[str, ast.Module]:
    found = {}
    for path in BOT.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = ast.parse(path.read_text(encoding="utf-8"))
    return found


def imports(name: str) -> set[str]:
    """Every `bot` module this one imports, anywhere in it (a function's imports too)."""
    known, found = modules(), set()
    for node in ast.walk(known[name]):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            # `from bot.slack import views` depends on the module bot.slack.views, and
            # `from bot.slack.ids import Action` on bot.slack.ids
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                found.add(submodule if submodule in known else node.module)
    return {module for module in found if module in known and module != name}


def external(name: str) -> set[str]:
    """The top-level packages outside `bot` this module imports."""
    found = set()
    for node in ast.walk(modules()[name]):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found


def listener_modules() -> set[str]:
    return LISTENERS | {name for name in modules() if name.endswith(".listeners")}


def test_there_is_no_import_circle() -> None:
    graph = {name: imports(name) for name in modules()}
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> None:
        if name in path:
            raise AssertionError("import circle: " + " -> ".join([*path[path.index(name) :], name]))
        if name in done:
            return
        for other in sorted(graph[name]):
            visit(other, [*path, name])
        done.add(name)

    for name in sorted(graph):
        visit(name, [])


def test_delivery_imports_no_feature_and_no_slack_glue() -> None:
    forbidden = tuple(f"bot.{package}" for package in (*FEATURES, "slack"))
    broken = {
        name: sorted(m for m in imports(name) if m.startswith(forbidden))
        for name in modules()
        if name.startswith("bot.delivery")
    }
    assert {name: found for name, found in broken.items() if found} == {}


def test_a_feature_uses_another_only_through_what_it_offers() -> None:
    broken = {}
    for name in modules():
        package = name.split(".")[1] if name.count(".") >= 1 else ""
        if package not in FEATURES:
            continue
        found = sorted(
            m
            for m in imports(name)
            if m.count(".") == 2
            and m.split(".")[1] in FEATURES
            and m.split(".")[1] != package
            and m.split(".")[2] not in PUBLIC
        )
        if found:
            broken[name] = found
    assert broken == {}


def test_feature_services_know_no_slack() -> None:
    services = [f"bot.{package}.service" for package in FEATURES]
    broken = {
        name: sorted(
            (external(name) & {"slack_bolt", "slack_sdk"})
            | {m for m in imports(name) if m.startswith("bot.slack")}
        )
        for name in services
    }
    assert {name: found for name, found in broken.items() if found} == {}


def test_no_listener_opens_a_session_or_writes_sql() -> None:
    broken = {}
    for name in listener_modules():
        found = set()
        for node in ast.walk(modules()[name]):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Session":
                found.add(f"Session() at line {node.lineno}")
            if isinstance(node, ast.ImportFrom) and node.module == "sqlalchemy":
                found |= {alias.name for alias in node.names} & QUERIES
            if isinstance(node, ast.Attribute) and node.attr in ("engine", "execute", "scalar"):
                found.add(f".{node.attr} at line {node.lineno}")
        if found:
            broken[name] = sorted(found)
    assert broken == {}


def test_the_time_comes_from_the_clock() -> None:
    """`datetime.now`, `date.today` and `time.time` only in `bot.clock` (the simulator, a
    stand-in for Slack, keeps its own time)."""
    broken = {}
    for name, tree in modules().items():
        if name in ("bot.clock",) or name.startswith("bot.simulator"):
            continue
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and (node.value.id, node.attr) in WALL_CLOCK
            ):
                broken.setdefault(name, []).append(node.lineno)
    assert broken == {}


def test_the_rules_can_fail() -> None:
    """The readers find what they look for (a rule that reads nothing passes forever)."""
    assert "bot.delivery.outbox" in modules()
    assert "bot.clock" in imports("bot.delivery.outbox")
    assert "slack_sdk" in external("bot.app")
    assert {"bot.home.listeners", "bot.people.listeners"} <= listener_modules()
    assert "bot.slack.work" in imports("bot.home.listeners")
    assert "bot.scheduling.cadence" in imports("bot.calendars.service")
