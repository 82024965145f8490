"""What the running bot knows from its config: feeds, topics, admins. Rebuilt by /reload.

Built once in `main` (and again on /reload) and handed to the poller, the dispatcher and the
command handlers, which always read the current one through a `CatalogRef`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from postbot.config.load import Config, FeedConfig
from postbot.match.topics import Topic, build_topics


@dataclass(frozen=True)
class Catalog:
    """The config's feeds and topics in the forms the bot uses."""

    config: Config
    topics: tuple[Topic, ...]
    admins: frozenset[int]

    @classmethod
    def build(cls, config: Config, extra_admins: Iterable[int] = ()) -> Catalog:
        """Compile the config's topics (raises QuerySyntaxError on a bad topic query)."""
        topics = tuple(build_topics(config.topics))
        return cls(config, topics, frozenset(config.admins) | frozenset(extra_admins))

    def topic(self, topic_id: str) -> Topic | None:
        """The topic with this id, if the config still has it."""
        return next((t for t in self.topics if t.id == topic_id), None)

    def topic_name(self, topic_id: str, lang: str) -> str:
        """A topic's display name, or its id if the config no longer has it."""
        topic = self.topic(topic_id)
        return topic.name(lang) if topic else topic_id

    def feed(self, feed_id: str) -> FeedConfig | None:
        """The configured feed with this id (asked on every poll: a dict, not a scan)."""
        return self._feeds_by_id.get(feed_id)

    @cached_property
    def _feeds_by_id(self) -> dict[str, FeedConfig]:
        return {f.id: f for f in self.config.feeds}

    def feed_name(self, feed_id: str) -> str:
        """A feed's display name, or its id if the config no longer has it."""
        feed = self.feed(feed_id)
        return feed.name if feed else feed_id


@dataclass
class CatalogRef:
    """The current catalog; /reload swaps it, readers always see a whole one."""

    current: Catalog
    version: int = field(default=0)

    def replace(self, catalog: Catalog) -> None:
        """Install a new catalog (readers pick it up at their next step)."""
        self.current = catalog
        self.version += 1
