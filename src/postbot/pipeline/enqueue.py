"""Enqueue: a saved story's alerts, one outbox row per chat, in the poll's transaction.

The Router names the chats a story concerns (topics and watches). A later copy of a story
edits the first one's sent alerts to name the new outlet, and reaches only chats the cluster
has not alerted yet; enough outlets fast enough make the story breaking, for the chats that
take every breaking story. A chat with a digest or quiet hours gets its alert held until then.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from sqlmodel import Session

from postbot.alerts import release
from postbot.config.catalog import CatalogRef
from postbot.match.breaking import REASON as BREAKING_REASON
from postbot.match.breaking import is_breaking, velocity
from postbot.ops.logs import ctx
from postbot.ops.metrics import Metrics
from postbot.pipeline.route import Router
from postbot.store import repo
from postbot.store.models import StoryRow
from postbot.store.reasons import Reasons

log = logging.getLogger(__name__)

EDIT_DELAY = timedelta(seconds=10)  # "also in" edits wait this long for more outlets


def release_at(chat: release.Timing | None, now: datetime) -> datetime | None:
    """When an alert matched now goes to this chat: None at once, else with its digest."""
    if chat is None:
        return None
    try:
        return release.release_for(chat, now)
    except ValueError:  # settings the commands would have refused: send rather than lose
        log.warning("chat settings unreadable, alerting at once: %r", chat)
        return None


class Enqueuer:
    """Queues the alerts for stories just saved (one per process: the router is cached)."""

    def __init__(self, *, catalog: CatalogRef, metrics: Metrics) -> None:
        self.catalog = catalog
        self.metrics = metrics
        self.router = Router()

    def refresh(self, session: Session) -> None:
        """Bring the router up to date with the watches and the config (before `enqueue`)."""
        self.router.refresh(session, self.catalog.current, self.catalog.version)

    def enqueue(self, session: Session, row: StoryRow, root: StoryRow | None, now: datetime) -> int:
        """Queue alerts for a story just saved; `root` is its cluster's first story (None: it
        is new). A later copy edits the first one's alerts instead."""
        assert row.id is not None
        skip: set[int] = set()
        queued = 0
        if root is not None:
            assert root.id is not None
            self.metrics.stories_clustered.inc()
            if repo.add_also_in(session=session, story_id=root.id, feed_id=row.feed_id):
                # a little later: outlets often come in a burst, and one edit names them all
                edits = repo.mark_for_edit(session=session, story_id=root.id, now=now + EDIT_DELAY)
                log.info(
                    "feed %s: %s is story %s again (from feed %s): %d alerts to edit",
                    row.feed_id,
                    row.key,
                    root.id,
                    root.feed_id,
                    edits,
                    extra=ctx(feed_id=row.feed_id, story_key=row.key, story_id=root.id),
                )
                queued += self._breaking(session, root, now)
            # chats alerted to the cluster already hear of it no more; a copy whose wording
            # matches other chats' watches still reaches those
            skip = repo.cluster_chats(session=session, root_id=root.id)
        match = self.router.match(row.title, row.summary)
        if not match.matched:
            return queued
        recipients = self.router.recipients(session, match, first_seen=row.first_seen_at, now=now)
        # /sources: chats that left this outlet out (a copy from one they hear still reaches them)
        skip |= repo.chats_excluding(session=session, chat_ids=recipients, feed_id=row.feed_id)
        for chat in skip:
            recipients.pop(chat, None)
        return queued + self._queue(session, row.id, recipients, now, recipients.held_until)

    def _queue(
        self,
        session: Session,
        story_id: int,
        recipients: Mapping[int, Reasons | Sequence[str]],
        now: datetime,
        muted: Mapping[int, datetime] | None = None,
    ) -> int:
        """One outbox row per chat, held for the chats whose alerts wait for a digest, a mute
        that holds (`muted`: until when) or a pause that holds; none for a chat paused without
        holding."""
        schedules = repo.chats_by_id(session=session, chat_ids=list(recipients))
        queued = 0
        for chat_id, reasons in recipients.items():
            chat = schedules.get(chat_id)
            hold: str | None = None
            until = (muted or {}).get(chat_id)
            if chat is not None and chat.paused_until is not None and chat.paused_until > now:
                if not chat.pause_hold:
                    continue
                hold, until = repo.PAUSE, max(chat.paused_until, until or now)
            elif until is not None:
                hold = repo.MUTE
            queued += repo.enqueue_delivery(
                session=session,
                chat_id=chat_id,
                story_id=story_id,
                reasons=reasons,
                now=now,
                release_at=release_at(chat, now)
                if until is None
                else release_at(chat, until) or until,
                hold=hold,
            )
        return queued

    def _breaking(self, session: Session, root: StoryRow, now: datetime) -> int:
        """Another outlet joined the cluster `root` started: mark it breaking once enough
        outlets came fast enough, and queue it for the chats that take every breaking story.

        The velocity is read from the stories' stored first-seen times under the clustering
        lock, so two processes agree on it. The figures shown are updated while outlets keep
        coming within the window (their alerts are being edited anyway); the `/breaking on`
        chats are queued once, when the story turns breaking.
        """
        assert root.id is not None
        rule = self.catalog.current.config.breaking
        speed = velocity(
            repo.cluster_sightings(session=session, root_id=root.id),
            start=root.first_seen_at,
            window=timedelta(minutes=rule.minutes),
        )
        if not is_breaking(speed, outlets=rule.outlets):
            return 0
        newly, _ = repo.mark_breaking(
            session=session,
            root_id=root.id,
            outlets=speed.outlets,
            minutes=speed.minutes,
            now=now,
        )
        if not newly:
            return 0
        alerted = repo.cluster_chats(session=session, root_id=root.id)
        chats = [c for c in repo.breaking_chats(session=session) if c not in alerted]
        queued = self._queue(session, root.id, {chat: [BREAKING_REASON] for chat in chats}, now)
        log.info(
            "story %s is breaking: %d outlets in %d min; %d /breaking chats queued",
            root.id,
            speed.outlets,
            speed.minutes,
            queued,
            extra=ctx(story_id=root.id),
        )
        return queued
