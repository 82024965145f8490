"""Clusters in the store: band lookups, canonical links, later copies, edits, pruning."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, col, select

from postbot.store import repo
from postbot.store.models import Delivery, DeliveryStatus, StoryBand, StoryRow

NOW = datetime(2026, 11, 28, 14, 5, tzinfo=UTC)  # as in conftest
HOUR = timedelta(hours=1)


def test_candidates_come_most_shared_bands_first_from_other_feeds_within_the_window(
    session: Session, make_story: Callable[..., int]
) -> None:
    new = make_story("new", "sky")
    two = make_story("two", "aljazeera")
    one = make_story("one", "aljazeera")
    same_feed = make_story("same", "sky")
    old = make_story("old", "shafaq", first_seen_at=NOW - 50 * HOUR)
    for story_id, bands in ((two, [1, 2]), (one, [3]), (same_feed, [1, 2, 3]), (old, [1, 2, 3])):
        repo.file_bands(session=session, story_id=story_id, bands=bands, seen_at=NOW)
    repo.file_bands(session=session, story_id=new, bands=[1, 2, 3], seen_at=NOW)
    session.commit()
    found = repo.band_candidates(
        session=session,
        bands=[1, 2, 3, 9],
        since=NOW - 48 * HOUR,
        exclude_id=new,
        other_than_feed="sky",
    )
    assert [r.id for r in found] == [two, one]
    everyone = repo.band_candidates(
        session=session, bands=[1, 2, 3], since=NOW - 48 * HOUR, exclude_id=new, limit=2
    )
    assert [r.id for r in everyone] == [same_feed, two]  # 3 bands, then 2; limit 2
    assert repo.band_candidates(session=session, bands=[], since=NOW, exclude_id=new) == []


def test_bands_are_filed_once_and_pruned_by_age(
    session: Session, make_story: Callable[..., int]
) -> None:
    a, b = make_story("a"), make_story("b")
    repo.file_bands(session=session, story_id=a, bands=[5, 5, 6], seen_at=NOW - 49 * HOUR)
    repo.file_bands(session=session, story_id=b, bands=[5], seen_at=NOW)
    session.commit()
    assert repo.prune_bands(session=session, before=NOW - 48 * HOUR) == 2
    session.commit()
    assert list(session.exec(select(StoryBand.story_id))) == [b]


def test_canonical_link_lookup_keeps_to_the_window(
    session: Session, make_story: Callable[..., int]
) -> None:
    make_story("old", "aljazeera", canon_link="https://x/a", first_seen_at=NOW - 49 * HOUR)
    recent = make_story("new", "sky", canon_link="https://x/a", first_seen_at=NOW - HOUR)
    later = make_story("later", "shafaq", canon_link="https://x/a")
    found = repo.find_story_by_canon_link(
        session=session, canon_link="https://x/a", since=NOW - 48 * HOUR, exclude_id=later
    )
    assert found is not None and found.id == recent


def test_copies_point_at_their_cluster_and_its_chats_are_known(
    session: Session, make_story: Callable[..., int], make_chat: Callable[..., int]
) -> None:
    root, copy = make_story("root"), make_story("copy", "sky")
    c1, c2 = make_chat(1), make_chat(2)
    repo.set_cluster(session=session, story_id=copy, cluster_id=root)
    repo.enqueue_delivery(session=session, chat_id=c1, story_id=root, reasons=[], now=NOW)
    repo.enqueue_delivery(session=session, chat_id=c2, story_id=copy, reasons=[], now=NOW)
    session.commit()
    assert session.get(StoryRow, copy).cluster_id == root  # type: ignore[union-attr]
    assert repo.cluster_chats(session=session, root_id=root) == {c1, c2}


def test_only_sent_alerts_outside_digests_are_marked_for_an_edit(
    session: Session, make_story: Callable[..., int], make_chat: Callable[..., int]
) -> None:
    story = make_story("s")
    chats = [make_chat(i) for i in (1, 2, 3, 4)]
    for chat in chats:
        repo.enqueue_delivery(session=session, chat_id=chat, story_id=story, reasons=[], now=NOW)
    session.commit()
    rows = {d.chat_id: d for d in session.exec(select(Delivery))}
    repo.mark_sent(session=session, delivery_id=rows[1].id or 0, message_id=11, now=NOW)
    repo.mark_digest_sent(session=session, delivery_ids=[rows[2].id or 0], message_id=12, now=NOW)
    repo.mark_sent(session=session, delivery_id=rows[3].id or 0, message_id=None, now=NOW)
    session.commit()
    assert repo.mark_for_edit(session=session, story_id=story, now=NOW + HOUR) == 1
    session.commit()
    session.expire_all()
    statuses = dict(session.exec(select(Delivery.chat_id, Delivery.status)).all())
    assert statuses == {
        1: DeliveryStatus.EDIT.value,
        2: DeliveryStatus.SENT.value,  # inside a digest
        3: DeliveryStatus.SENT.value,  # no message id to edit
        4: DeliveryStatus.PENDING.value,  # not sent yet: it will show "also in" when it goes
    }
    edit = session.exec(select(Delivery).where(col(Delivery.chat_id) == 1)).one()
    assert edit.next_attempt_at == NOW + HOUR


def test_a_message_that_missed_an_outlet_is_marked_for_another_edit(
    session: Session, make_story: Callable[..., int], make_chat: Callable[..., int]
) -> None:
    root = make_story("root", "aljazeera")
    copy = make_story("copy", "sky")
    chat = make_chat(1)
    repo.set_cluster(session=session, story_id=copy, cluster_id=root)
    repo.add_also_in(session=session, story_id=root, feed_id="sky")
    repo.add_also_in(session=session, story_id=root, feed_id="shafaq")
    repo.enqueue_delivery(session=session, chat_id=chat, story_id=root, reasons=[], now=NOW)
    session.commit()
    assert repo.other_outlets(session=session, story_id=root) == 2
    assert repo.other_outlets(session=session, story_id=copy) == 2  # aljazeera and shafaq
    row = session.exec(select(Delivery)).one()
    repo.mark_sent(session=session, delivery_id=row.id or 0, message_id=5, now=NOW)
    # rendered when only one other outlet was known: one more edit
    assert repo.edit_if_sources_grew(
        session=session, delivery_id=row.id or 0, shown=1, sources=2, now=NOW
    )
    assert not repo.edit_if_sources_grew(
        session=session, delivery_id=row.id or 0, shown=2, sources=2, now=NOW
    )
    session.commit()
    session.expire_all()
    assert session.exec(select(Delivery.status)).one() == DeliveryStatus.EDIT.value


def test_settling_a_digest_leaves_its_parts_already_sent_alone(
    session: Session, make_story: Callable[..., int], make_chat: Callable[..., int]
) -> None:
    chat = make_chat(1)
    a, b = make_story("a"), make_story("b")
    for story_id in (a, b):
        repo.enqueue_delivery(
            session=session, chat_id=chat, story_id=story_id, reasons=[], now=NOW, release_at=NOW
        )
    session.commit()
    ids = {d.story_id: d.id or 0 for d in session.exec(select(Delivery))}
    repo.mark_digest_sent(session=session, delivery_ids=[ids[a]], message_id=9, now=NOW)
    repo.settle_held(
        session=session, delivery_ids=[ids[a], ids[b]], error="internal", retry_at=None
    )
    session.commit()
    session.expire_all()
    statuses = dict(session.exec(select(Delivery.story_id, Delivery.status)).all())
    assert statuses == {a: DeliveryStatus.SENT.value, b: DeliveryStatus.FAILED.value}


def test_a_migrated_group_keeps_its_sender_and_pace(
    session: Session, make_chat: Callable[..., int]
) -> None:
    from postbot.store.models import Chat

    old = make_chat(-100, kind="group", send_lease_owner="p1", send_lease_until=NOW + HOUR)
    session.get(Chat, old).last_sent_at = NOW  # type: ignore[union-attr]
    session.commit()
    assert repo.migrate_chat_id(session=session, old_id=-100, new_id=-1009, now=NOW)
    session.commit()
    moved = session.get(Chat, -1009)
    assert moved is not None
    assert (moved.send_lease_owner, moved.send_lease_until, moved.last_sent_at) == (
        "p1",
        NOW + HOUR,
        NOW,
    )
