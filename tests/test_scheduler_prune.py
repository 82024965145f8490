"""The daily prune job: stories past `retention_days` go in batches, the recent ones stay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from postbot import scheduler as scheduler_module
from postbot.feeds.story import Story
from postbot.match.query import parse_query
from postbot.scheduler import PRUNE, Scheduler
from postbot.service import search
from postbot.store import repo
from postbot.store.models import StoryRow


class _Idle:
    on_wake = None

    def sync_feeds(self, *, poll_now: bool = True) -> None: ...
    async def tick(self) -> list[object]:
        return []

    async def wait_idle(self) -> None: ...
    async def send_tick(self) -> int:
        return 0

    async def renew_leases(self) -> None: ...
    async def stop(self) -> None: ...


async def test_prune_deletes_past_retention_in_batches(
    engine: sa.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = datetime.now(UTC)
    with Session(engine) as session:
        feed = repo.FeedSpec("f", "https://f.test", "F")
        repo.upsert_feeds(session=session, feeds=[feed], now=now)
        for i in range(7):
            age = timedelta(days=40 + i) if i < 5 else timedelta(days=2)
            story = Story("f", f"k{i}", f"خبر رقم {i} عن داعش", None, "", None)
            repo.save_story(session=session, story=story, now=now - age)
        session.commit()
    calls: list[int] = []

    def small_batches(engine: sa.Engine, *, before: datetime) -> int:
        deleted = search.prune_batch(engine, before=before, batch=2)
        calls.append(deleted)
        return deleted

    monkeypatch.setattr(scheduler_module, "PRUNE_BATCH", 2)
    monkeypatch.setattr(scheduler_module, "prune_batch", small_batches)
    idle = _Idle()
    scheduler = Scheduler(
        engine=engine, poller=idle, dispatcher=idle, owner="t", retention_days=lambda: 30
    )
    assert await scheduler.prune() == 5
    assert calls == [2, 2, 1]  # three short transactions, not one long one
    with Session(engine) as session:
        titles = sorted(r.title for r in session.exec(select(StoryRow)))
    assert titles == ["خبر رقم 5 عن داعش", "خبر رقم 6 عن داعش"]
    found = search.stories_matching(engine, parse_query("داعش"), since=now - timedelta(days=400))
    assert len(found.hits) == 2


async def test_the_prune_job_is_scheduled_daily_when_retention_is_set(engine: sa.Engine) -> None:
    idle = _Idle()
    scheduler = Scheduler(
        engine=engine, poller=idle, dispatcher=idle, owner="t", retention_days=lambda: 180
    )
    await scheduler.start()
    try:
        job = scheduler.jobs.get_job(PRUNE)
        assert job is not None and job.trigger.interval == timedelta(days=1)
        assert job.next_run_time > datetime.now(UTC) + timedelta(minutes=5)
    finally:
        await scheduler.stop()
