"""Prometheus metrics and a health check, served over HTTP on an optional port.

The server listens on 127.0.0.1 unless told otherwise (`--metrics-listen HOST:PORT`): the
health report names the loops and their problems, which is nobody else's business.

`Metrics` holds the counters, gauges and histograms of one process in a registry of its own
(never prometheus_client's global one, so tests and several instances do not collide), plus the
heartbeats of its long-running loops. `MetricsServer` serves it from a daemon thread:

    GET /metrics   the Prometheus text exposition
    GET /healthz   200 or 503 with a JSON body: status, uptime, seconds since each loop's
                   last tick, problems
"""

from __future__ import annotations

import json
import logging
import socket
import sys
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import urlsplit

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

log = logging.getLogger(__name__)

METRICS_HOST = "127.0.0.1"  # where /metrics and /healthz listen unless told otherwise

PollOutcome = Literal["ok", "not_modified", "error"]
QueueProbe = Callable[[], tuple[int, int]]

# Known label values, created at zero so rate() and alerts see a series before the first event.
POLL_OUTCOMES: tuple[PollOutcome, ...] = ("ok", "not_modified", "error")
FAIL_REASONS = ("blocked", "bad_request", "network", "internal")
RETRY_REASONS = ("429", "network")

# one sendMessage call: a few ms to a local double, up to the client's 10 s timeout
SEND_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
# story first seen -> alert accepted by Telegram: seconds when all is well, up to an hour
# behind flood control or a Telegram outage
ALERT_DELAY_BUCKETS = (0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0)
# an item's own published time -> its alert accepted by Telegram: the source's own lag (how long
# its feed took to show the item) plus ours; minutes for a good feed, hours for a slow one
PUBLISH_DELAY_BUCKETS = (30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0, 7200.0, 21600.0)


