"""Digest rendering: grouping, escaping, headers, time zones and splitting at story boundaries."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest

from postbot.alerts.digest import MAX_ENTITIES, MAX_LINK_CHARS, DigestItem, render_digest
from postbot.alerts.direction import strip_marks
from postbot.alerts.html import MAX_VISIBLE, utf16_len, visible_text

END = datetime(2026, 11, 28, 11, 0, tzinfo=UTC)  # 14:00 in Baghdad
AT = datetime(2026, 11, 28, 10, 5, tzinfo=UTC)  # 13:05 in Baghdad


def item(
    title: str = "قصف قاعدة عين الأسد",
    *,
    link: str | None = "https://example.com/a",
    sources: tuple[str, ...] = ("الجزيرة",),
    groups: tuple[str, ...] = ("قاعدة عين الأسد",),
    published: datetime | None = AT,
) -> DigestItem:
    return DigestItem(title, link, sources, groups, published)


class _Checker(HTMLParser):
    """Collects the tags of Telegram HTML and fails on anything unbalanced or unexpected."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.entities = 0
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag in {"a", "b"}, tag
        assert not self.stack, "no nested tags"
        if tag == "a":
            assert [name for name, _ in attrs] == ["href"]
            self.hrefs.append(attrs[0][1] or "")
        else:
            assert attrs == []
        self.stack.append(tag)
        self.entities += 1

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack.pop() == tag


def check_html(markup: str) -> _Checker:
    checker = _Checker()
    checker.feed(markup)
    checker.close()
    assert checker.stack == []
    return checker


def visible_len(markup: str) -> int:
    return utf16_len(visible_text(markup))


def render(items: list[DigestItem], **kw: object) -> list[tuple[str, list[int]]]:
    args: dict[str, object] = {"lang": "en", "kind": "hourly", "tz": "Asia/Baghdad"}
    args.update(kw)
    out = render_digest(items, period_end=END, **args)  # type: ignore[arg-type]
    # the layout marks and isolates are checked in tests/alerts/test_direction.py
    return [(strip_marks(markup), indexes) for markup, indexes in out]


def test_no_items_no_messages() -> None:
    assert render([]) == []
    assert render_digest([], lang="ar", kind="daily", tz="Asia/Baghdad", period_end=END) == []


def test_layout_in_english() -> None:
    [(markup, indexes)] = render([item("Strike on Ain al-Asad", sources=("Reuters", "AP"))])
    assert indexes == [0]
    assert markup.split("\n") == [
        "📰 Hourly digest · 2026-11-28 14:00 UTC+03 · 1 story",
        "",
        "<b>قاعدة عين الأسد</b>",
        '• <a href="https://example.com/a">Strike on Ain al-Asad</a> — Reuters, AP · 13:05',
    ]


def test_layout_in_arabic_keeps_right_to_left() -> None:
    [(markup, _)] = render(
        [item("Reuters: قصف القاعدة", sources=("Reuters", "الجزيرة"))], lang="ar"
    )
    lines = markup.split("\n")
    assert lines[0] == "📰 ملخص الساعة · 2026-11-28 14:00 UTC+03 · الأخبار: 1"
    assert lines[2] == "<b>قاعدة عين الأسد</b>"
    assert lines[3] == (
        '• <a href="https://example.com/a">Reuters: قصف القاعدة</a> — Reuters، الجزيرة · 13:05'
    )


@pytest.mark.parametrize(
    ("lang", "kind", "label"),
    [
        ("ar", "hourly", "📰 ملخص الساعة"),
        ("ar", "daily", "📰 ملخص اليوم"),
        ("ar", "quiet", "🌙 ما فاتك خلال ساعات الهدوء"),
        ("en", "hourly", "📰 Hourly digest"),
        ("en", "daily", "📰 Daily digest"),
        ("en", "quiet", "🌙 While you were in quiet hours"),
        ("fr", "daily", "📰 Daily digest"),
    ],
)
def test_headers(lang: str, kind: str, label: str) -> None:
    [(markup, _)] = render([item(), item("ثاني")], lang=lang, kind=kind)
    header = markup.split("\n")[0]
    assert header.startswith(label)
    assert "2026-11-28 14:00 UTC+03" in header
    assert header.endswith("الأخبار: 2" if lang == "ar" else "2 stories")


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="kind"):
        render([item()], kind="weekly")


