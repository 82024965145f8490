"""One story across outlets, in the store: canonical links, MinHash bands, later copies.

A story's band keys (cluster/fingerprint.py) are filed in `story_band` while the story is recent, so
that the near-identical stories of the last 48 hours are found with an index lookup, whatever the
number of stories and processes. A later copy points at the first story of its cluster
(`cluster_id`); the first story lists the feeds that also carried it (`also_in`), and its sent
alerts are marked for an edit that adds them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from postbot.store.db import table_of
from postbot.store.models import Chat, Delivery, DeliveryStatus, StoryBand, StoryRow

CANDIDATE_LIMIT = 50  # stories compared exactly per new story, at most
_CLUSTER_LOCK = 0x706F7374626F74  # "postbot": one clustering save at a time on PostgreSQL


def lock_clustering(*, session: Session) -> None:
    """Serialize story clustering across processes until the transaction ends (PostgreSQL).

    Two processes saving two copies of one story at the same moment would each miss the other
    and alert twice; the lock makes the second wait for the first's commit. SQLite has a single
    writer already.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.exec(sa.select(sa.func.pg_advisory_xact_lock(_CLUSTER_LOCK)))  # type: ignore[call-overload]


def find_story_by_canon_link(
    *, session: Session, canon_link: str, since: datetime, exclude_id: int | None = None
) -> StoryRow | None:
    """The first story seen since `since` with this canonical link."""
    stmt = select(StoryRow).where(
        col(StoryRow.canon_link) == canon_link, col(StoryRow.first_seen_at) >= since
    )
    if exclude_id is not None:
        stmt = stmt.where(col(StoryRow.id) != exclude_id)
    stmt = stmt.order_by(col(StoryRow.first_seen_at), col(StoryRow.id)).limit(1)
    return session.exec(stmt).first()


def file_bands(*, session: Session, story_id: int, bands: Sequence[int], seen_at: datetime) -> None:
    """File a story under its band keys."""
    unique = list(dict.fromkeys(bands))
    if not unique:
        return
    # one executemany of a cached statement: a multi-row VALUES would be compiled anew each time
    session.execute(
        sa.insert(table_of(StoryBand)),
        [{"band": b, "story_id": story_id, "seen_at": seen_at} for b in unique],
    )


def band_candidates(
    *,
    session: Session,
    bands: Sequence[int],
    since: datetime,
    exclude_id: int,
    other_than_feed: str | None = None,
    limit: int = CANDIDATE_LIMIT,
) -> list[StoryRow]:
    """Stories seen since `since` that share a band with `bands`, most shared bands first
    (optionally only those of other feeds).

    One plain index lookup by band, counted here: joined and grouped in SQL, PostgreSQL
    misjudged how many rows a band has (a few common bands have hundreds) and scanned the
    whole table (50 ms instead of 2 with 10,000 stories).
    """
    if not bands:
        return []
    stmt = select(StoryBand.story_id).where(
        col(StoryBand.band).in_(list(dict.fromkeys(bands))), col(StoryBand.story_id) != exclude_id
    )
    shared = Counter(session.exec(stmt).all())
    ranked = sorted(shared, key=lambda story_id: (-shared[story_id], story_id))
    found: list[StoryRow] = []
    for start in range(0, len(ranked), 2 * limit):
        chunk = ranked[start : start + 2 * limit]
        rows = {r.id: r for r in session.exec(select(StoryRow).where(col(StoryRow.id).in_(chunk)))}
        for story_id in chunk:
            row = rows.get(story_id)
            if row is None or row.first_seen_at < since:
                continue  # the window is checked here; older bands are pruned every few minutes
            if other_than_feed is not None and row.feed_id == other_than_feed:
                continue
            found.append(row)
            if len(found) == limit:
                return found
    return found


def prune_bands(*, session: Session, before: datetime) -> int:
    """Forget the bands of stories seen before `before` (they no longer cluster)."""
    stmt = sa.delete(StoryBand).where(col(StoryBand.seen_at) < before)
    return int(session.exec(stmt).rowcount)


def set_cluster(*, session: Session, story_id: int, cluster_id: int) -> None:
    """Record that a story is a later copy of the cluster that `cluster_id` started."""
    session.exec(
        sa.update(StoryRow)
        .where(col(StoryRow.id) == story_id)
        .values(cluster_id=cluster_id)
        .execution_options(synchronize_session="fetch")
    )


def cluster_chats(*, session: Session, root_id: int) -> set[int]:
    """Chats that have (or had) an alert for any story of the cluster `root_id` started."""
    members = select(StoryRow.id).where(col(StoryRow.cluster_id) == root_id)
    stmt = select(Delivery.chat_id).where(
        sa.or_(col(Delivery.story_id) == root_id, col(Delivery.story_id).in_(members))
    )
    return set(session.exec(stmt).all())


def mark_for_edit(*, session: Session, story_id: int, now: datetime) -> int:
    """Mark the sent alerts (not digests) of a cluster's stories for an edit: the first story
    `story_id` and its later copies (a copy is alerted to chats whose watches only its wording
    matched). Returns how many; `attempts` counts the edit's tries from here."""
    members = select(StoryRow.id).where(col(StoryRow.cluster_id) == story_id)
    stmt = (
        sa.update(Delivery)
        .where(
            sa.or_(col(Delivery.story_id) == story_id, col(Delivery.story_id).in_(members)),
            col(Delivery.status) == DeliveryStatus.SENT.value,
            col(Delivery.telegram_message_id).is_not(None),
            col(Delivery.in_digest).is_(False),
        )
        .values(status=DeliveryStatus.EDIT.value, next_attempt_at=now, attempts=0)
        .execution_options(synchronize_session=False)
    )
    return int(session.exec(stmt).rowcount)


