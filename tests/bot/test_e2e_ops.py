"""Operations: /metrics and /healthz on --metrics-port, JSON logs with ids, all on a real run."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from support.botapi import BotApiDouble
from support.feedserver import FeedItem, FeedServer
from support.process import TOKEN, alerts, bot_process, free_port, seed_chats

from .conftest import wait_first_poll

pytestmark = pytest.mark.e2e

STORY = FeedItem(
    title="هجوم لداعش على موقع للجيش غربي الأنبار",
    link="https://news.example/ops/isis",
    description="قالت مصادر أمنية إن عناصر من داعش هاجموا موقعاً للجيش العراقي.",
    guid="ops-isis",
)


def test_metrics_health_and_json_logs(
    tmp_path: Path, double: BotApiDouble, feeds: FeedServer, config: Path
) -> None:
    port = free_port()
    bot = bot_process(
        tmp_path,
        double.url,
        config,
        extra_args=("--metrics-port", str(port)),
        env={"LOG_FORMAT": "json"},
    )
    bot.start()
    try:
        double.wait_for(lambda d: d.active_polls > 0, timeout=30, what="long polling")
        wait_first_poll(bot)
        seed_chats(bot, [6101, 6102], topics=["isis"])
        feeds.add_item("/news.xml", STORY)
        bot.poll_now()
        double.wait_for(lambda d: len(alerts(d)) == 2, timeout=15, what="two alerts")
        base = f"http://127.0.0.1:{port}"
        metrics = httpx.get(f"{base}/metrics", timeout=5).text
        health = httpx.get(f"{base}/healthz", timeout=5)
        assert httpx.get(f"{base}/nope", timeout=5).status_code == 404
    finally:
        assert bot.stop() == 0
    assert "postbot_alerts_sent_total 2.0" in metrics
    assert "postbot_alerts_queued_total 2.0" in metrics
    assert 'postbot_feed_polls_total{feed="testnews",outcome="ok"}' in metrics
    assert "postbot_outbox_pending 0.0" in metrics
    assert "postbot_send_latency_seconds_count 2.0" in metrics
    assert health.status_code == 200
    body = health.json()
    assert body["status"] == "ok" and set(body["loops"]) >= {"poll", "dispatch"}
    # one JSON object per line, with the ids of what the line is about, and no token
    records = [json.loads(line) for line in bot.logs().splitlines() if line.startswith("{")]
    assert records and all(TOKEN not in json.dumps(r) for r in records)
    sent = [r for r in records if r["message"].startswith("sent story")]
    assert {r["chat_id"] for r in sent} == {6101, 6102}
    assert all(r["story_id"] and r["delivery_id"] for r in sent)
    polls = [r for r in records if r.get("feed_id") == "testnews"]
    assert polls and all(r["level"] in ("INFO", "WARNING") for r in polls)
