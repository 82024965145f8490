"""/trend counts through the text index (service/trend.py `matching_sightings`): exactly the
sightings of a scan of the whole window, for every built-in topic and many queries, on both
databases; the index narrows what is read."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from bench.trend_sample import load_groups, seed
from postbot.alerts.trend import Sighting, sighting_time
from postbot.feeds.story import Story
from postbot.service.trend import Subject, build_trend, find_subject, matching_sightings
from postbot.store import repo
from support.catalogs import catalog

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
CATALOG = catalog([("shafaq", "شفق نيوز", "https://shafaq.example/rss")])

QUERIES = [
    '"عين الأسد"',
    "عين الأسد",
    "داعش",
    "داعش*",
    "لداعش",
    "الأنبار OR الرمادي",
    "مستشار*",
    '"القوات الأمريكية" -سوريا',
    "داعش -العراق",
    '"الحشد الشعبي"',
    "العراق",
    "الحشد OR -الجيش",  # an alternative of exclusions only: not accepted, see below
    "(داعش OR isis) -سوريا",
    "في داعش",  # a function word with a rarer one
    "في",  # a function word alone
    "isis",
    "ISIS OR Daesh",
    '"ain al-asad"',
    "al-Asad",
    "troops -syria",
    "iraq OR syria",
    '"Islamic State"',
    "هجوم مسيرة",
    "قصف OR استهداف OR هجوم",
    "اغتيال*",
    "انفجار -عبوة",
    "كركوك الموصل",
    '"تنظيم الدولة" -"تنظيم الدولة لل*"',
    "عبوة ناسفة",
    "الجيش العراقي",
    "سوريا OR (العراق -بغداد)",
    "2026",
    "٢٠٢٦",
    "u.s.",
    "كلمةلاتردأبداً",
]

EXTRA = [  # clitics, spellings and languages the sample lacks
    "هجوم بطائرة مسيرة على قاعدة عين الاسد غربي الأنبار",
    "صواريخ تستهدف «عين الأسد» في العراق",
    "قرية عين الأسد في ريف درعا تحتفل بالحصاد",
    "Drone attack on Ain al-Asad air base in Iraq's Anbar",
    "ISIS claims an attack near Kirkuk; Daesh cells hit again",
    "The Islamic State (ISIS) remnants in Syria's Badia",
    "الدواعش يهاجمون نقطة للجيش العراقي في مطيبيجة",
    "مقتل 3 من عناصر داعش بضربة جوية للتحالف في وادي حوران عام ٢٠٢٦",
    "U.S. troops leave the base; 2,500 advisers stay in 2026",
    "تنظيم الدولة للانتخابات يبدأ غداً",
    "فلول التنظيم في صحراء الأنبار",
]


BEAT = [  # put into mixed stories, clitics and spellings varied (as bench/search.py does)
    "عين الأسد",
    "بعين الأسد",
    "قاعدة عين الاسد",
    "لداعش",
    "وداعش",
    "تنظيم داعش",
    "الدواعش",
    "بالأنبار",
    "الرمادي",
    "مستشارين أمريكيين",
    "للقوات الأمريكية",
    "بالحشد الشعبي",
    "وسوريا",
    "بالعراق",
    "ISIS",
    "Ain al-Asad",
    "US troops",
    "Iraq",
    "هجوم بطائرة مسيرة",
    "قصف صاروخي",
    "عبوة ناسفة",
    "2026",
]
MIXED = 400


def _mixed(rng: random.Random) -> list[tuple[str, str]]:
    """(title, summary) made of the sample's sentences with beat words put in."""
    items = [item for group in load_groups() for item in group]
    made = []
    for _ in range(MIXED):
        words = rng.choice(items)["title"].split()
        for _ in range(rng.randint(0, 2)):
            words.insert(rng.randint(0, len(words)), rng.choice(BEAT))
        summary = str(rng.choice(items).get("summary", ""))
        made.append((" ".join(words), summary))
    return made


def _subjects() -> list[Subject]:
    subjects = [Subject(topic, None) for topic in CATALOG.topics]
    for query in QUERIES:
        try:
            subjects.append(find_subject(CATALOG, query))
        except Exception:
            continue
    return subjects


def _scan(engine: sa.Engine, subject: Subject, since: datetime, until: datetime) -> list[Sighting]:
    """What counting did before the index: every story of the window through the matcher."""
    test = subject.test()
    with Session(engine) as session:
        return [
            Sighting(s.root_id, s.feed_id, sighting_time(s.published, s.first_seen_at))
            for s in repo.stories_seen_between(session=session, since=since, until=until)
            if test(s.title, s.summary)
        ]


@pytest.fixture
def stored(engine: sa.Engine) -> int:
    url = engine.url.render_as_string(hide_password=False)
    count = seed(url, 100, random.Random(15), NOW)
    with Session(engine) as session:
        rng = random.Random(14)
        extra = [(title, "ملخص الخبر") for title in EXTRA] + _mixed(rng)
        for n, (title, summary) in enumerate(extra):
            story = Story("shafaq", f"extra-{n}", title, None, summary, None)
            seen = NOW - timedelta(hours=rng.uniform(0, 100 * 24))
            repo.save_story(session=session, story=story, now=seen)
            count += 1
        session.commit()
    return count


def test_the_index_counts_exactly_what_a_scan_counts(engine: sa.Engine, stored: int) -> None:
    assert stored > 400
    subjects = _subjects()
    assert len(subjects) > 30
    matched = narrowed = 0
    for days in (7, 30, 90):
        since, until = NOW - timedelta(days=days), NOW + timedelta(minutes=1)
        with Session(engine) as session:
            read = repo.stories_seen_between(session=session, since=since, until=until)
            window = sum(1 for _ in read)
        for subject in subjects:
            expected = _scan(engine, subject, since, until)
            assert matching_sightings(engine, subject, since=since, until=until) == expected, (
                subject.key,
                days,
            )
            matched += len(expected)
            need = subject.need()
            if need is None:
                continue
            with Session(engine) as session:
                read = repo.candidates_seen_between(
                    session=session, need=need, since=since, until=until
                )
                candidates = sum(1 for _ in read)
            assert candidates >= len(expected)
            narrowed += candidates < window
    assert matched > 500  # the subjects do match, and in numbers
    assert narrowed > len(subjects)  # most looked-up subjects read a part of the window


def test_which_subjects_use_the_index() -> None:
    def subject(words: str) -> Subject:
        return find_subject(CATALOG, words)

    assert subject("isis").need() is not None
    assert subject("ain_al_asad").need() is not None  # its query AND its context
    assert subject("troop_numbers").need() is None  # figures are no words to look up
    assert subject('"عين الأسد"').need() is not None
    assert subject("سوريا OR (العراق -بغداد)").need() is not None
    with pytest.raises(Exception):  # noqa: B017 - the language refuses it
        subject("-بغداد")


def test_the_chart_is_the_same_either_way(
    engine: sa.Engine, stored: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    words = ("isis", "ain_al_asad", '"عين الأسد"', "داعش -العراق", "iraq OR syria")
    subjects = [find_subject(CATALOG, w) for w in words]
    indexed = [build_trend(engine, s, days=90, tz="Asia/Baghdad", now=NOW) for s in subjects]
    assert all(t.total for t in indexed)
    monkeypatch.setattr(Subject, "need", lambda self: None)  # the scan of the whole window
    scanned = [build_trend(engine, s, days=90, tz="Asia/Baghdad", now=NOW) for s in subjects]
    assert indexed == scanned
