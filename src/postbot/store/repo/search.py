"""The stories' text index, and the queries over stored stories (/search, /latest, retention).

SQLite keeps an FTS5 table `story_fts` (rowid = story id) of each story's clitic stems
(match/prefilter.py `index_terms`), tokenized by FTS5's `ascii` tokenizer: every non-ASCII
character and `_` are token characters, so each stem is exactly one index token, whatever
Unicode version SQLite was built with. PostgreSQL keeps `story_search` (story id, a `tsvector`
made with `array_to_tsvector`, so no text-search parser or locale touches the stems) under a
GIN index. Both are searched with the look-ups `need_of` derives from a query; the caller
confirms every candidate with the real matcher.

Candidates come newest first (by id, which follows first-seen time), inside the window's id
range, a bounded number at a time. The index is written by `save_story` (feeds.py) in the same
transaction as the story; stories deleted go with their index rows (SQLite: a trigger,
PostgreSQL: the foreign key).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from postbot.match.prefilter import AllOf, Need, Word, index_terms
from postbot.store.models import FTS_TABLE, PG_TABLE, SEARCH_TABLES, Delivery, Feed, StoryRow


def _sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def index_story(*, session: Session, story_id: int, title: str, summary: str) -> None:
    """File one story in the text index (replacing what was filed for it)."""
    index_many(session=session, rows=[(story_id, title, summary)])


def index_many(*, session: Session, rows: Sequence[tuple[int, str, str]]) -> None:
    """File stories (id, title, summary) in the text index, replacing earlier entries."""
    if not rows:
        return
    ids = [r[0] for r in rows]
    if _sqlite(session):
        delete = sa.text(f"DELETE FROM {FTS_TABLE} WHERE rowid = :id")
        session.execute(delete, [{"id": i} for i in ids])
        insert = sa.text(f"INSERT INTO {FTS_TABLE}(rowid, terms) VALUES (:id, :terms)")
        values = [{"id": i, "terms": " ".join(index_terms(t, s))} for i, t, s in rows]
        session.execute(insert, values)
        return
    upsert = sa.text(
        f"INSERT INTO {PG_TABLE}(story_id, terms) "
        "VALUES (:id, array_to_tsvector(CAST(:terms AS text[]))) "
        "ON CONFLICT (story_id) DO UPDATE SET terms = excluded.terms"
    )
    session.execute(upsert, [{"id": i, "terms": index_terms(t, s)} for i, t, s in rows])


def unindexed_stories(*, session: Session, limit: int) -> list[tuple[int, str, str]]:
    """Stories above the index's newest entry (saved by a path that did not index them)."""
    if _sqlite(session):
        last = f"SELECT rowid FROM {FTS_TABLE} ORDER BY rowid DESC LIMIT 1"  # no full scan
        newest = session.execute(sa.text(last)).scalar()
    else:
        newest = session.execute(sa.text(f"SELECT max(story_id) FROM {PG_TABLE}")).scalar()
    stmt = (
        select(StoryRow.id, StoryRow.title, StoryRow.summary)
        .where(col(StoryRow.id) > (newest or 0))
        .order_by(col(StoryRow.id))
        .limit(limit)
    )
    return [(int(i or 0), t, s) for i, t, s in session.exec(stmt)]


def fts_query(need: Need) -> str:
    """An FTS5 MATCH expression for `need` (each stem a quoted string, `*` for a prefix)."""
    if isinstance(need, Word):
        quoted = '"' + need.text.replace('"', '""') + '"'
        return quoted + ("*" if need.prefix else "")
    op = " AND " if isinstance(need, AllOf) else " OR "
    return "(" + op.join(fts_query(p) for p in need.parts) + ")"


def ts_query(need: Need) -> str:
    """A `tsquery` literal for `need` (each stem a quoted lexeme, `:*` for a prefix)."""
    if isinstance(need, Word):
        quoted = "'" + need.text.replace("\\", "\\\\").replace("'", "''") + "'"
        return quoted + (":*" if need.prefix else "")
    op = " & " if isinstance(need, AllOf) else " | "
    return "(" + op.join(ts_query(p) for p in need.parts) + ")"


def window_ids(
    *, session: Session, since: datetime, until: datetime | None = None
) -> tuple[int, int] | None:
    """[lowest, highest] story id first seen within [since, until); None when none was."""
    # `id + 0`: PostgreSQL would otherwise walk the primary key from the oldest story until one
    # is recent enough (most of the table); this reads the window's (first_seen_at, id) entries
    ident = col(StoryRow.id) + 0
    stmt = select(sa.func.min(ident), sa.func.max(ident)).where(
        col(StoryRow.first_seen_at) >= since
    )
    if until is not None:
        stmt = stmt.where(col(StoryRow.first_seen_at) < until)
    low, high = session.exec(stmt).one()
    return None if low is None or high is None else (int(low), int(high))