@pytest.mark.parametrize(
    ("tz", "stamp", "header"),
    [
        ("Asia/Baghdad", "13:05", "2026-11-28 14:00 UTC+03"),
        ("Asia/Kolkata", "15:35", "2026-11-28 16:30 IST"),
        ("Europe/Berlin", "11:05", "2026-11-28 12:00 CET"),
        ("UTC", "10:05", "2026-11-28 11:00 UTC"),
    ],
)
def test_times_are_shown_in_the_chat_zone(tz: str, stamp: str, header: str) -> None:
    [(markup, _)] = render([item()], tz=tz)
    lines = markup.split("\n")
    assert header in lines[0]
    assert lines[3].endswith(f"· {stamp}")


def test_an_earlier_day_shows_its_date_and_missing_dates_show_nothing() -> None:
    earlier = datetime(2026, 11, 27, 20, 30, tzinfo=UTC)  # 23:30 on the 27th in Baghdad
    [(markup, _)] = render([item("a", published=earlier), item("b", published=None)])
    lines = markup.split("\n")
    assert lines[3].endswith(" · 11-27 23:30")
    assert lines[4].endswith("— الجزيرة")


def test_grouped_by_first_group_in_order_of_first_appearance() -> None:
    items = [
        item("one", groups=("داعش",)),
        item("two", groups=("قاعدة عين الأسد", "داعش")),
        item("three", groups=("داعش", "قاعدة عين الأسد")),
        item("four", groups=("Watch: drones",)),
        item("five", groups=("قاعدة عين الأسد",)),
        item("six", groups=()),
    ]
    [(markup, indexes)] = render(items)
    assert indexes == [0, 2, 1, 4, 3, 5]
    shown = [
        line.removeprefix("<b>").removesuffix("</b>") if line.startswith("<b>") else line
        for line in visible_text(markup).split("\n")[1:]
        if line
    ]
    names = [re.sub(r"^• (\w+) — .*$", r"\1", line) for line in shown]
    assert names == [
        "داعش", "one", "three",
        "قاعدة عين الأسد", "two", "five",
        "Watch: drones", "four",
        "Other", "six",
    ]  # fmt: skip
    assert markup.count("<b>") == 4


def test_hostile_feed_text_is_escaped() -> None:
    hostile = item(
        "<script>alert(\"x\")</script> & <b>bold</b> 'q'",
        link='https://evil.example/?a=1&b="><script>x</script>',
        sources=("<i>src</i> & co",),
        groups=("<a href='x'>grp</a>",),
    )
    [(markup, _)] = render([hostile])
    assert "<script>" not in markup and "<i>" not in markup
    assert (
        'href="https://evil.example/?a=1&amp;b=&quot;&gt;&lt;script&gt;x&lt;/script&gt;"' in markup
    )
    checker = check_html(markup)
    assert checker.hrefs == ['https://evil.example/?a=1&b="><script>x</script>']
    shown = visible_text(markup)
    assert "<script>alert(\"x\")</script> & <b>bold</b> 'q'" in shown
    assert "<i>src</i> & co" in shown and "<a href='x'>grp</a>" in shown


@pytest.mark.parametrize(
    "link", [None, "", "javascript:alert(1)", "/relative/path", "data:text/html,x"]
)
def test_no_web_link_gives_plain_title(link: str | None) -> None:
    [(markup, _)] = render([item("عنوان <بلا> رابط", link=link)])
    assert "<a " not in markup
    assert "• عنوان &lt;بلا&gt; رابط — " in markup


