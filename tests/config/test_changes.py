"""What `/reload` reports as changed: feeds and topics added, removed, changed, other settings."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from postbot.config.changes import config_changes
from postbot.config.model import Config, FeedConfig, LocalizedName, TopicConfig


def feed(fid: str, url: str = "http://x/1.xml") -> FeedConfig:
    return FeedConfig(fid, fid.title(), url, timedelta(minutes=5), True)


def topic(tid: str, query: str = "داعش") -> TopicConfig:
    return TopicConfig(tid, LocalizedName(f"موضوع {tid}", f"Topic {tid}"), query, False)


BASE = Config(
    path=Path("postbot.yaml"),
    admins=(1,),
    default_interval=timedelta(minutes=5),
    feeds=(feed("a"), feed("b")),
    topics=(topic("isis"), topic("base")),
)


def test_nothing_changed() -> None:
    assert config_changes(BASE, replace(BASE)).nothing


def test_feeds_and_topics_added_removed_changed() -> None:
    new = replace(
        BASE,
        feeds=(feed("a", "http://x/2.xml"), feed("c")),
        topics=(topic("isis", "داعش OR الدولة"), topic("troops")),
    )
    changes = config_changes(BASE, new)
    assert [f.id for f in changes.feeds_added] == ["c"]
    assert [f.id for f in changes.feeds_removed] == ["b"]
    assert [f.id for f in changes.feeds_changed] == ["a"]
    assert [t.id for t in changes.topics_added] == ["troops"]
    assert [t.id for t in changes.topics_removed] == ["base"]
    assert [t.id for t in changes.topics_changed] == ["isis"]
    assert not changes.other and not changes.nothing


def test_other_settings() -> None:
    changes = config_changes(BASE, replace(BASE, admins=(1, 2)))
    assert changes.other and not changes.nothing
    assert not changes.feeds_added and not changes.topics_changed
