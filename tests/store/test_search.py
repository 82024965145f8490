"""The search index: the index's candidates confirmed by the matcher are exactly what the matcher
finds over every story, on SQLite (FTS5) and PostgreSQL (tsvector + GIN); the migration indexes
existing stories; retention deletes old stories with their index, band and delivery rows."""

from __future__ import annotations

import random
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from postbot.feeds.story import Story
from postbot.match.matcher import Matcher, make_document
from postbot.match.prefilter import AllOf, AnyOf, Word, index_terms, need_of
from postbot.match.query import parse_query
from postbot.match.topics import StoryMatcher, Topic
from postbot.service import search
from postbot.store import repo
from postbot.store.db import upgrade_engine
from postbot.store.models import Chat, Delivery, StoryBand, StoryRow
from postbot.store.repo import search as index

NOW = datetime(2026, 11, 28, 14, 5, tzinfo=UTC)
DAY = timedelta(days=1)

FRAGMENTS = [
    "غارة قرب قاعدة عين الأسد في الأنبار",
    "انسحاب القوات الأمريكية بعين الأسد",
    "وصول مستشارين أمريكيين إلى قاعدة عين الاسد الجوية",
    "هجوم لداعش في الرمادي",
    "وداعش تتبنى تفجيراً في الموصل",
    "الرئيس بشار الأسد يستقبل وفداً",
    "زيارة إلى عين. الأسد رمز قديم",
    "عينُ الأَسَدِ تحت الحماية",
    "المدينة القديمة في الموصل",
    "المدينه تستعد للانتخابات",
    "مؤتمر صحفي للمستشار الألماني",
    "اجتماع في بغداد لبحث الأمن",
    "Ain al-Asad air base attacked by drones",
    "ISIS claims an attack near Ramadi",
    "U.S. troops leave Syria, officials say",
    "Markets rally as crisis eases",
    "للأسد حضور في الذاكرة الشعبية",
    "سوريا والعراق يبحثان أمن الحدود",
]

QUERIES = [
    '"عين الأسد"',
    "عين الاسد",
    "«عين الأسد»",
    "داعش",
    "الأسد -بشار",
    "الأنبار OR الرمادي",
    "مستشار*",
    '"القوات الأمريكية"',
    "المدينة",
    "المدينه",
    "isis",
    '"ain al-asad"',
    "troops -syria",
    "(داعش OR isis) -العراق",
    "بعين",
    "اسد*",
    '"عين الأس*"',
    "قاعدة عين",
    "الاسد",
    "في بغداد",
    '"في الموصل"',
    "crisis OR حضور",
    "عين -(الأسد OR الاسد)",
]


def _corpus(seed: int, count: int) -> list[tuple[str, str, datetime]]:
    rng = random.Random(seed)
    out = []
    for i in range(count):
        title = rng.choice(FRAGMENTS)
        summary = " ".join(rng.sample(FRAGMENTS, rng.randint(0, 3)))
        out.append((title, summary, NOW - timedelta(hours=i * 7)))  # about 35 days back
    return out


def _save(session: Session, stories: list[tuple[str, str, datetime]]) -> list[int]:
    ids = []
    for k, (title, summary, seen) in enumerate(stories):
        feed = ("aljazeera", "bbc")[k % 2]
        if repo.get_feed(session=session, feed_id=feed) is None:
            repo.upsert_feeds(
                session=session,
                feeds=[repo.FeedSpec(feed, f"https://{feed}.test/rss", feed)],
                now=NOW,
            )
        story = Story(feed, f"k{k}", title, f"https://{feed}.test/{k}", summary, None)
        row, created = repo.save_story(session=session, story=story, now=seen)
        assert created and row.id is not None
        ids.append(row.id)
    session.commit()
    return ids


def _brute(session: Session, query: str, since: datetime) -> list[int]:
    matcher: Matcher[int] = Matcher({0: parse_query(query)})
    rows = session.exec(select(StoryRow).where(StoryRow.first_seen_at >= since)).all()  # type: ignore[operator]
    hits = [r for r in rows if matcher.match(make_document(r.title, r.summary))]
    return [
        r.id or 0 for r in sorted(hits, key=lambda r: (r.first_seen_at, r.id or 0), reverse=True)
    ]


def test_index_terms_hold_every_clitic_stem() -> None:
    terms = index_terms("وصول إلى بعين الأسد", "وللأسد")
    assert {"بعين", "عين", "الاسد", "اسد", "وللاسد", "للاسد"} <= set(terms)
    assert "وصول" in terms and "صول" in terms  # و is taken off whatever the word: a superset


def test_a_very_long_word_is_filed_and_found_by_its_prefix(engine: sa.Engine) -> None:
    word = "ب" + "ا" * 3000
    with Session(engine) as session:
        (story_id,) = _save(session, [(f"كلمة {word} طويلة", "", NOW)])
    found = search.stories_matching(engine, parse_query("اااا*"), since=NOW - DAY)
    assert [h.story_id for h in found.hits] == [story_id]


