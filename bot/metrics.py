"""What `GET /metrics` shows, in Prometheus' text format (`prometheus_client`).

Each process counts its own: scrape every replica. Names follow Prometheus' conventions
(`_total` counters, `_seconds` histograms).
"""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

DELIVERIES = Counter(
    "oneonone_deliveries_total",
    "Deliveries by kind and outcome (sent, recovered, retrying, failed, dropped).",
    ["kind", "outcome"],
)
DELIVERY_LAG = Histogram(
    "oneonone_delivery_lag_seconds",
    "How long after it was due each delivery reached Slack.",
    buckets=(1, 5, 15, 30, 60, 120, 300, 900, 3600),
)
RATE_LIMITED = Counter(
    "oneonone_slack_rate_limited_total",
    "Slack's 429s, by the scope they paused (dm or workspace).",
    ["scope"],
)
PASS_DURATION = Histogram(
    "oneonone_pass_duration_seconds",
    "How long each delivery pass took.",
    buckets=(0.1, 0.5, 1, 5, 10, 30, 60, 120),
)
REQUESTS = Counter(
    "oneonone_http_requests_total",
    "HTTP requests by route and status.",
    ["route", "status"],
)


def exposition() -> tuple[bytes, str]:
    """The body and content type of `GET /metrics`."""
    return generate_latest(), CONTENT_TYPE_LATEST
