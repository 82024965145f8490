"""The stories' text index for /search, and an index on story (first_seen_at, id).

The second gives a period's id range from the index alone (searches) and the oldest stories
(retention).

SQLite: an FTS5 table `story_fts` (rowid = story id, one column of clitic stems, `ascii`
tokenizer with `_` as a token character, no positions: `detail=none`) and a trigger deleting a
story's row with the story. PostgreSQL: `story_search` (story id, `tsvector`) with a GIN index,
its rows deleted with their story by the foreign key. Existing stories are indexed here, in
batches (match/prefilter.py `index_terms`, the same function `save_story` uses).

Revision ID: 0009
Revises: 0006
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from postbot.match.prefilter import index_terms

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000


def upgrade() -> None:
    """Create the index tables, then file every existing story."""
    op.create_index("ix_story_first_seen_at", "story", ["first_seen_at", "id"])
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE story_fts USING fts5(terms, "
            "tokenize = \"ascii tokenchars '_'\", detail = none)"
        )
        op.execute(
            "CREATE TRIGGER story_fts_delete AFTER DELETE ON story BEGIN "
            "DELETE FROM story_fts WHERE rowid = old.id; END"
        )
        insert = sa.text("INSERT INTO story_fts(rowid, terms) VALUES (:id, :terms)")
    else:
        op.execute(
            "CREATE TABLE story_search ("
            "story_id INTEGER NOT NULL, terms TSVECTOR NOT NULL, "
            "CONSTRAINT pk_story_search PRIMARY KEY (story_id), "
            "CONSTRAINT fk_story_search_story_id FOREIGN KEY (story_id) "
            "REFERENCES story (id) ON DELETE CASCADE)"
        )
        op.execute("CREATE INDEX ix_story_search_terms ON story_search USING gin (terms)")
        insert = sa.text(
            "INSERT INTO story_search(story_id, terms) "
            "VALUES (:id, array_to_tsvector(CAST(:terms AS text[])))"
        )
    sqlite = bind.dialect.name == "sqlite"
    last = 0
    while True:
        rows = bind.execute(
            sa.text("SELECT id, title, summary FROM story WHERE id > :last ORDER BY id LIMIT :n"),
            {"last": last, "n": BATCH},
        ).all()
        if not rows:
            break
        values = []
        for story_id, title, summary in rows:
            terms = index_terms(title or "", summary or "")
            values.append({"id": story_id, "terms": " ".join(terms) if sqlite else terms})
        bind.execute(insert, values)
        last = rows[-1][0]


def downgrade() -> None:
    """Drop the index tables and the first-seen index."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS story_fts_delete")
        op.execute("DROP TABLE IF EXISTS story_fts")
    else:
        op.execute("DROP TABLE IF EXISTS story_search")
    op.drop_index("ix_story_first_seen_at", table_name="story")