def test_need_of_follows_the_query() -> None:
    assert need_of(parse_query('"عين الأسد"')) == AllOf((Word("عين"), Word("الاسد")))
    assert need_of(parse_query("داعش OR isis*")) == AnyOf((Word("داعش"), Word("isis", True)))
    assert need_of(parse_query("الأسد -بشار")) == Word("الاسد")
    assert need_of(parse_query("في بغداد")) == Word("بغداد")  # the function word narrows nothing
    assert need_of(parse_query("(داعش -العراق) OR (isis -iraq)")) == AnyOf(
        (Word("داعش"), Word("isis"))
    )


def test_index_queries_are_quoted() -> None:
    need = AllOf((Word('a"b'), AnyOf((Word("c'd", True), Word("e")))))
    assert index.fts_query(need) == '("a""b" AND ("c\'d"* OR "e"))'
    assert index.ts_query(need) == "('a\"b' & ('c''d':* | 'e'))"


@pytest.mark.parametrize("query", QUERIES)
def test_search_finds_exactly_what_the_matcher_finds(engine: sa.Engine, query: str) -> None:
    with Session(engine) as session:
        _save(session, _corpus(7, 120))
        since = NOW - 30 * DAY
        expected = _brute(session, query, since)
    found = search.stories_matching(engine, parse_query(query), since=since, limit=1000)
    assert found.complete
    assert [h.story_id for h in found.hits] == expected
    if query in ('"عين الأسد"', "isis", "مستشار*"):
        assert expected and found.checked < 120  # the index narrowed it


def test_many_queries_on_one_corpus(engine: sa.Engine) -> None:
    with Session(engine) as session:
        _save(session, _corpus(11, 150))
        since = NOW - 20 * DAY
        for query in QUERIES:
            expected = _brute(session, query, since)
            found = search.stories_matching(engine, parse_query(query), since=since, limit=1000)
            assert [h.story_id for h in found.hits] == expected, query


def test_the_work_is_bounded_and_says_so(engine: sa.Engine) -> None:
    with Session(engine) as session:
        _save(session, _corpus(3, 60))
    since = NOW - 40 * DAY
    few = search.stories_matching(
        engine, parse_query("عين OR الأسد OR الاسد OR داعش OR isis"), since=since, max_candidates=10
    )
    assert few.checked == 10 and not few.complete
    capped = search.stories_matching(engine, parse_query("داعش"), since=since, limit=2)
    assert len(capped.hits) == 2 and not capped.complete


def test_stories_saved_without_the_index_are_caught_up(
    engine: sa.Engine, make_story: Callable[..., int]
) -> None:
    story_id = make_story(title="غارة بعين الأسد", first_seen_at=NOW)
    found = search.stories_matching(engine, parse_query('"عين الأسد"'), since=NOW - DAY)
    assert [h.story_id for h in found.hits] == [story_id]


def test_one_per_cluster_names_every_outlet(engine: sa.Engine) -> None:
    with Session(engine) as session:
        first, copy = _save(
            session, [("داعش في الرمادي", "", NOW - DAY), ("داعش في الرمادي اليوم", "", NOW)]
        )
        repo.set_cluster(session=session, story_id=copy, cluster_id=first)
        session.commit()
    result = search.search(engine, query="داعش", days=7, now=NOW)
    assert isinstance(result, search.Searched)
    assert [(f.story_id, f.outlets) for f in result.found] == [(copy, ("bbc", "aljazeera"))]


MigratedFactory = Callable[[str], AbstractContextManager[sa.Engine]]


@pytest.mark.parametrize("backend_name", ["sqlite-file", "postgresql"])
def test_the_migration_indexes_existing_stories(
    fresh_database: MigratedFactory, backend_name: str
) -> None:
    with fresh_database(backend_name) as engine:
        upgrade_engine(engine, "0006")
        stories = _corpus(5, 40)
        feed = sa.text(
            "INSERT INTO feed (id, url, name, enabled, consecutive_errors, next_poll_at,"
            " failing_notified, first_polled) VALUES ('f', 'u', 'F', true, 0, :t, false, false)"
        )
        story = sa.text(
            "INSERT INTO story (feed_id, key, title, summary, first_seen_at, also_in)"
            " VALUES ('f', :k, :t, :s, :at, '[]')"
        )
        naive = backend_name != "postgresql"  # SQLite keeps UTC without an offset
        with engine.begin() as conn:
            conn.execute(feed, {"t": NOW.replace(tzinfo=None) if naive else NOW})
            for k, (title, summary, seen) in enumerate(stories):
                at = seen.replace(tzinfo=None) if naive else seen
                conn.execute(story, {"k": f"k{k}", "t": title, "s": summary, "at": at})
        upgrade_engine(engine)
        with Session(engine) as session:
            assert index.unindexed_stories(session=session, limit=10) == []
            expected = _brute(session, '"عين الأسد"', NOW - 30 * DAY)
        found = search.stories_matching(engine, parse_query('"عين الأسد"'), since=NOW - 30 * DAY)
        assert expected and [h.story_id for h in found.hits] == expected


