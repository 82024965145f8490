"""Watch numbers, /unwatch in all its forms, /mute, /pause and /resume (SPEC §5, issue 16).

A mute or pause ends by itself at its time (routing compares with now). Ending one early with
/resume sends what it held at once (or when the chat's quiet hours or digest allow). /unwatch all
removes nothing by itself: it asks, and `confirm_unwatch_all` removes the watches that existed
when it asked (numbered up to the counter then), so a stale confirm cannot take a newer watch.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from postbot.alerts.release import release_for
from postbot.alerts.silence import UnwatchArgs
from postbot.config.catalog import Catalog
from postbot.ids import parse_number
from postbot.match.normalize import normalize
from postbot.store import repo
from postbot.store.models import Watch
from postbot.store.reasons import Reasons
from postbot.store.repo.silence import MUTE, PAUSE
from postbot.store.repo.silence import ChatSilence as ChatSilence  # for the bot's views


def query_key(query: str) -> str:
    """A query as /unwatch <text> compares it: normalized (spelling, case), spaces collapsed."""
    return " ".join(normalize(query).split())


@dataclass(frozen=True, slots=True)
class Unwatched:
    """What /unwatch removed (number, query), and the numbers it did not find."""

    removed: list[tuple[int, str]]
    missing: list[int] = field(default_factory=list)
    text: str = ""  # the query text asked for, when no watch has it


@dataclass(frozen=True, slots=True)
class ConfirmAll:
    """/unwatch all: `count` watches, numbered up to `up_to`, to remove once confirmed."""

    count: int
    up_to: int


def _by_text(watches: Sequence[Watch], text: str) -> Watch | None:
    key = query_key(text)
    return next((w for w in watches if w.query == text.strip()), None) or next(
        (w for w in watches if query_key(w.query) == key), None
    )


def unwatch(
    engine: sa.Engine, *, chat_id: int, args: UnwatchArgs, raw: str
) -> Unwatched | ConfirmAll:
    """Remove watches by number or by query text; for `all`, say what a confirm would remove."""
    with Session(engine) as session:
        watches = repo.list_watches(session=session, chat_id=chat_id)
        if args.all:
            return ConfirmAll(len(watches), repo.watch_seq(session=session, chat_id=chat_id))
        if args.numbers:
            taken = repo.take_watches(session=session, chat_id=chat_id, numbers=args.numbers)
            found = {w.number for w in taken}
            missing = [n for n in args.numbers if n not in found]
            if not taken and len(args.numbers) == 1 and (same := _by_text(watches, raw)):
                # "/watch 2026" then "/unwatch 2026": no watch #2026, but one with that text
                taken, missing = [same], []
                session.delete(same)
        else:
            same = _by_text(watches, args.text)
            taken = [same] if same else []
            missing = []
            if same:
                session.delete(same)
        removed = [(w.number, w.query) for w in taken]
        session.commit()
    return Unwatched(removed, missing, "" if removed or missing else args.text)


def confirm_unwatch_all(engine: sa.Engine, *, chat_id: int, up_to: int) -> list[tuple[int, str]]:
    """The confirm button of /unwatch all: remove the watches numbered up to `up_to`."""
    with Session(engine) as session:
        taken = repo.take_all_watches(session=session, chat_id=chat_id, up_to=up_to)
        removed = [(w.number, w.query) for w in taken]
        session.commit()
    return removed


@dataclass(frozen=True, slots=True)
class Target:
    """What /mute or /resume names: a watch (id, number, query) or a topic (id)."""

    watch_id: int | None = None
    number: int = 0
    query: str = ""
    topic_id: str | None = None


def _find_topic(catalog: Catalog, name: str) -> str | None:
    key = query_key(name.removeprefix("topic_"))
    for topic in catalog.topics:
        names = (topic.id, topic.name("ar"), topic.name("en"))
        if any(query_key(n) == key for n in names):
            return topic.id
    return None


def _resolve(session: Session, chat_id: int, catalog: Catalog, target: str) -> Target | None:
    watches = repo.list_watches(session=session, chat_id=chat_id)
    number = parse_number(target.strip().removeprefix("#"), low=0)
    if number is not None:
        watch = next((w for w in watches if w.number == number), None)
    else:
        watch = _by_text(watches, target)
    if watch is not None:
        return Target(watch.id, watch.number, watch.query)
    topic_id = _find_topic(catalog, target) if number is None else None
    return Target(topic_id=topic_id) if topic_id else None


@dataclass(frozen=True, slots=True)
class Muted:
    """A mute set (or a missing target: `target` None; a topic not followed: `followed`)."""

    target: Target | None
    until: datetime | None = None
    hold: bool = False
    followed: bool = True


def mute(
    engine: sa.Engine,
    *,
    chat_id: int,
    catalog: Catalog,
    target: str,
    duration: timedelta,
    hold: bool,
    now: datetime,
) -> Muted:
    """Mute a watch (number or query text) or a followed topic (id or name) for `duration`."""
    until = now + duration
    with Session(engine) as session:
        found = _resolve(session, chat_id, catalog, target)
        if found is None:
            return Muted(None)
        if found.watch_id is not None:
            repo.mute_watch(
                session=session, chat_id=chat_id, watch_id=found.watch_id, until=until, hold=hold
            )
        elif found.topic_id is not None and not repo.mute_topic(
            session=session, chat_id=chat_id, topic_id=found.topic_id, until=until, hold=hold
        ):
            return Muted(found, followed=False)
        # what an earlier mute of it holds now waits for this one's end
        repo.release_held(
            session=session,
            chat_id=chat_id,
            hold=MUTE,
            at=until,
            concerns=_concerns(found),
            later_too=True,
        )
        session.commit()
    return Muted(found, until, hold)


def mute_watch_by_id(
    engine: sa.Engine, *, chat_id: int, watch_id: int, until: datetime | None, now: datetime
) -> Target | None:
    """🔕 under an alert (`until` now + a day) or its confirmation's unmute button (None)."""
    with Session(engine) as session:
        watch = repo.mute_watch(session=session, chat_id=chat_id, watch_id=watch_id, until=until)
        if watch is None:
            return None
        found = Target(watch.id, watch.number, watch.query)
        if until is None:
            _release(session, chat_id, MUTE, _concerns(found), now)
        session.commit()
    return found


