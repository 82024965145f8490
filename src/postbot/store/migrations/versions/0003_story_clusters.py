"""One story across outlets: canonical links, near-duplicate bands, edits and digests.

`story.canon_link` is the link without tracking or mobile/AMP decorations; `story.cluster_id`
points a later copy at the first story of its cluster. `story_band` files each recent story under
its MinHash band keys (match/cluster.py) so that near-identical stories are found with an index
lookup. `delivery.in_digest` marks alerts that went out inside a digest (those messages are not
edited when another outlet carries the story).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the cluster columns, the band table and the digest flag."""
    with op.batch_alter_table("story") as batch:
        batch.add_column(sa.Column("canon_link", sa.Text(), nullable=True))
        batch.add_column(sa.Column("cluster_id", sa.Integer(), nullable=True))
        batch.create_index("ix_story_canon_link", ["canon_link"])
        batch.create_index("ix_story_cluster_id", ["cluster_id"])
    op.create_table(
        "story_band",
        sa.Column("band", sa.BigInteger(), nullable=False),
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("band", "story_id", name="pk_story_band"),
        sa.ForeignKeyConstraint(
            ["story_id"], ["story.id"], name="fk_story_band_story_id", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_story_band_seen_at", "story_band", ["seen_at"])
    op.create_index("ix_story_band_story_id", "story_band", ["story_id"])
    with op.batch_alter_table("delivery") as batch:
        batch.add_column(
            sa.Column("in_digest", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    """Remove them again."""
    with op.batch_alter_table("delivery") as batch:
        batch.drop_column("in_digest")
    op.drop_index("ix_story_band_story_id", table_name="story_band")
    op.drop_index("ix_story_band_seen_at", table_name="story_band")
    op.drop_table("story_band")
    with op.batch_alter_table("story") as batch:
        batch.drop_index("ix_story_cluster_id")
        batch.drop_index("ix_story_canon_link")
        batch.drop_column("cluster_id")
        batch.drop_column("canon_link")