class Metrics:
    """The process's metrics, loop heartbeats and health verdict."""

    def __init__(
        self,
        *,
        stale_after: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.stale_after = stale_after
        self._clock = clock
        self._started = clock()
        self._lock = threading.Lock()
        self._ticks: dict[str, float] = {}
        self._probe: QueueProbe | None = None
        self._probe_error: str | None = None
        self._probe_lock = threading.Lock()  # one probe call at a time, however many scrapes

        reg = self.registry
        self.polls = Counter(
            "postbot_feed_polls", "Feed polls by outcome.", ["feed", "outcome"], registry=reg
        )
        self.feed_errors = Counter(
            "postbot_feed_errors", "Failed feed polls.", ["feed"], registry=reg
        )
        self.new_stories = Counter(
            "postbot_stories_new", "Stories seen for the first time.", ["feed"], registry=reg
        )
        self.alerts_queued = Counter(
            "postbot_alerts_queued", "Alerts put in the outbox.", registry=reg
        )
        self.alerts_sent = Counter(
            "postbot_alerts_sent", "Alerts accepted by Telegram.", registry=reg
        )
        self.alerts_failed = Counter(
            "postbot_alerts_failed", "Alerts given up on, by reason.", ["reason"], registry=reg
        )
        self.alerts_retried = Counter(
            "postbot_alerts_retried", "Sends retried later, by reason.", ["reason"], registry=reg
        )
        self.digests_sent = Counter(
            "postbot_digest_messages_sent",
            "Digest messages accepted by Telegram (the alerts they carry count as sent).",
            registry=reg,
        )
        self.alerts_edited = Counter(
            "postbot_alerts_edited", "Sent alerts edited to name other outlets.", registry=reg
        )
        self.stories_clustered = Counter(
            "postbot_stories_clustered",
            "New stories recognised as another outlet's copy of a recent story.",
            registry=reg,
        )
        self.send_latency = Histogram(
            "postbot_send_latency_seconds",
            "Duration of one sendMessage call.",
            buckets=SEND_LATENCY_BUCKETS,
            registry=reg,
        )
        self.alert_delay = Histogram(
            "postbot_alert_delay_seconds",
            "From a story first seen to its alert accepted by Telegram.",
            buckets=ALERT_DELAY_BUCKETS,
            registry=reg,
        )
        self.publish_delay = Histogram(
            "postbot_publish_to_alert_seconds",
            "From an item's own published time to its alert accepted by Telegram, per feed.",
            ["feed"],
            buckets=PUBLISH_DELAY_BUCKETS,
            registry=reg,
        )
        self.queue_depth = Gauge(
            "postbot_outbox_pending", "Deliveries waiting in the outbox.", registry=reg
        )
        self.feeds_failing = Gauge(
            "postbot_feeds_failing", "Feeds whose last poll failed.", registry=reg
        )
        self.up_since = Gauge(
            "postbot_start_time_seconds", "Process start, Unix time.", registry=reg
        )
        self.up_since.set(time.time())
        for reason in FAIL_REASONS:
            self.alerts_failed.labels(reason=reason)
        for reason in RETRY_REASONS:
            self.alerts_retried.labels(reason=reason)

    def record_poll(self, feed: str, outcome: PollOutcome, new_stories: int = 0) -> None:
        """Count one poll of `feed`; an error also counts in feed_errors."""
        self.polls.labels(feed=feed, outcome=outcome).inc()
        if outcome == "error":
            self.feed_errors.labels(feed=feed).inc()
        if new_stories:
            self.new_stories.labels(feed=feed).inc(new_stories)

    def record_publish_delay(self, feed: str, seconds: float) -> None:
        """An alert accepted `seconds` after its item's own published time (never negative:
        an item dated in the future says nothing about latency and is not counted)."""
        if seconds >= 0:
            self.publish_delay.labels(feed=feed).observe(seconds)

    def set_queue_probe(self, probe: QueueProbe) -> None:
        """Use `probe() -> (pending deliveries, failing feeds)` at every scrape and health check.

        It runs in the metrics server's thread, so it must be safe to call from there.
        """
        self._probe = probe

    def heartbeat(self, name: str) -> None:
        """Record a tick of the loop `name`; from its first tick on, the loop must keep ticking."""
        now = self._clock()
        with self._lock:
            self._ticks[name] = now

    def refresh(self) -> None:
        """Call the queue probe and set the gauges it feeds; a failure is logged and remembered."""
        probe = self._probe
        if probe is None:
            return
        with self._probe_lock:
            try:
                pending, failing = probe()
            except Exception as exc:  # the probe may hit the database: anything can go wrong
                log.warning("metrics: queue probe failed: %r", exc)
                self._probe_error = f"queue probe failed: {exc!r}"
                return
            self._probe_error = None
            self.queue_depth.set(pending)
            self.feeds_failing.set(failing)

    def render(self) -> bytes:
        """The Prometheus text exposition, with the probe's gauges fresh."""
        self.refresh()
        return generate_latest(self.registry)

    def health(self) -> tuple[bool, dict[str, Any]]:
        """(healthy, JSON-ready report): unhealthy when a loop is stale or the probe failed."""
        self.refresh()
        now = self._clock()
        with self._lock:
            ticks = dict(self._ticks)
        loops = {name: round(now - tick, 3) for name, tick in sorted(ticks.items())}
        problems = [
            f"loop {name!r} has not ticked for {age:.1f} s (limit {self.stale_after:g} s)"
            for name, age in loops.items()
            if age > self.stale_after
        ]
        if self._probe_error is not None:
            problems.append(self._probe_error)
        report: dict[str, Any] = {
            "status": "unhealthy" if problems else "ok",
            "uptime_s": round(now - self._started, 3),
            "loops": loops,
            "problems": problems,
        }
        return not problems, report


class _Handler(BaseHTTPRequestHandler):
    """Serves /metrics and /healthz of the server's Metrics."""

    server: _Server
    timeout = 10  # seconds a client may take to send its request

    def do_GET(self) -> None:
        """Route a GET request."""
        path = urlsplit(self.path).path
        metrics = self.server.metrics
        if path == "/metrics":
            self._reply(HTTPStatus.OK, CONTENT_TYPE_LATEST, metrics.render())
        elif path == "/healthz":
            healthy, report = metrics.health()
            status = HTTPStatus.OK if healthy else HTTPStatus.SERVICE_UNAVAILABLE
            body = json.dumps(report, ensure_ascii=False).encode()
            self._reply(status, "application/json; charset=utf-8", body)
        else:
            self._reply(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"not found\n")

    def _reply(self, status: HTTPStatus, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Scrapes come every few seconds: no access log."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], metrics: Metrics) -> None:
        self.metrics = metrics
        if ":" in address[0]:  # an IPv6 address such as ::1 or ::
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A scraper hanging up is routine; anything else is logged, never printed to stderr."""
        # socketserver calls this from inside the except block, so the exception is current
        exc = sys.exc_info()[1]
        if isinstance(exc, ConnectionError | TimeoutError):
            log.debug("metrics: client %s went away: %r", client_address, exc)
        else:
            log.exception("metrics: error serving %s", client_address)


class MetricsServer:
    """Serves a Metrics over HTTP from a daemon thread."""

    def __init__(self, metrics: Metrics, host: str = METRICS_HOST, port: int = 0) -> None:
        self.metrics = metrics
        self.host = host
        self._requested_port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The port listened on (the one picked when asked for port 0)."""
        if self._server is None:
            raise RuntimeError("metrics server not started")
        return int(self._server.server_address[1])

    def start(self) -> None:
        """Bind and serve in a daemon thread; raises OSError when the port is taken."""
        if self._server is not None:
            raise RuntimeError("metrics server already started")
        self._server = _Server((self.host, self._requested_port), self.metrics)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.2},
            name="postbot-metrics",
            daemon=True,
        )
        self._thread.start()
        log.info("metrics: serving /metrics and /healthz on %s:%d", self.host, self.port)

    def stop(self) -> None:
        """Stop serving and close the socket; safe to call twice or before start."""
        server, thread = self._server, self._thread
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> MetricsServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