def pause(
    engine: sa.Engine, *, chat_id: int, duration: timedelta, hold: bool, now: datetime
) -> datetime:
    """Pause every alert to the chat for `duration`; returns when it ends."""
    until = now + duration
    with Session(engine) as session:
        repo.pause_chat(session=session, chat_id=chat_id, until=until, hold=hold)
        # what an earlier pause holds now waits for this one's end
        repo.release_held(session=session, chat_id=chat_id, hold=PAUSE, at=until, later_too=True)
        session.commit()
    return until


def _concerns(target: Target) -> Callable[[Reasons], bool]:
    def concerns(reasons: Reasons) -> bool:
        if target.topic_id is not None:
            return target.topic_id in reasons.topics
        return any(w.id == target.watch_id or w.query == target.query for w in reasons.watches)

    return concerns


def _release(
    session: Session,
    chat_id: int,
    hold: str,
    concerns: Callable[[Reasons], bool] | None,
    now: datetime,
) -> int:
    """Send what a mute or pause held now (or when the chat's quiet hours / digest allow)."""
    chat = repo.get_chat(session=session, chat_id=chat_id)
    at = now
    if chat is not None:
        try:
            at = release_for(chat, now) or now
        except ValueError:
            at = now
    return repo.release_held(session=session, chat_id=chat_id, hold=hold, at=at, concerns=concerns)


@dataclass(frozen=True, slots=True)
class Resumed:
    """/resume: whether the chat was paused (or the target muted), how many held alerts go out
    now, and what stays silent."""

    was_silent: bool
    released: int
    still: ChatSilence
    target: Target | None = None
    unknown: bool = False


def resume(
    engine: sa.Engine, *, chat_id: int, catalog: Catalog, target: str, now: datetime
) -> Resumed:
    """End the chat's pause (no target; `all` also ends every mute) or one watch's or topic's
    mute; what it held goes out."""
    with Session(engine) as session:
        before = repo.chat_silence(session=session, chat_id=chat_id, now=now)
        everything = target.strip().lower() in ("all", "الكل", "الجميع")
        released = 0
        found: Target | None = None
        if not target.strip() or everything:
            was = before.paused_until is not None
            repo.pause_chat(session=session, chat_id=chat_id, until=None)
            released += _release(session, chat_id, PAUSE, None, now)
            if everything:
                was = was or bool(before.watches or before.topics)
                for watch in before.watches:
                    repo.mute_watch(
                        session=session, chat_id=chat_id, watch_id=watch.id or 0, until=None
                    )
                for topic in before.topics:
                    repo.mute_topic(
                        session=session, chat_id=chat_id, topic_id=topic.topic_id, until=None
                    )
                released += _release(session, chat_id, MUTE, None, now)
        else:
            found = _resolve(session, chat_id, catalog, target)
            if found is None:
                return Resumed(False, 0, before, unknown=True)
            if found.watch_id is not None:
                was = any(w.id == found.watch_id for w in before.watches)
                repo.mute_watch(
                    session=session, chat_id=chat_id, watch_id=found.watch_id, until=None
                )
            else:
                was = any(t.topic_id == found.topic_id for t in before.topics)
                repo.mute_topic(
                    session=session, chat_id=chat_id, topic_id=found.topic_id or "", until=None
                )
            released += _release(session, chat_id, MUTE, _concerns(found), now)
        session.commit()
        still = repo.chat_silence(session=session, chat_id=chat_id, now=now)
    return Resumed(was, released, still, found)


def silence(engine: sa.Engine, *, chat_id: int, now: datetime) -> ChatSilence:
    """What is paused or muted in the chat now (for /watches and /resume)."""
    with Session(engine, expire_on_commit=False) as session:
        return repo.chat_silence(session=session, chat_id=chat_id, now=now)