def candidate_ids(
    *, session: Session, need: Need | None, low: int, high: int, limit: int
) -> list[int]:
    """Up to `limit` ids in [low, high], newest first, that the index finds for `need`
    (every story in the range when `need` is None: the bounded scan)."""
    params = {"low": low, "high": high, "limit": limit}
    if need is None:
        stmt = (
            select(StoryRow.id)
            .where(col(StoryRow.id) >= low, col(StoryRow.id) <= high)
            .order_by(col(StoryRow.id).desc())
            .limit(limit)
        )
        return [int(i or 0) for i in session.exec(stmt)]
    if _sqlite(session):
        sql = (
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :q "
            "AND rowid >= :low AND rowid <= :high ORDER BY rowid DESC LIMIT :limit"
        )
        params["q"] = fts_query(need)  # type: ignore[assignment]
    else:
        sql = (
            f"SELECT story_id FROM {PG_TABLE} WHERE terms @@ CAST(:q AS tsquery) "
            "AND story_id >= :low AND story_id <= :high ORDER BY story_id DESC LIMIT :limit"
        )
        params["q"] = ts_query(need)  # type: ignore[assignment]
    return [int(i) for i in session.execute(sa.text(sql), params).scalars()]


def stories_in(
    *, session: Session, ids: Iterable[int], since: datetime, until: datetime | None = None
) -> list[StoryRow]:
    """The stories with these ids first seen within [since, until), newest first."""
    wanted = list(ids)
    if not wanted:
        return []
    stmt = select(StoryRow).where(
        col(StoryRow.id).in_(wanted), col(StoryRow.first_seen_at) >= since
    )
    if until is not None:
        stmt = stmt.where(col(StoryRow.first_seen_at) < until)
    rows = list(session.exec(stmt))
    rows.sort(key=lambda r: (r.first_seen_at, r.id or 0), reverse=True)
    return rows


def feed_names(*, session: Session) -> dict[str, str]:
    """Every feed's display name by id."""
    return {f.id: f.name for f in session.exec(select(Feed))}


def index_size(*, session: Session) -> int:
    """Bytes the text index takes on disk (its tables and indexes)."""
    if _sqlite(session):
        names = ", ".join(f"'{n}'" for n in sorted(SEARCH_TABLES) if n != PG_TABLE)
        sql = f"SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name IN ({names})"
        return int(session.execute(sa.text(sql)).scalar() or 0)
    sql = f"SELECT pg_total_relation_size('{PG_TABLE}')"
    return int(session.execute(sa.text(sql)).scalar() or 0)


def prunable_story_ids(*, session: Session, before: datetime, limit: int) -> list[int]:
    """Up to `limit` stories first seen before `before`, oldest first, that may go: a cluster's
    first story stays while a later copy pointing at it is still kept."""
    member = sa.orm.aliased(StoryRow)
    newer_copy = (
        select(member.id)
        .where(col(member.cluster_id) == col(StoryRow.id), col(member.first_seen_at) >= before)
        .exists()
    )
    stmt = (
        select(StoryRow.id)
        .where(col(StoryRow.first_seen_at) < before, ~newer_copy)
        .order_by(col(StoryRow.id))
        .limit(limit)
    )
    return [int(i or 0) for i in session.exec(stmt)]


def delete_deliveries_of(*, session: Session, story_ids: Sequence[int], limit: int) -> int:
    """Delete up to `limit` delivery rows of these stories (a story alerted to thousands of
    chats has thousands: deleting them apart keeps each transaction short)."""
    if not story_ids:
        return 0
    some = (
        select(Delivery.id).where(col(Delivery.story_id).in_(list(story_ids))).limit(limit)
    ).scalar_subquery()
    result = session.execute(sa.delete(Delivery).where(col(Delivery.id).in_(some)))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def delete_stories(*, session: Session, ids: Sequence[int]) -> int:
    """Delete these stories; their deliveries, band keys and index rows go with them."""
    if not ids:
        return 0
    wanted = list(ids)
    # copies pointing at a story being deleted are deleted too (older than it: `prunable`)
    clear = sa.update(StoryRow).where(col(StoryRow.cluster_id).in_(wanted)).values(cluster_id=None)
    session.execute(clear)
    result = session.execute(sa.delete(StoryRow).where(col(StoryRow.id).in_(wanted)))
    session.flush()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
