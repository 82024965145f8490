"""What a config reload changed (pure): feeds and topics added, removed or changed, by id.

`/reload` shows it to the admin, so that "4 feeds, 3 topics" also says which ones moved.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from postbot.config.model import Config, FeedConfig, TopicConfig


@dataclass(frozen=True, slots=True)
class ConfigChanges:
    """Feeds and topics of the new config that were added or changed, and those removed
    (taken from the old one), each in config order; `other` when anything else changed."""

    feeds_added: tuple[FeedConfig, ...] = ()
    feeds_removed: tuple[FeedConfig, ...] = ()
    feeds_changed: tuple[FeedConfig, ...] = ()
    topics_added: tuple[TopicConfig, ...] = ()
    topics_removed: tuple[TopicConfig, ...] = ()
    topics_changed: tuple[TopicConfig, ...] = ()
    other: bool = field(default=False)

    @property
    def nothing(self) -> bool:
        """True when the reload changed nothing at all."""
        return not (
            self.feeds_added
            or self.feeds_removed
            or self.feeds_changed
            or self.topics_added
            or self.topics_removed
            or self.topics_changed
            or self.other
        )


def config_changes(old: Config, new: Config) -> ConfigChanges:
    """The differences from `old` to `new`; a feed or topic is the same one when its id is."""
    old_feeds = {f.id: f for f in old.feeds}
    new_feeds = {f.id: f for f in new.feeds}
    old_topics = {t.id: t for t in old.topics}
    new_topics = {t.id: t for t in new.topics}
    return ConfigChanges(
        feeds_added=tuple(f for f in new.feeds if f.id not in old_feeds),
        feeds_removed=tuple(f for f in old.feeds if f.id not in new_feeds),
        feeds_changed=tuple(f for f in new.feeds if f.id in old_feeds and old_feeds[f.id] != f),
        topics_added=tuple(t for t in new.topics if t.id not in old_topics),
        topics_removed=tuple(t for t in old.topics if t.id not in new_topics),
        topics_changed=tuple(t for t in new.topics if t.id in old_topics and old_topics[t.id] != t),
        other=(
            old.admins != new.admins
            or old.default_interval != new.default_interval
            or old.breaking != new.breaking
            or old.paid_broadcast != new.paid_broadcast
        ),
    )
