"""/trend's service (service/trend.py): stored stories confirmed with the real matcher, counted
once per cluster on the chat's local days, drawn, and kept ten minutes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from bidi import get_display
from sqlmodel import Session

from postbot.alerts.direction import lay_out, strip_marks
from postbot.alerts.texts import text
from postbot.errors import QuerySyntaxError
from postbot.feeds.story import Story
from postbot.match.query import parse_query
from postbot.match.topics import StoryMatcher
from postbot.service.chart_cache import ChartCache
from postbot.service.trend import (
    Subject,
    cached_chart,
    chart_text,
    find_subject,
    make_chart,
)
from postbot.store import repo
from support.catalogs import catalog

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)  # 12:00 in Baghdad
FEEDS = [
    ("shafaq", "شفق نيوز", "https://shafaq.example/rss"),
    ("ina", "واع", "https://ina.example/rss"),
]
CATALOG = catalog(FEEDS)
PNG = b"\x89PNG\r\n\x1a\n"


def store(
    engine: sa.Engine,
    feed: str,
    key: str,
    title: str,
    seen: datetime,
    *,
    copy_of: int | None = None,
) -> int:
    with Session(engine) as session:
        repo.upsert_feeds(session=session, feeds=[repo.FeedSpec(*f) for f in FEEDS])
        story = Story(feed, key, title, f"https://{feed}.example/{key}", "", None)
        row, _ = repo.save_story(session=session, story=story, now=seen)
        assert row.id is not None
        if copy_of is not None:
            repo.set_cluster(session=session, story_id=row.id, cluster_id=copy_of)
        session.commit()
        return row.id


def isis() -> Subject:
    return find_subject(CATALOG, "isis")


def test_a_topic_or_its_name_in_either_language_is_the_topic_anything_else_a_query() -> None:
    for words in ("isis", "ISIS", "داعش", "«داعش»", "“ISIS”"):
        subject = find_subject(CATALOG, words)
        assert subject.topic is not None and subject.topic.id == "isis", words
    assert find_subject(CATALOG, '"داعش"').query == '"داعش"'  # the word itself, as a phrase
    assert find_subject(CATALOG, "قاعدة عين الأسد").topic is not None
    query = find_subject(CATALOG, '"عين الأسد"')
    assert query.topic is None and query.query == '"عين الأسد"'
    with pytest.raises(QuerySyntaxError):
        find_subject(CATALOG, "(داعش")


def test_counts_what_the_topic_matches_once_per_story_on_local_days(engine: sa.Engine) -> None:
    first = store(
        engine, "shafaq", "a", "هجوم لداعش على نقطة للجيش في داقوق", NOW - timedelta(days=1)
    )
    # the same story in another outlet a little later: a copy, counted with the first
    store(
        engine,
        "ina",
        "b",
        "داعش يهاجم نقطة للجيش في داقوق",
        NOW - timedelta(days=1, minutes=-20),
        copy_of=first,
    )
    store(engine, "ina", "c", "افتتاح معرض بغداد الدولي للكتاب", NOW - timedelta(days=1))
    store(
        engine, "ina", "d", "تفكيك خلية لتنظيم الدولة الإسلامية في كركوك", NOW - timedelta(hours=8)
    )
    # 23:30 UTC on the 3rd is 02:30 on the 4th in Baghdad
    store(
        engine, "shafaq", "e", "اعتقال دواعش في الموصل", datetime(2026, 12, 3, 23, 30, tzinfo=UTC)
    )
    store(engine, "shafaq", "f", "داعش قبل الفترة", NOW - timedelta(days=45))
    chart = make_chart(engine, CATALOG, isis(), days=30, lang="ar", tz="Asia/Baghdad", now=NOW)
    trend = chart.trend
    assert trend.total == 3 and trend.copies == 1
    assert trend.days[-1].isoformat() == "2026-12-06" and len(trend.days) == 30
    assert trend.counts[-1] == 1 and trend.counts[-2] == 1 and trend.counts[-3] == 1
    assert trend.by_outlet == {
        "shafaq": tuple(1 if i in (27, 28) else 0 for i in range(30)),
        "ina": tuple(1 if i == 29 else 0 for i in range(30)),
    }
    assert trend.carried == {"ina": 2, "shafaq": 2}
    assert chart.png is not None and chart.png.startswith(PNG)
    assert "3 أخبار" in chart.caption and "شفق نيوز (2)" in chart.caption
    assert text("ar", "trend_caption_once", copies=1) in chart.caption
    in_utc = make_chart(engine, CATALOG, isis(), days=30, lang="en", tz="UTC", now=NOW).trend
    assert in_utc.counts[-4] == 1 and in_utc.counts[-3] == 0  # in UTC, the 3rd late evening


def test_a_query_counts_exactly_what_a_watch_with_it_would_match(engine: sa.Engine) -> None:
    store(engine, "shafaq", "a", "قصف صاروخي يستهدف قاعدة عين الأسد", NOW - timedelta(days=2))
    store(engine, "ina", "b", "وصول تعزيزات إلى بعين الأسد الجوية", NOW - timedelta(days=3))
    store(engine, "ina", "c", "الشاعر عين الأسدي يفوز بجائزة", NOW - timedelta(days=3))
    subject = find_subject(CATALOG, '"عين الأسد"')
    chart = make_chart(engine, CATALOG, subject, days=7, lang="en", tz="Asia/Baghdad", now=NOW)
    assert chart.trend.total == 2
    assert "query “&quot;عين الأسد&quot;”" in chart.caption  # the query shown, escaped


def test_nothing_matched_is_said_without_a_chart(engine: sa.Engine) -> None:
    store(engine, "ina", "c", "افتتاح معرض بغداد الدولي للكتاب", NOW - timedelta(days=1))
    chart = make_chart(engine, CATALOG, isis(), days=90, lang="en", tz="Asia/Baghdad", now=NOW)
    assert chart.png is None
    assert chart.caption == text("en", "trend_nothing", subject="topic “ISIS”", days=90)


def test_a_chart_is_kept_ten_minutes_per_subject_days_language_and_zone(engine: sa.Engine) -> None:
    store(engine, "shafaq", "a", "هجوم لداعش", NOW - timedelta(days=1))
    cache = ChartCache()

    def ask(now: datetime, lang: str = "ar", days: int = 30) -> tuple[int, bool]:
        chart, hit = cached_chart(
            cache, engine, CATALOG, isis(), days=days, lang=lang, tz="Asia/Baghdad", now=now
        )
        return chart.trend.total, hit

    assert ask(NOW) == (1, False)
    store(engine, "ina", "b", "كمين لداعش", NOW - timedelta(hours=1))
    assert ask(NOW + timedelta(minutes=9, seconds=59)) == (1, True)  # the kept chart
    assert ask(NOW + timedelta(minutes=1), lang="en") == (2, False)  # another language
    assert ask(NOW + timedelta(minutes=1), days=90) == (2, False)
    assert ask(NOW + timedelta(minutes=10)) == (2, False)  # ten minutes on: drawn again


def fixture_stories() -> list[tuple[str, str]]:
    from bench.trend_sample import load_groups

    return [(item["title"], item.get("summary", "")) for g in load_groups() for item in g]


@pytest.mark.parametrize(
    "words",
    ["isis", "ain_al_asad", "troop_numbers", '"عين الأسد"', "الحشد OR الجيش -داعش", "مسير*"],
)
def test_a_subject_counts_exactly_what_routings_story_matcher_matches(words: str) -> None:
    subject = find_subject(CATALOG, words)
    if subject.topic is not None:
        reference = StoryMatcher([subject.topic], {})
    else:
        reference = StoryMatcher([], {0: parse_query(words)})
    counts = subject.test()
    stories = fixture_stories()
    expected = [reference.match(t, s).matched for t, s in stories]
    assert [counts(t, s) for t, s in stories] == expected
    assert any(expected)  # the fixtures have some of each


def test_the_caption_names_a_fixed_offset_as_people_wrote_it(engine: sa.Engine) -> None:
    """`/tz UTC+3` is stored as Etc/GMT-3 (POSIX sign): the caption says "UTC+03" (the walk
    of issue 16 found "Days in Etc/GMT-3 time."), and a zone with minutes is drawn, not a
    crash (ZoneInfo does not know "UTC+05:30"); a named zone keeps its name."""
    store(engine, "shafaq", "a", "هجوم لداعش", NOW - timedelta(days=1))
    for tz, shown in [("Etc/GMT-3", "UTC+03"), ("UTC+05:30", "UTC+05:30"), ("Asia/Baghdad", None)]:
        chart = make_chart(engine, CATALOG, isis(), days=30, lang="en", tz=tz, now=NOW)
        last = chart.caption.splitlines()[-1]
        assert last == text("en", "trend_caption_tz", tz=shown or tz)
        assert "Etc/" not in chart.caption and chart.png is not None
        assert chart_text(chart.trend, isis(), lang="en", tz=tz).range.endswith(
            f"({shown or tz} time)"
        )


def test_each_outlets_count_reads_after_its_name_in_both_languages(engine: sa.Engine) -> None:
    """The walk of issue 16 saw an English caption read "By outlet: 2 شفق نيوز, 1 واع": a
    bare count after a name of the other script joins that name's run. In brackets it stays
    after the name, seen in the reader's visual order (python-bidi) once laid out."""
    store(engine, "shafaq", "a", "هجوم لداعش", NOW - timedelta(days=1))
    store(engine, "shafaq", "b", "كمين لداعش", NOW - timedelta(days=2))
    store(engine, "ina", "c", "خلية لداعش", NOW - timedelta(days=2))
    for lang, head in [("en", "By outlet: "), ("ar", "حسب المصدر: ")]:
        chart = make_chart(engine, CATALOG, isis(), days=30, lang=lang, tz="Asia/Baghdad", now=NOW)
        (line,) = [x for x in chart.caption.splitlines() if x.startswith(head)]
        seen = strip_marks(get_display(lay_out(line, lang)))
        if lang == "en":
            assert seen == "By outlet: " + "شفق نيوز"[::-1] + " (2), " + "واع"[::-1] + " (1)"
        else:  # right to left: each bracket follows its name (mirrored on screen)
            assert seen.endswith(")2( " + "شفق نيوز"[::-1] + " :ردصملا بسح"), seen
