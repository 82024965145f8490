"""What a claimed chat's task sends: messages (an alert, an edit, a digest's part) in order."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from telegram import InlineKeyboardMarkup

from postbot.config.catalog import CatalogRef
from postbot.delivery.jobs import AlertBuilder, ChatButtons, StoryView, story_view
from postbot.ops.logs import ctx
from postbot.store.models import DEFAULT_TZ, Chat, Delivery, DeliveryStatus
from postbot.store.reasons import Reasons, reasons_of
from postbot.store.repo import SendContext

STORY_GONE = "story no longer stored"


@dataclass(frozen=True, slots=True)
class Look:
    """How a chat takes its alerts: its time zone, `/format compact`, `/silent on`, and the
    channel they go to (`/connect`; None: the chat itself)."""

    tz: str = DEFAULT_TZ
    compact: bool = False
    silent: bool = False
    channel_id: int | None = None


def look_of(chat: Chat | None) -> Look:
    """A stored chat's delivery settings (the defaults for an unknown chat)."""
    if chat is None:
        return Look()
    return Look(chat.tz, chat.alert_format == "compact", bool(chat.silent), chat.channel_id)


@dataclass(frozen=True, slots=True)
class Message:
    """One message to send to a chat, with the deliveries it settles.

    `status` says what it is: PENDING an alert, EDIT an edit of the sent alert `edit_of`, HELD
    a part of a digest. `rest` are the deliveries settled with it when the chat must wait or
    is gone: a digest's later parts too.
    """

    status: DeliveryStatus
    chat_id: int
    ids: tuple[int, ...]
    rest: tuple[int, ...] = ()
    attempts: int = 0
    lang: str = "en"
    story: StoryView | None = None  # an alert's story (None: pruned, or a digest part)
    reasons: Reasons = field(default_factory=Reasons)
    markup: InlineKeyboardMarkup | None = None
    edit_of: int | None = None
    html: str | None = None  # None: not rendered yet, or the story is gone (STORY_GONE)
    first_seen: tuple[datetime, ...] = ()  # of the alerts it carries, for the delay metric
    published: tuple[tuple[str, datetime], ...] = ()  # (feed, item's own date): latency metric
    look: Look = field(default_factory=lambda: Look())

    def __post_init__(self) -> None:
        if not self.rest:
            object.__setattr__(self, "rest", self.ids)

    @property
    def story_id(self) -> int | None:
        """The alert's story, if any."""
        return None if self.story is None else self.story.id

    def rendered(self, html: str | None) -> Message:
        """The message with its text."""
        return replace(self, html=html)

    def log_ctx(self, chat_id: int) -> dict[str, Any]:
        """Log context: the chat (as now known), the story and the first delivery."""
        return ctx(chat_id=chat_id, story_id=self.story_id, delivery_id=self.ids[0])


@dataclass(frozen=True, slots=True)
class Digest:
    """A chat's held alerts whose time has come: (delivery id, attempts, reasons, story)."""

    chat_id: int
    chat: Chat | None
    rows: list[tuple[int, int, Reasons, StoryView | None]]
    hold: str | None = None  # why the first row was held ("pause", "mute", "away"), if so


Work = Message | Digest


def digest_messages(builder: AlertBuilder, digest: Digest, now: datetime) -> list[Message]:
    """A digest as its messages, each settling the alerts it lists; held alerts whose story is
    gone are settled with the first message (not lost silently)."""
    rows = digest.rows
    rendered = builder.digest_messages(
        digest.chat, [(r, v) for _, _, r, v in rows], now, hold=digest.hold
    )
    parts: list[tuple[str | None, tuple[int, ...]]] = [
        (html, tuple(rows[i][0] for i in listed)) for html, listed in rendered
    ]
    listed = {d for _, ids in parts for d in ids}
    gone = tuple(d for d, _, _, _ in rows if d not in listed)
    if gone:
        parts = [(parts[0][0], parts[0][1] + gone), *parts[1:]] if parts else [(None, gone)]
    seen = {d: v.first_seen_at for d, _, _, v in rows if v is not None}
    attempts = max(a for _, a, _, _ in rows)
    lang = digest.chat.lang if digest.chat else "en"
    return [
        Message(
            DeliveryStatus.HELD,
            digest.chat_id,
            ids,
            rest=tuple(d for _, later in parts[n:] for d in later),
            attempts=attempts,
            lang=lang,
            html=html,
            first_seen=tuple(seen[d] for d in ids if d in seen),
            look=look_of(digest.chat),
        )
        for n, (html, ids) in enumerate(parts)
    ]


def numbered(reasons: Reasons, chat_id: int, found: SendContext) -> Reasons:
    """The reasons with each watch's number in its chat (by its stored id; a watch removed and
    added again by its query's current watch), for the alert's header and buttons."""
    if not reasons.watches:
        return reasons
    numbers = found.watch_numbers
    watches = []
    for w in reasons.watches:
        number = numbers.get(w.id) if w.id is not None else None
        if number is None:
            current = found.watch_ids.get((chat_id, w.query))
            number = numbers.get(current) if current is not None else None
        watches.append(replace(w, number=number))
    return replace(reasons, watches=tuple(watches))


def chat_work(
    rows: Sequence[Delivery], found: SendContext, catalog: CatalogRef
) -> dict[int, list[Work]]:
    """Claimed deliveries as each chat's work, in the claim's order; a chat's held alerts go
    as one digest, where the first of them was."""
    buttons = ChatButtons(catalog, found.watch_ids, found.topics)
    views = {i: story_view(row, found.links.get(i)) for i, row in found.stories.items()}
    held: dict[int, Digest] = {}
    claimed: dict[int, list[Work]] = {}
    for r in rows:
        chat = found.chats.get(r.chat_id)
        work = claimed.setdefault(r.chat_id, [])
        reasons = numbered(reasons_of(r.reasons, r.watch_ids, r.highlights), r.chat_id, found)
        view = views.get(r.story_id)
        if r.status == DeliveryStatus.HELD.value:
            if r.chat_id not in held:
                held[r.chat_id] = Digest(r.chat_id, chat, [], r.hold)
                work.append(held[r.chat_id])
            held[r.chat_id].rows.append((r.id or 0, r.attempts, reasons, view))
            continue
        lang = chat.lang if chat else "en"
        edit = r.status == DeliveryStatus.EDIT.value
        work.append(
            Message(
                DeliveryStatus(r.status),
                r.chat_id,
                (r.id or 0,),
                attempts=r.attempts,
                lang=lang,
                story=view,
                reasons=reasons,
                markup=buttons.markup(r.chat_id, reasons, lang),
                edit_of=r.telegram_message_id if edit else None,
                first_seen=(view.first_seen_at,) if view and not edit else (),
                published=(
                    ((view.story.feed_id, view.published),)
                    if view and view.published and not edit
                    else ()
                ),
                look=look_of(chat),
            )
        )
    return claimed


def render_work(builder: AlertBuilder, work: Sequence[Work], now: datetime) -> list[Message]:
    """A chat's messages with their texts (a digest as its parts); run in a render thread.

    An alert whose render fails is left without text: rendered again, and settled as an
    internal error if it fails again, when its turn comes.
    """
    out: list[Message] = []
    for item in work:
        if isinstance(item, Digest):
            out += digest_messages(builder, item, now)
            continue
        if item.html is None and item.story is not None:
            with suppress(Exception):  # retried, and logged, in its turn
                look = item.look
                html = builder.html(
                    item.story, item.lang, item.reasons, compact=look.compact, tz=look.tz
                )
                item = item.rendered(html)
        out.append(item)
    return out
