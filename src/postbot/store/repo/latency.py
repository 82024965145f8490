"""Publish-to-alert delays: a story's own published time against its alerts' sent times."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from postbot.store.models import Delivery, DeliveryStatus, StoryRow

MAX_DELAY_ROWS = 100_000  # the newest alerts of the window, enough for a percentile


def publish_delays(*, session: Session, since: datetime) -> list[tuple[str, float]]:
    """(feed id, seconds from the story's published time to its alert's send) of every alert
    sent since `since` whose story carries a date that is not after the send. Alerts that went
    out in a digest are left out: the reader chose to wait for them."""
    stmt = (
        select(StoryRow.feed_id, StoryRow.published, Delivery.sent_at)
        .join(StoryRow, col(StoryRow.id) == col(Delivery.story_id))
        .where(
            col(Delivery.status).in_([DeliveryStatus.SENT.value, DeliveryStatus.EDIT.value]),
            col(Delivery.sent_at) >= since,
            col(Delivery.in_digest).is_(False),
            col(StoryRow.published).is_not(None),
        )
        .order_by(col(Delivery.sent_at).desc())
        .limit(MAX_DELAY_ROWS)
    )
    delays = []
    for feed_id, published, sent_at in session.exec(stmt).all():
        if published is None or sent_at is None or published > sent_at:
            continue  # a date in the future says nothing about latency
        delays.append((feed_id, (sent_at - published).total_seconds()))
    return delays
