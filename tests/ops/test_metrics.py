"""The metrics endpoint serves Prometheus text and a health verdict from a Metrics of its own."""

from __future__ import annotations

import logging
import socket
import struct
import time
from collections.abc import Iterator

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from postbot.ops.metrics import Metrics, MetricsServer


class FakeClock:
    """A monotonic clock that moves only when told."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def metrics(clock: FakeClock) -> Metrics:
    return Metrics(stale_after=30.0, clock=clock)


@pytest.fixture
def server(metrics: Metrics) -> Iterator[MetricsServer]:
    with MetricsServer(metrics, host="127.0.0.1", port=0) as running:
        yield running


@pytest.fixture
def client(server: MetricsServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"http://127.0.0.1:{server.port}", timeout=5) as http:
        yield http


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of an exposition, keyed by (name, labels)."""
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(text: str, name: str, **labels: str) -> float:
    return samples(text)[(name, frozenset(labels.items()))]


def test_metrics_exposes_counters_with_labels(metrics: Metrics, client: httpx.Client) -> None:
    metrics.record_poll("iq-news", "ok", new_stories=3)
    metrics.record_poll("iq-news", "ok")
    metrics.record_poll("عراق-نيوز", "error")
    metrics.record_poll("sy-news", "not_modified")
    metrics.alerts_queued.inc(4)
    metrics.alerts_sent.inc(3)
    metrics.alerts_failed.labels(reason="blocked").inc()
    metrics.alerts_retried.labels(reason="429").inc(2)

    response = client.get("/metrics")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    text = response.text
    assert 'postbot_feed_polls_total{feed="iq-news",outcome="ok"} 2.0' in text
    assert value(text, "postbot_feed_polls_total", feed="عراق-نيوز", outcome="error") == 1
    assert value(text, "postbot_feed_polls_total", feed="sy-news", outcome="not_modified") == 1
    assert value(text, "postbot_feed_errors_total", feed="عراق-نيوز") == 1
    assert ("postbot_feed_errors_total", frozenset({("feed", "iq-news")})) not in samples(text)
    assert value(text, "postbot_stories_new_total", feed="iq-news") == 3
    assert value(text, "postbot_alerts_queued_total") == 4
    assert value(text, "postbot_alerts_sent_total") == 3
    assert value(text, "postbot_alerts_failed_total", reason="blocked") == 1
    assert value(text, "postbot_alerts_failed_total", reason="network") == 0  # made at zero
    assert value(text, "postbot_alerts_retried_total", reason="429") == 2
    assert value(text, "postbot_start_time_seconds") > 1.6e9


def test_metrics_exposes_histograms(metrics: Metrics, client: httpx.Client) -> None:
    metrics.send_latency.observe(0.03)
    metrics.send_latency.observe(4.0)
    metrics.alert_delay.observe(90.0)

    text = client.get("/metrics").text

    assert value(text, "postbot_send_latency_seconds_count") == 2
    assert value(text, "postbot_send_latency_seconds_bucket", le="0.05") == 1
    assert value(text, "postbot_send_latency_seconds_bucket", le="10.0") == 2
    assert value(text, "postbot_send_latency_seconds_bucket", le="0.005") == 0
    assert value(text, "postbot_alert_delay_seconds_bucket", le="60.0") == 0
    assert value(text, "postbot_alert_delay_seconds_bucket", le="120.0") == 1
    assert value(text, "postbot_alert_delay_seconds_bucket", le="3600.0") == 1


def test_queue_probe_runs_at_each_scrape(metrics: Metrics, client: httpx.Client) -> None:
    depth = iter([(7, 1), (2, 0)])
    metrics.set_queue_probe(lambda: next(depth))

    first = client.get("/metrics").text
    second = client.get("/metrics").text

    assert value(first, "postbot_outbox_pending") == 7
    assert value(first, "postbot_feeds_failing") == 1
    assert value(second, "postbot_outbox_pending") == 2
    assert value(second, "postbot_feeds_failing") == 0


def test_healthz_ok_while_loops_tick(
    metrics: Metrics, clock: FakeClock, client: httpx.Client
) -> None:
    metrics.heartbeat("poll")
    metrics.heartbeat("dispatch")
    clock.now += 12.5
    metrics.heartbeat("dispatch")

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {
        "status": "ok",
        "uptime_s": 12.5,
        "loops": {"dispatch": 0.0, "poll": 12.5},
        "problems": [],
    }


def test_healthz_503_when_a_loop_goes_stale(
    metrics: Metrics, clock: FakeClock, client: httpx.Client
) -> None:
    metrics.heartbeat("poll")
    metrics.heartbeat("dispatch")
    clock.now += 31
    metrics.heartbeat("dispatch")

    stale = client.get("/healthz")
    metrics.heartbeat("poll")
    recovered = client.get("/healthz")

    assert stale.status_code == 503
    body = stale.json()
    assert body["status"] == "unhealthy"
    assert body["loops"] == {"dispatch": 0.0, "poll": 31.0}
    assert len(body["problems"]) == 1 and "'poll'" in body["problems"][0]
    assert recovered.status_code == 200