def test_long_titles_are_cut_and_whitespace_collapsed() -> None:
    [(markup, _)] = render([item("ب" * 500, link=None), item("  a\nb\t c  ", link=None)])
    lines = visible_text(markup).split("\n")
    title = lines[3].removeprefix("• ").split(" — ")[0]
    assert len(title) == 300 and title.endswith("…")
    assert lines[4].startswith("• a b c — ")


def test_many_sources_are_counted_not_listed() -> None:
    [(markup, _)] = render([item(sources=tuple(f"src{i}" for i in range(9)))])
    assert "— src0, src1, src2, src3, src4, +4 ·" in markup


def _check_split(messages: list[tuple[str, list[int]]], count: int) -> list[int]:
    total = len(messages)
    assert total > 1
    order: list[int] = []
    for number, (markup, indexes) in enumerate(messages, start=1):
        assert visible_len(markup) <= MAX_VISIBLE
        checker = check_html(markup)
        assert checker.entities <= MAX_ENTITIES
        assert sum(len(h) for h in checker.hrefs) <= MAX_LINK_CHARS
        header = markup.split("\n")[0]
        assert header.endswith(f" ({number}/{total})")
        assert f"{count} stories" in header or f"الأخبار: {count}" in header
        assert indexes, "no empty messages"
        order.extend(indexes)
    assert sorted(order) == list(range(count))
    return order


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_a_thousand_stories_split_at_story_boundaries(lang: str) -> None:
    items = [
        item(f"عاجل 🚨 الخبر رقم {i}: " + "تفاصيل " * (i % 40), link=f"https://example.com/{i}")
        for i in range(1000)
    ]
    messages = render(items, lang=lang)
    order = _check_split(messages, 1000)
    assert order == list(range(1000))
    for markup, indexes in messages:
        lines = markup.split("\n")
        assert lines[1] == "" and lines[2].endswith("<b>قاعدة عين الأسد</b>")  # group repeated
        assert len(lines) == 3 + len(indexes)  # one line per story, none cut in half
        first = visible_text(lines[3])
        assert f"الخبر رقم {indexes[0]}:" in first


def test_split_repeats_the_current_group_line() -> None:
    names = ("داعش", "قاعدة عين الأسد", "Watch: drones")
    items = [item(f"خبر {i} " + "نص " * 60, groups=(names[i // 200 % 3],)) for i in range(1000)]
    messages = render(items)
    order = _check_split(messages, 1000)
    assert order == [i for name in names for i in range(1000) if names[i // 200 % 3] == name]
    for markup, indexes in messages:
        group = names[indexes[0] // 200 % 3]
        assert markup.split("\n")[2] == f"<b>{group}</b>"


def test_split_keeps_within_entity_and_link_limits() -> None:
    short = [item(f"t{i}", link=f"https://e.com/{i}", groups=(f"g{i}",)) for i in range(300)]
    _check_split(render(short), 300)
    long_links = [item(f"t{i}", link="https://e.com/" + "%D8%A7" * 150) for i in range(300)]
    messages = render(long_links)
    _check_split(messages, 300)
    assert all(len(indexes) <= MAX_LINK_CHARS // 900 for _, indexes in messages)


def test_numbering_width_grows_with_the_message_count() -> None:
    items = [item("خ" * 290, link=None, sources=("س" * 70,)) for _ in range(200)]
    messages = render(items)
    assert len(messages) >= 10
    _check_split(messages, 200)
    assert messages[-1][0].split("\n")[0].endswith(f"({len(messages)}/{len(messages)})")


def test_each_story_once_across_messages() -> None:
    items = [item(f"title-{i}", groups=(f"g{i % 7}", "other")) for i in range(700)]
    messages = render(items)
    text = "\n".join(visible_text(m) for m, _ in messages)
    for i in range(700):
        assert len(re.findall(rf"title-{i}\b", text)) == 1
    assert list(itertools.chain.from_iterable(ix for _, ix in messages)) == [
        i for g in range(7) for i in range(700) if i % 7 == g
    ]