def with_cluster_sources(
    *, session: Session, stories: Mapping[int, StoryRow]
) -> dict[int, StoryRow]:
    """The stories, each copy's `also_in` replaced by its cluster's other outlets (the first
    story's feed and the feeds it lists, less the copy's own), for rendering."""
    roots_wanted = {s.cluster_id for s in stories.values() if s.cluster_id is not None}
    if not roots_wanted:
        return dict(stories)
    roots = {
        r.id: r for r in session.exec(select(StoryRow).where(col(StoryRow.id).in_(roots_wanted)))
    }
    out: dict[int, StoryRow] = {}
    for story_id, story in stories.items():
        root = roots.get(story.cluster_id) if story.cluster_id is not None else None
        if root is None:
            out[story_id] = story
            continue
        others = [f for f in dict.fromkeys([root.feed_id, *root.also_in]) if f != story.feed_id]
        # a copy's alert shows its cluster's breaking mark too (it is kept on the first story)
        out[story_id] = story.model_copy(
            update={
                "also_in": others,
                "breaking_at": root.breaking_at,
                "breaking_outlets": root.breaking_outlets,
                "breaking_minutes": root.breaking_minutes,
            }
        )
    return out


def cluster_sightings(*, session: Session, root_id: int) -> list[tuple[str, datetime]]:
    """(feed, first-seen time) of every story of the cluster `root_id` started, itself included."""
    stmt = select(StoryRow.feed_id, StoryRow.first_seen_at).where(
        sa.or_(col(StoryRow.id) == root_id, col(StoryRow.cluster_id) == root_id)
    )
    return [(feed_id, seen) for feed_id, seen in session.exec(stmt).all()]


def mark_breaking(
    *, session: Session, root_id: int, outlets: int, minutes: int, now: datetime
) -> tuple[bool, bool]:
    """Record a cluster's breaking figures on its first story: (newly breaking, figures changed).

    The first story's row is locked, so two processes never both see it turn breaking.
    """
    stmt = select(StoryRow).where(col(StoryRow.id) == root_id).with_for_update()
    row = session.exec(stmt).one()
    newly = row.breaking_at is None
    changed = (row.breaking_outlets, row.breaking_minutes) != (outlets, minutes)
    if not newly and not changed:
        return False, False
    if newly:
        row.breaking_at = now
    row.breaking_outlets, row.breaking_minutes = outlets, minutes
    session.add(row)
    session.flush()
    return newly, changed


def breaking_chats(*, session: Session) -> list[int]:
    """Active chats that asked for every breaking story (`/breaking on`)."""
    stmt = select(Chat.id).where(col(Chat.breaking).is_(True), col(Chat.active).is_(True))
    return sorted(session.exec(stmt).all())


def cluster_links(
    *, session: Session, stories: Mapping[int, StoryRow]
) -> dict[int, list[tuple[str, str | None]]]:
    """Each story's other outlets as (feed, that outlet's own link): the outlets its alert
    names (the cluster's first story's feed and `also_in`, less the story's own feed), each with
    the link of its first story in the cluster (None if that story is gone). Stories outside
    any cluster are left out."""
    roots = {
        story_id: (s.cluster_id if s.cluster_id is not None else story_id)
        for story_id, s in stories.items()
        if s.cluster_id is not None or s.also_in
    }
    if not roots:
        return {}
    wanted = set(roots.values())
    # five columns, more than sqlmodel's select types: SQLAlchemy's, rows as tuples
    stmt = (
        sa.select(
            col(StoryRow.id),
            col(StoryRow.cluster_id),
            col(StoryRow.feed_id),
            col(StoryRow.link),
            col(StoryRow.also_in),
        )
        .where(sa.or_(col(StoryRow.id).in_(wanted), col(StoryRow.cluster_id).in_(wanted)))
        .order_by(col(StoryRow.first_seen_at), col(StoryRow.id))
    )
    links: dict[int, dict[str, str | None]] = {root: {} for root in wanted}
    named: dict[int, list[str]] = {}
    for row_id, cluster_id, feed_id, link, also_in in session.execute(stmt).all():
        root = row_id if row_id in wanted else cluster_id
        if root is None or root not in links:
            continue
        links[root].setdefault(feed_id, link)
        if row_id == root:
            named[root] = [feed_id, *also_in]
    out: dict[int, list[tuple[str, str | None]]] = {}
    for story_id, root in roots.items():
        own = stories[story_id].feed_id
        feeds = dict.fromkeys(named.get(root, []))
        out[story_id] = [(feed, links[root].get(feed)) for feed in feeds if feed != own]
    return out


def other_outlets(*, session: Session, story_id: int) -> int:
    """How many other outlets a story's alert names now (its cluster's, for a later copy)."""
    story = session.get(StoryRow, story_id)
    if story is None:
        return 0
    shown = with_cluster_sources(session=session, stories={story_id: story})[story_id]
    return len(shown.also_in)