def test_failing_probe_makes_healthz_503_and_metrics_still_serve(
    metrics: Metrics, client: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[int] = []

    def probe() -> tuple[int, int]:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("database is locked")
        return 5, 0

    metrics.set_queue_probe(probe)
    metrics.alerts_sent.inc()

    assert client.get("/healthz").status_code == 200  # call 1
    scrape = client.get("/metrics")  # call 2 raises
    health = client.get("/healthz")  # call 3 recovers

    assert scrape.status_code == 200
    assert value(scrape.text, "postbot_alerts_sent_total") == 1
    assert value(scrape.text, "postbot_outbox_pending") == 5  # the last good reading
    assert "database is locked" in caplog.text
    assert health.status_code == 200

    def broken_probe() -> tuple[int, int]:
        raise ZeroDivisionError("division by zero")

    metrics.set_queue_probe(broken_probe)
    failing = client.get("/healthz")
    assert failing.status_code == 503
    assert failing.json()["status"] == "unhealthy"
    assert any("ZeroDivisionError" in p for p in failing.json()["problems"])


@pytest.mark.parametrize("path", ["/", "/metrics/extra", "/health", "/favicon.ico"])
def test_other_paths_are_404(client: httpx.Client, path: str) -> None:
    assert client.get(path).status_code == 404


def test_query_string_is_ignored(client: httpx.Client) -> None:
    assert client.get("/metrics", params={"name[]": "postbot_alerts_sent_total"}).is_success


def test_instances_do_not_share_values() -> None:
    first, second = Metrics(), Metrics()
    first.alerts_sent.inc(3)
    first.record_poll("iq-news", "ok")

    assert value(first.render().decode(), "postbot_alerts_sent_total") == 3
    assert value(second.render().decode(), "postbot_alerts_sent_total") == 0
    assert "iq-news" not in second.render().decode()


def test_client_hanging_up_does_not_stop_the_server(
    server: MetricsServer,
    client: httpx.Client,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="postbot.ops.metrics")
    for request in (b"GET /metrics HTTP/1.1\r\n", b"GET /metr", b""):
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as raw:
            raw.sendall(request)
            # close with a reset, as a scraper that gives up does
            raw.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    deadline = time.monotonic() + 5
    while caplog.text.count("went away") < 3 and time.monotonic() < deadline:
        time.sleep(0.01)  # the server's threads notice the resets on their own time

    # how many resets a thread sees as such (rather than as an empty request) depends on
    # timing; what matters is that none of them stops the server or reaches stderr
    assert client.get("/healthz").status_code == 200
    assert client.get("/metrics").status_code == 200
    assert capfd.readouterr().err == ""


def test_stop_frees_the_port_and_is_idempotent(metrics: Metrics) -> None:
    server = MetricsServer(metrics, host="127.0.0.1")
    server.start()
    port = server.port
    with pytest.raises(RuntimeError):
        server.start()
    server.stop()
    server.stop()

    with pytest.raises(RuntimeError):
        _ = server.port
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)


def _local_addresses() -> list[str]:
    """A non-loopback IPv4 address of this machine, if it has one (to prove loopback-only)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET: nothing is sent for a UDP connect
            address = str(probe.getsockname()[0])
        except OSError:
            return []
    return [] if address.startswith("127.") else [address]


def test_listens_on_loopback_by_default(metrics: Metrics) -> None:
    with MetricsServer(metrics) as running:
        assert running.host == "127.0.0.1"
        assert httpx.get(f"http://127.0.0.1:{running.port}/healthz", timeout=5).status_code
        for address in _local_addresses():
            with pytest.raises(httpx.ConnectError):
                httpx.get(f"http://{address}:{running.port}/healthz", timeout=2)


@pytest.mark.parametrize("host", ["127.0.0.1", "0.0.0.0", "::1"])
def test_listens_where_told(metrics: Metrics, host: str) -> None:
    if ":" in host and not socket.has_ipv6:
        pytest.skip("no IPv6 here")
    try:
        server = MetricsServer(metrics, host=host)
        server.start()
    except OSError as exc:  # an IPv6-less container
        pytest.skip(f"cannot bind {host}: {exc}")
    try:
        url_host = f"[{host}]" if ":" in host else ("127.0.0.1" if host == "0.0.0.0" else host)
        reply = httpx.get(f"http://{url_host}:{server.port}/healthz", timeout=5)
        assert reply.status_code == 200
    finally:
        server.stop()