def _index_rows(session: Session) -> int:
    table = "story_fts" if session.get_bind().dialect.name == "sqlite" else "story_search"
    return int(session.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar() or 0)


def test_retention_deletes_old_stories_with_their_rows(
    engine: sa.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "DELIVERY_BATCH", 1)  # one delivery row per transaction
    with Session(engine) as session:
        ids = _save(
            session,
            [
                ("قديم جداً عن داعش", "", NOW - 200 * DAY),  # 0: goes
                ("أول نسخة من خبر داعش", "", NOW - 181 * DAY),  # 1: root of a kept copy: stays
                ("نسخة لاحقة من خبر داعش", "", NOW - 179 * DAY),  # 2: kept (within retention)
                ("خبر حديث عن داعش", "", NOW - DAY),  # 3: kept
            ],
        )
        repo.set_cluster(session=session, story_id=ids[2], cluster_id=ids[1])
        session.add(Chat(id=5, kind="private", lang="ar", created_at=NOW, updated_at=NOW))
        session.flush()
        for story_id in ids:
            session.add(Delivery(chat_id=5, story_id=story_id, next_attempt_at=NOW, created_at=NOW))
            session.add(StoryBand(band=story_id, story_id=story_id, seen_at=NOW))
        session.commit()
        assert _index_rows(session) == 4
    before = NOW - 180 * DAY
    assert search.prune_batch(engine, before=before, batch=1) == 1
    assert search.prune_batch(engine, before=before, batch=1) == 0
    with Session(engine) as session:
        kept = sorted(i for i in session.exec(select(StoryRow.id)))
        assert kept == ids[1:]
        assert _index_rows(session) == 3
        assert sorted(d.story_id for d in session.exec(select(Delivery))) == ids[1:]
        assert sorted(b.story_id for b in session.exec(select(StoryBand))) == ids[1:]
    # once the copy is past retention too, both go
    assert search.prune_batch(engine, before=NOW - 170 * DAY) == 2
    with Session(engine) as session:
        assert list(session.exec(select(StoryRow.id))) == [ids[3]]
        assert _index_rows(session) == 1


def test_latest_lists_the_newest_ten_of_topics_and_watches(engine: sa.Engine) -> None:
    isis = Topic.from_text("isis", "داعش", "ISIS", "داعش OR isis")
    other = Topic.from_text("oil", "النفط", "Oil", "النفط")
    with Session(engine) as session:
        ids = _save(session, _corpus(9, 80))
        session.add(Chat(id=77, kind="private", lang="ar", created_at=NOW, updated_at=NOW))
        session.commit()
        repo.subscribe_topic(session=session, chat_id=77, topic_id="isis", now=NOW)
        repo.add_watch(session=session, chat_id=77, query="الموصل", now=NOW)
        session.commit()
        rows = {r.id: r for r in session.exec(select(StoryRow))}
    topics = [isis, other]
    assert search.latest(engine, chat_id=78, topics=topics, topic_id=None, now=NOW) is None
    found = search.latest(engine, chat_id=77, topics=topics, topic_id=None, now=NOW)
    watched = Matcher({0: parse_query("داعش OR isis OR الموصل")})
    since = NOW - search.LATEST_DAYS * DAY
    expected = [
        i
        for i in sorted(ids, key=lambda i: (rows[i].first_seen_at, i), reverse=True)
        if rows[i].first_seen_at >= since
        and watched.match(make_document(rows[i].title, rows[i].summary))
    ][:10]
    assert found is not None and [f.story_id for f in found] == expected
    only = search.latest(engine, chat_id=77, topics=topics, topic_id="isis", now=NOW)
    isis_only = Matcher({0: parse_query("داعش OR isis")})
    assert only and all(
        isis_only.match(make_document(rows[f.story_id].title, rows[f.story_id].summary))
        for f in only
    )


@pytest.mark.parametrize(
    "topic",
    [
        Topic.from_text(
            "ain",
            "عين الأسد",
            "Ain al-Asad",
            '"عين الأسد" OR "ain al-asad"',
            context="قاعدة OR base",
        ),
        Topic.from_text("troops", "القوات", "Troops", None, troop_counts=True),
    ],
    ids=["query-and-context", "troop-counts-only"],
)
def test_topic_stories_are_what_routing_matches(engine: sa.Engine, topic: Topic) -> None:
    extra = [("وصول 300 جندي أمريكي إلى قاعدة عين الأسد", "", NOW), ("انتشار 2000 عنصر", "", NOW)]
    with Session(engine) as session:
        _save(session, [*_corpus(4, 60), *extra])
        rows = list(session.exec(select(StoryRow)))
    since = NOW - 30 * DAY
    matcher: StoryMatcher[str] = StoryMatcher([topic], {})
    expected = [
        r.id
        for r in sorted(rows, key=lambda r: (r.first_seen_at, r.id or 0), reverse=True)
        if r.first_seen_at >= since and matcher.match(r.title, r.summary).matched
    ]
    found = search.topic_stories(engine, topic, since=since, limit=1000)
    assert expected and [h.story_id for h in found.hits] == expected
