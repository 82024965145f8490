"""parse_feed and strip_html on captured and hand-written feeds."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from postbot.feeds.parse import ParsedFeed, parse_feed, strip_html

from .conftest import FIXTURES

SAMPLE_TITLES = [
    "السوداني: التحالف الدولي يحتفظ بوجود محدود في عين الأسد لدعم العمليات ضد داعش في سوريا",
    "الأنواء الجوية تتوقع انخفاض درجات الحرارة في بغداد",
    "القوات الأمنية تحبط تسلل عناصر من داعش قرب الحدود السورية",
    "البنك المركزي يطرح 500 مليون دولار في مزاد العملة",
    "مسؤول أمريكي: نحو 2,500 جندي ما زالوا في العراق",
    "بشار الأسد يستقبل وفداً برلمانياً",
]


def parse(name: str, **kwargs: str) -> ParsedFeed:
    return parse_feed((FIXTURES / name).read_bytes(), feed_id="test", **kwargs)


def by_title(feed: ParsedFeed, start: str) -> list[str | None]:
    """Keys of the stories whose title starts with `start`."""
    return [s.key for s in feed.stories if s.title.startswith(start)]


@pytest.mark.parametrize("name", ["sample-ar.xml", "sample-ar-cp1256.xml", "sample-ar-atom.xml"])
def test_sample_feeds_have_the_same_six_stories(name: str) -> None:
    feed = parse(name)
    assert feed.warning is None
    assert feed.title == "أخبار تجريبية"
    assert [s.title for s in feed.stories] == SAMPLE_TITLES
    first = feed.stories[0]
    assert first.feed_id == "test"
    assert first.link == "https://gulfnews24.net/?p=72966"
    assert first.published == datetime(2026, 11, 27, 17, 20, tzinfo=UTC)
    assert "نحو 250–300 مستشار" in first.summary
    assert "<" not in first.summary


def test_cp1256_fixture_matches_utf8_fixture_exactly() -> None:
    assert parse("sample-ar-cp1256.xml").stories == parse("sample-ar.xml").stories


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        pytest.param("sample-ar.xml", ["gulfnews24-72966", "1001"], id="rss-guid"),
        pytest.param("sample-ar-atom.xml", ["urn:sample:gulfnews24-72966"], id="atom-id"),
    ],
)
def test_keys_are_guids_when_unique(name: str, keys: list[str]) -> None:
    assert [s.key for s in parse(name).stories][: len(keys)] == keys


def test_bbc_feed_parses_with_english_titles() -> None:
    feed = parse("real-bbc-world-en.xml")
    assert feed.title == "BBC News"
    assert len(feed.stories) == 32
    first = feed.stories[0]
    assert first.title.startswith("Putin can no longer claim victory in Ukraine")
    assert first.key == "https://www.bbc.co.uk/news/articles/c74grmy2v7ko#0"
    assert first.link is not None and "&at_campaign=rss" in first.link
    assert first.published == datetime(2026, 8, 13, 4, 55, 58, tzinfo=UTC)
    assert len({s.key for s in feed.stories}) == 32


def test_repeated_guids_fall_back_to_link_then_hash() -> None:
    feed = parse("rss-repeated-guids.xml")
    keys = [s.key for s in feed.stories]
    assert keys[:3] == [
        "https://www.alsumaria.example/news/481201",  # guid "0" repeats → link
        "https://www.alsumaria.example/news/481202",
        "alsumaria-481203",  # its own guid is unique
    ]
    assert all(k.startswith("h:") and len(k) == 22 for k in keys[3:])  # guid and link repeat
    assert len(set(keys)) == 5
    assert [s.key for s in parse("rss-repeated-guids.xml").stories] == keys  # deterministic


def test_no_guid_no_link_gets_hash_keys_and_empty_items_dropped() -> None:
    feed = parse("rss-no-guid-no-link.xml")
    assert len(feed.stories) == 3  # the item with a blank title and no description is dropped
    assert all(s.key.startswith("h:") and s.link is None for s in feed.stories)
    assert len({s.key for s in feed.stories}) == 3
    untitled = feed.stories[2]
    assert untitled.title == ""
    assert untitled.summary.startswith("قسد تعلن اعتقال قيادي في خلايا داعش")


def test_hash_key_ignores_whitespace_reflow() -> None:
    doc = (
        "<rss><channel><item><title>{}</title>"
        "<description>نص الخبر</description></item></channel></rss>"
    )
    one = doc.format("عاجل: قصف في ريف إدلب")
    two = doc.format("  عاجل:  قصف في\n ريف إدلب ")
    key_one = parse_feed(one.encode(), feed_id="f").stories[0].key
    key_two = parse_feed(two.encode(), feed_id="f").stories[0].key
    assert key_one == key_two


def test_missing_and_bad_dates_are_none_not_now() -> None:
    dates = [s.published for s in parse("rss-missing-dates.xml").stories]
    assert dates == [
        None,  # no pubDate
        None,  # «أمس الساعة الثامنة مساءً» is not a date
        datetime(2026, 11, 29, 8, 45, tzinfo=UTC),  # +0300 converted to UTC
        datetime(2026, 11, 29, 3, 30, tzinfo=UTC),  # dc:date
        datetime(2099, 12, 3, 10, 0, tzinfo=UTC),  # far future kept as parsed
    ]


def test_html_descriptions_become_plain_text() -> None:
    feed = parse("rss-html-descriptions.xml")
    assert feed.title == "عنب بلدي & شركاؤها"
    fuel, convoy = feed.stories
    assert fuel.title == '"الإدارة الذاتية" ترفع أسعار المحروقات في الرقة & دير الزور'
    # content:encoded is longer than the description, so it is the summary
    assert fuel.summary.startswith('رفعت "الإدارة الذاتية" لشمال وشرق سوريا')
    assert "سيضطرون إلى رفع أجور النقل" in fuel.summary
    assert "البنزين: 5000 ليرة\nالمازوت: 3500 ليرة" in fuel.summary
    assert "display:none" not in fuel.summary
    assert fuel.link == "https://enabbaladi.example/archives/702311"  # relative, resolved
    assert convoy.title == "عاجل | وصول قافلة مساعدات أممية إلى مخيم الركبان"
    assert (
        convoy.summary == "دخلت قافلة مساعدات تابعة للأمم المتحدة إلى مخيم الركبان قرب منطقة التنف."
    )
    assert convoy.link is None  # javascript: dropped


@pytest.mark.parametrize(
    ("name", "count", "warning"),
    [
        pytest.param("rss-malformed-ampersand.xml", 3, True, id="unescaped-ampersand"),
        pytest.param("rss-truncated.xml", 2, True, id="truncated"),
        pytest.param("rss-undeclared-cp1256.xml", 3, False, id="undeclared-1256"),
        pytest.param("rss-utf8-declared-cp1256.xml", 2, False, id="utf8-declared-1256"),
        pytest.param("rss-utf8-bom.xml", 2, False, id="utf8-bom"),
        pytest.param("rdf-rss10.xml", 2, False, id="rdf"),
    ],
)
def test_awkward_feeds_keep_their_good_items(name: str, count: int, warning: bool) -> None:
    feed = parse(name)
    complete = [s for s in feed.stories if s.title and s.summary and s.link and s.published]
    assert len(complete) == count
    assert (feed.warning is not None) is warning
    for story in feed.stories:
        assert "\ufffd" not in story.title + story.summary
        assert "Ø" not in story.title  # no mojibake from a UTF-8/latin-1 mix-up


@pytest.mark.parametrize(
    ("name", "first_title"),
    [
        pytest.param(
            "rss-malformed-ampersand.xml",
            "قيادة العمليات المشتركة: تطهير 12 قرية في مطيبيجة & حمرين",
            id="ampersand",
        ),
        pytest.param(
            "rss-truncated.xml", "البصرة: ارتفاع صادرات النفط عبر الموانئ الجنوبية", id="truncated"
        ),
        pytest.param(
            "rss-undeclared-cp1256.xml",
            "محافظة حمص تعيد تأهيل الطريق الدولي حمص - تدمر",
            id="undeclared-1256",
        ),
        pytest.param(
            "rss-utf8-declared-cp1256.xml",
            "كربلاء تستعد لاستقبال ملايين الزائرين في زيارة الأربعين",
            id="utf8-declared-1256",
        ),
        pytest.param(
            "rss-utf8-bom.xml", "أمانة بغداد تطلق حملة لتأهيل شوارع حي الكرادة", id="utf8-bom"
        ),
        pytest.param(
            "rdf-rss10.xml",
            "البيشمركة والجيش العراقي ينفذان عملية مشتركة ضد خلايا داعش في مخمور",
            id="rdf",
        ),
    ],
)
def test_awkward_feeds_first_title(name: str, first_title: str) -> None:
    assert parse(name).stories[0].title == first_title


def test_malformed_feed_keeps_link_query_and_reports_problem() -> None:
    feed = parse("rss-malformed-ampersand.xml")
    assert feed.stories[0].link == "https://defense-news.example/article.php?id=5501&cat=2"
    assert feed.warning is not None and "malformed" in feed.warning


@pytest.mark.parametrize(
    ("link", "base_url", "expected"),
    [
        pytest.param(
            "/news/9", "https://feeds.example/rss", "https://feeds.example/news/9", id="base"
        ),
        pytest.param("news/9", None, "https://site.example/ar/news/9", id="feed-link"),
        pytest.param("https://x.example/a", None, "https://x.example/a", id="absolute"),
        pytest.param("javascript:alert(1)", None, None, id="javascript"),
        pytest.param("mailto:desk@site.example", None, None, id="mailto"),
        pytest.param("ftp://site.example/f", None, None, id="ftp"),
        pytest.param("/news/9", "/local/feed.xml", "https://site.example/news/9", id="path-base"),
    ],
)
def test_links_are_absolute_http_or_none(
    link: str, base_url: str | None, expected: str | None
) -> None:
    body = (
        "<rss><channel><link>https://site.example/ar/</link>"
        f"<item><title>خبر</title><link>{link}</link></item></channel></rss>"
    ).encode()
    feed = parse_feed(body, feed_id="f", base_url=base_url)
    assert feed.stories[0].link == expected


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"\x00\xff\xfe\x13\x99garbage<<<&&&", id="junk"),
        pytest.param(random.Random(7).randbytes(4096), id="random"),
        pytest.param(b"<html><body><p>Not a feed</p></body></html>", id="html-page"),
        pytest.param(b'{"items": []}', id="json"),
    ],
)
def test_garbage_gives_warning_and_no_stories(body: bytes) -> None:
    feed = parse_feed(body, feed_id="junk")
    assert feed.stories == []
    assert feed.warning


def test_valid_feed_without_items_has_no_warning() -> None:
    feed = parse_feed(b"<rss version='2.0'><channel><title>x</title></channel></rss>", feed_id="f")
    assert (feed.title, feed.stories, feed.warning) == ("x", [], None)


def test_content_type_charset_is_used_for_undeclared_bytes() -> None:
    body = "<rss><channel><item><title>الرمادي</title></item></channel></rss>".encode("cp1256")
    feed = parse_feed(body, feed_id="f", content_type="text/xml; charset=windows-1256")
    assert feed.stories[0].title == "الرمادي"


@pytest.mark.parametrize(
    ("html", "text"),
    [
        pytest.param("<p>سطر أول</p><p>سطر ثان</p>", "سطر أول\nسطر ثان", id="paragraphs"),
        pytest.param("أ<br>ب<br/>ج", "أ\nب\nج", id="br"),
        pytest.param("&quot;داعش&quot; &amp; &#1575;&#x644;", '"داعش" & ال', id="entities"),
        pytest.param("a&nbsp;&nbsp; b\t\tc", "a b c", id="nbsp-and-spaces"),
        pytest.param("<img src='x.jpg' alt='صورة'>نص", "نص", id="img"),
        pytest.param("قبل<script>var a = '<p>x</p>';</script>بعد", "قبلبعد", id="script"),
        pytest.param("<style>p{color:red}</style>نص", "نص", id="style"),
        pytest.param("<ul><li>أ</li><li>ب</li></ul>", "أ\nب", id="list"),
        pytest.param("\n\n  نص  \n\n\n  آخر ", "نص\nآخر", id="blank-lines"),
        pytest.param("5 < 6 and 7 > 3", "5 < 6 and 7 > 3", id="bare-angles"),
        pytest.param("<b>عاجل</b> | <a href='#'>خبر</a>", "عاجل | خبر", id="inline"),
        pytest.param("", "", id="empty"),
        pytest.param("أ<![CDATA[ب]]>ج", "أبج", id="escaped-cdata"),
        pytest.param("أ<![if !supportLists]>ب<![endif]>ج", "أبج", id="word-marked-section"),
        pytest.param("قبل<![junk و>بعد", "قبلبعد", id="junk-marked-section"),
    ],
)
def test_strip_html(html: str, text: str) -> None:
    assert strip_html(html) == text


@pytest.mark.parametrize(
    "name",
    ["sample-ar.xml", "sample-ar-cp1256.xml", "sample-ar-atom.xml", "rss-utf8-declared-cp1256.xml"],
)
@pytest.mark.parametrize(
    "content_type", [None, "text/html", "application/rss+xml; charset=windows-1256"]
)
def test_well_formed_feeds_fetched_over_http_give_no_warning(
    name: str, content_type: str | None
) -> None:
    # feedparser flags documents whose HTTP type or declared encoding it did not see itself;
    # we decode first, so those notices would make every poll look malformed
    kwargs = {"content_type": content_type} if content_type else {}
    parsed = parse(name, base_url="https://news.example/rss", **kwargs)
    assert parsed.stories and parsed.warning is None


# --- hostile items: control characters, surrogates, sizes (issue 11, items 3 and 5) -----------

_BAD_CHARS = "\x00\x01\x08\x0b\x0c\x1b\x7f\x85\x9f\ufffe\uffff"


def _rss(*items: str, channel_title: str = "قناة") -> bytes:
    body = "".join(f"<item>{item}</item>" for item in items)
    doc = f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{channel_title}</title>{body}</channel></rss>'  # noqa: E501
    return doc.encode("utf-8", "surrogatepass")


def _no_bad_chars(text: str | None) -> bool:
    if text is None:
        return True
    return not any(
        (ord(c) < 0x20 and c not in "\t\n") or 0x7F <= ord(c) < 0xA0 or 0xD800 <= ord(c) < 0xE000
        for c in text
    ) and not any(c in text for c in "\ufffe\uffff\r")


@pytest.mark.parametrize(
    "item",
    [
        pytest.param("<title>قصف\x00 قاعدة</title><guid>a1</guid>", id="nul-in-title"),
        pytest.param("<title>خبر</title><link>https://x.example/a\x00b</link>", id="nul-in-link"),
        pytest.param("<title>خبر</title><guid>id-\x00-1</guid>", id="nul-in-guid"),
        pytest.param("<title>خبر</title><description>نص\x00 و\x1b[31m</description>", id="nul-esc"),
        pytest.param("<title>خبر &#0; &#1; &#x1F;</title><guid>&#0;g</guid>", id="charrefs-c0"),
        pytest.param("<title>خبر &#xD800; &#55296;</title>", id="charref-surrogate"),
        pytest.param("<title>خبر &#x110000; &#99999999;</title>", id="charref-out-of-range"),
        pytest.param(f"<title>خبر {_BAD_CHARS} end</title><guid>g{_BAD_CHARS}</guid>", id="all"),
        pytest.param("<title>سطر\r\nثان\rثالث</title><description>a\r\nb</description>", id="cr"),
        pytest.param(
            "<title>خبر</title><description>&lt;p&gt;نص&amp;#1;&lt;/p&gt;</description>",
            id="escaped-html-charref",
        ),
        pytest.param("<title>خبر</title><author>كاتب\x00</author>", id="nul-in-author"),
    ],
)
def test_every_text_field_comes_out_clean(item: str) -> None:
    feed = parse_feed(_rss(item, channel_title="قناة\x00\x01"), feed_id="f")
    assert len(feed.stories) == 1
    story = feed.stories[0]
    for value in (story.title, story.summary, story.link, story.key, feed.title):
        assert _no_bad_chars(value), repr(value)
    assert story.title.startswith(("خبر", "قصف", "سطر"))
    # all of it encodes: nothing a database or Telegram would refuse
    for value in (story.title, story.summary, story.link or "", story.key):
        value.encode("utf-8")
        assert "\x00" not in value


def test_carriage_returns_become_line_breaks() -> None:
    feed = parse_feed(
        _rss("<title>خبر</title><description>سطر\r\nثان\rثالث</description>"), feed_id="f"
    )
    assert feed.stories[0].summary == "سطر\nثان\nثالث"


def test_nul_does_not_change_the_key_between_polls() -> None:
    # the same item with and without the NUL is the same story (its guid, cleaned)
    one = parse_feed(_rss("<title>خبر</title><guid>abc\x00</guid>"), feed_id="f")
    two = parse_feed(_rss("<title>خبر</title><guid>abc</guid>"), feed_id="f")
    assert one.stories[0].key == two.stories[0].key == "abc"


@pytest.mark.parametrize(
    ("title_words", "summary_words"),
    [
        pytest.param(1, 200_000, id="600kb-arabic-description"),
        pytest.param(5_000, 10, id="huge-title"),
        pytest.param(1, 1, id="small-untouched"),
    ],
)
def test_title_and_summary_are_capped_at_a_word(title_words: int, summary_words: int) -> None:
    from postbot.feeds.story import MAX_SUMMARY_CHARS, MAX_TITLE_CHARS

    title = " ".join(f"عنوان{i}" for i in range(title_words))
    summary = " ".join(f"كلمة{i}" for i in range(summary_words))
    feed = parse_feed(
        _rss(f"<title>{title}</title><description><![CDATA[<p>{summary}</p>]]></description>"),
        feed_id="f",
    )
    story = feed.stories[0]
    for got, full, cap in (
        (story.title, title, MAX_TITLE_CHARS),
        (story.summary, summary, MAX_SUMMARY_CHARS),
    ):
        assert len(got) <= cap
        if len(full) <= cap:
            assert got == full
        else:
            assert got.endswith("…")
            kept = got[:-1]
            assert full.startswith(kept)
            assert full[len(kept)] == " "  # cut at a word boundary
            assert len(got) > cap * 0.8


def test_giant_word_is_cut_mid_word() -> None:
    from postbot.feeds.story import MAX_TITLE_CHARS

    feed = parse_feed(_rss(f"<title>{'ب' * 50_000}</title>"), feed_id="f")
    assert feed.stories[0].title == "ب" * (MAX_TITLE_CHARS - 1) + "…"


def test_overlong_guid_and_link_fit_database_indexes() -> None:
    from postbot.feeds.parse import MAX_GUID_BYTES

    long_guid = "غ" * 3_000
    long_link = "https://x.example/" + "ش" * 3_000
    feed = parse_feed(
        _rss(
            f"<title>أ</title><guid>{long_guid}</guid><link>{long_link}</link>",
            f"<title>ب</title><guid>{long_guid}x</guid>",
            "<title>ج</title><guid>short</guid><link>https://x.example/ok</link>",
        ),
        feed_id="f",
    )
    keys = [s.key for s in feed.stories]
    assert len(set(keys)) == 3  # two long guids stay two stories
    assert all(len(k.encode()) <= MAX_GUID_BYTES for k in keys)
    assert feed.stories[0].link is None  # could not be shortened without breaking it
    assert feed.stories[2].link == "https://x.example/ok"
    again = parse_feed(_rss(f"<title>أ</title><guid>{long_guid}</guid>"), feed_id="f")
    assert again.stories[0].key == keys[0]  # stable across polls
