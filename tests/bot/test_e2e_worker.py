"""`postbot worker`: polls feeds and delivers alerts, and never asks Telegram for updates."""

from __future__ import annotations

import signal
from pathlib import Path

from support.botapi import BotApiDouble
from support.feedserver import FeedItem, FeedServer
from support.process import TOKEN, alerts, bot_process, publish, seed_chats

from .conftest import wait_first_poll

STORY = FeedItem(
    title="خلايا داعش تهاجم نقطة للجيش في صحراء الأنبار",
    link="https://news.example/worker/isis",
    description="قالت مصادر أمنية إن خلايا داعش هاجمت نقطة عسكرية ليلاً.",
    guid="worker-isis",
)


def test_worker_delivers_without_long_polling(
    tmp_path: Path, double: BotApiDouble, feeds: FeedServer, config: Path
) -> None:
    worker = bot_process(tmp_path, double.url, config, command=("worker",))
    worker.start()
    try:
        feeds.wait_for_hits("/news.xml", 1, timeout=30)
        wait_first_poll(worker)
        seed_chats(worker, [5101, 5102], topics=["isis"])
        publish(worker, feeds, STORY)
        double.wait_for(lambda d: len(alerts(d)) == 2, timeout=15, what="both alerts")
        assert {a.chat_id for a in alerts(double)} == {5101, 5102}
        assert STORY.title in alerts(double)[0].text
        assert worker.stop(signal.SIGTERM, timeout=15) == 0
    finally:
        if worker.alive():
            worker.kill()
    methods = {c.method for c in double.calls}
    assert "getUpdates" not in methods and "setWebhook" not in methods
    logs = worker.logs()
    assert TOKEN not in logs and "Traceback" not in logs
