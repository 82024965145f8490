"""feeds/channel.py on hand-written Telegram channel preview pages (tests/fixtures/channels)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from doubles.channelpage import Post, render_channel_page
from postbot.feeds.channel import (
    MAX_POSTS,
    TITLE_CHARS,
    ChannelPost,
    parse_channel,
    read_channel_page,
)
from postbot.feeds.story import MAX_SUMMARY_CHARS, Story

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "channels"
USER = "security_media_test"


def fixture_posts() -> dict[int, ChannelPost]:
    page = read_channel_page((PAGES / "security_media.html").read_bytes())
    return {p.post_id: p for p in page.posts}


def fixture_stories() -> dict[str, Story]:
    parsed = parse_channel(
        (PAGES / "security_media.html").read_bytes(), feed_id="smc", username=USER
    )
    return {s.key: s for s in parsed.stories}


def test_the_page_title_and_every_post_in_order() -> None:
    page = read_channel_page((PAGES / "security_media.html").read_bytes())
    assert page.is_preview
    assert page.title == "خلية الإعلام الأمني"
    ids = [p.post_id for p in page.posts]
    assert ids == [1, 4101, 4102, 4103, 4104, 4106, 4107, 4108, 4109, 4110]


def test_stories_newest_first_without_service_or_empty_posts() -> None:
    parsed = parse_channel(
        (PAGES / "security_media.html").read_bytes(), feed_id="smc", username=USER
    )
    assert parsed.warning is None
    assert parsed.title == "خلية الإعلام الأمني"
    # 1 and 4107 are service messages (created, pinned); 4108 has neither text nor media
    assert [s.key for s in parsed.stories] == [
        f"{USER}/{n}" for n in (4110, 4109, 4106, 4104, 4103, 4102, 4101)
    ]
    assert all(s.feed_id == "smc" for s in parsed.stories)


def test_text_keeps_line_breaks_links_hashtags_and_emoji() -> None:
    story = fixture_stories()[f"{USER}/4101"]
    assert story.title == "عاجل 🚨"
    # the title is the first line; the summary goes on from the next one
    assert story.summary == (
        "قيادة العمليات المشتركة: إحباط هجوم لعصابات #داعش الإرهابية "
        "قرب قاعدة عين الأسد في الأنبار\n"
        "التفاصيل على الموقع: www.example.iq/news/4101"
    )
    assert story.link == f"https://t.me/{USER}/4101"
    assert story.published == datetime(2026, 12, 6, 6, 41, 12, tzinfo=UTC)


def test_forwarded_post_names_its_source_and_notes_the_photo() -> None:
    post = fixture_posts()[4102]
    assert post.forwarded_from == "قيادة العمليات المشتركة"
    assert post.photos == 1
    story = fixture_stories()[f"{USER}/4102"]
    assert story.title == "بيان: القوات الأمنية تعتقل 3 إرهابيين في كركوك"
    assert story.summary == "🔁 قيادة العمليات المشتركة:\n📷"


def test_reply_context_is_noted_and_is_not_the_posts_text() -> None:
    post = fixture_posts()[4103]
    assert post.text == "تحديث: مقتل انتحاريين اثنين وإصابة جندي"
    assert post.reply_to == (
        "خلية الإعلام الأمني: عاجل 🚨 قيادة العمليات المشتركة: إحباط هجوم لعصابات #داعش"
    )
    story = fixture_stories()[f"{USER}/4103"]
    assert story.title == "تحديث: مقتل انتحاريين اثنين وإصابة جندي"
    assert story.summary.splitlines()[0].startswith("↩️ خلية الإعلام الأمني: عاجل")


def test_edited_marker_is_read_and_the_key_does_not_depend_on_it() -> None:
    posts = fixture_posts()
    assert posts[4103].edited
    assert not posts[4101].edited
    assert not posts[4106].edited  # a signature in the meta is not "edited"
    before = render_channel_page(USER, "قناة", [Post(7, "نص أول")])
    after = render_channel_page(USER, "قناة", [Post(7, "نص أول مع تصحيح", edited=True)])
    keys = [parse_channel(b, feed_id="f", username=USER).stories[0].key for b in (before, after)]
    assert keys == [f"{USER}/7", f"{USER}/7"]


def test_photo_only_album_and_video_posts() -> None:
    posts, stories = fixture_posts(), fixture_stories()
    assert posts[4104].photos == 2 and posts[4104].text == ""
    assert (stories[f"{USER}/4104"].title, stories[f"{USER}/4104"].summary) == ("📷", "📷")
    assert posts[4106].videos == 1
    assert stories[f"{USER}/4106"].title == "مشاهد من عملية تفتيش في صحراء الرطبة 🇮🇶"
    assert stories[f"{USER}/4106"].summary == "🎥"


def test_service_and_empty_posts_are_read_but_make_no_story() -> None:
    posts = fixture_posts()
    assert posts[1].service and posts[4107].service
    assert posts[4107].text == "خلية الإعلام الأمني pinned «بيان: القوات الأمنية»"
    assert posts[4108].text == "" and not posts[4108].service
    assert {f"{USER}/1", f"{USER}/4107", f"{USER}/4108"}.isdisjoint(fixture_stories())


def test_dates_in_other_offsets_become_utc() -> None:
    story = fixture_stories()[f"{USER}/4109"]
    assert story.published == datetime(2026, 12, 6, 7, 45, tzinfo=UTC)
    assert story.title == "Joint Operations Command: 🇮🇶 ISIS cell dismantled in Anbar 💥"
    assert story.summary == "Second line with code"


@pytest.mark.parametrize(
    ("page", "title"),
    [
        pytest.param("no_preview.html", None, id="channel-without-preview"),
        pytest.param("empty_channel.html", "قناة جديدة", id="empty-channel"),
    ],
)
def test_pages_without_posts(page: str, title: str | None) -> None:
    parsed = parse_channel((PAGES / page).read_bytes(), feed_id="f", username="private_news_test")
    assert parsed.stories == []
    assert parsed.title == title
    # a page that is no preview is unreadable (the poll fails); an empty channel is fine
    assert (parsed.warning is not None) == (title is None)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"<?xml version='1.0'?><rss><channel></channel></rss>", id="rss"),
        pytest.param(b"\xff\xfe\x00garbage\x00", id="garbage"),
        pytest.param(b"<html><body><h1>502 Bad Gateway</h1></body></html>", id="error-page"),
    ],
)
def test_what_is_not_a_preview_page(body: bytes) -> None:
    parsed = parse_channel(body, feed_id="f", username=USER)
    assert (parsed.title, parsed.stories) == (None, [])
    assert parsed.warning is not None and "not a Telegram channel preview" in parsed.warning


def test_rtl_text_with_links_and_br_in_the_raw_markup() -> None:
    html = (
        "وزارة الدفاع السورية:<br>"
        '<a href="https://sana.example/ar/?p=1&amp;x=2" target="_blank">انفجار</a> في ريف '
        "<b>دير الزور</b>\u200f<br/>"
        "<br/><br/><br/>"
        '<i class="emoji" style="background-image:url(\'//telegram.org/img/emoji/40/E29AA0.png\')">'
        "<b>⚠️</b></i> تحديث لاحق"
    )
    page = render_channel_page(USER, "قناة", [Post(9, raw_text_html=html)])
    story = parse_channel(page, feed_id="f", username=USER).stories[0]
    assert story.title == "وزارة الدفاع السورية:"
    # blank lines collapse to one; the right-to-left mark is kept
    assert story.summary == "انفجار في ريف دير الزور\u200f\n\n⚠️ تحديث لاحق"


def test_hostile_huge_post_is_capped() -> None:
    huge = "داعش " * 60_000
    page = render_channel_page(USER, "قناة", [Post(5, huge)])
    story = parse_channel(page, feed_id="f", username=USER).stories[0]
    assert len(story.title) <= TITLE_CHARS
    # a title cut short leaves the whole text to the summary
    assert story.title.endswith("…") and story.summary.startswith(story.title[:-1])
    assert len(story.summary) <= MAX_SUMMARY_CHARS
    assert story.summary.endswith("…")


def test_hostile_nul_and_controls_are_removed() -> None:
    page = render_channel_page(USER, "قناة\x00", [Post(6, raw_text_html="خبر\x00 عاجل\x07\x1b")])
    parsed = parse_channel(page, feed_id="f", username=USER)
    story = parsed.stories[0]
    assert "\x00" not in story.summary + story.title
    assert story.title == "خبر عاجل"


def test_hostile_post_ids_dates_and_other_channels() -> None:
    page = render_channel_page(USER, "قناة", [Post(3, "صحيح"), Post(4, "من قناة أخرى")])
    page = page.replace(f'data-post="{USER}/4"'.encode(), b'data-post="other_channel/4"')
    page = page.replace(b'datetime="2026', b'datetime="not-a-date', 1)
    page += b'<div class="tgme_widget_message" data-post="../../etc/passwd">x</div>'
    parsed = parse_channel(page, feed_id="f", username=USER)
    assert [s.key for s in parsed.stories] == [f"{USER}/3"]
    assert parsed.stories[0].published is None
    assert parsed.warning == "1 posts of other channels left out"


def test_username_case_does_not_matter_and_links_use_the_pages_case() -> None:
    page = render_channel_page("SecurityMedia", "قناة", [Post(11, "نص")])
    story = parse_channel(page, feed_id="f", username="securitymedia").stories[0]
    assert story.key == "securitymedia/11"
    assert story.link == "https://t.me/SecurityMedia/11"


def test_a_page_of_thousands_of_posts_is_cut() -> None:
    page = render_channel_page(USER, "قناة", [Post(n, f"خبر {n}") for n in range(1, 400)])
    assert len(read_channel_page(page).posts) == MAX_POSTS


def test_a_bare_link_is_titled_by_its_preview() -> None:
    post = fixture_posts()[4110]
    assert post.link_preview == (
        "شفق نيوز: مقتل جنديين بهجوم لداعش في كركوك — "
        "شن مسلحون من داعش هجوماً على نقطة للجيش جنوب غربي كركوك."
    )
    story = fixture_stories()[f"{USER}/4110"]
    assert story.title.startswith("شفق نيوز: مقتل جنديين بهجوم لداعش في كركوك")
    assert story.summary == f"🔗 {post.link_preview}"


def test_a_link_preview_under_text_goes_to_the_end_of_the_summary() -> None:
    preview = ("رووداو", "اشتباكات في سنجار", "تفاصيل الاشتباكات")
    page = render_channel_page(USER, "قناة", [Post(12, "عاجل\nاشتباكات", link_preview=preview)])
    story = parse_channel(page, feed_id="f", username=USER).stories[0]
    assert (story.title, story.summary) == (
        "عاجل",
        "اشتباكات\n🔗 رووداو: اشتباكات في سنجار — تفاصيل الاشتباكات",
    )
