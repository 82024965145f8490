"""Public Telegram channels as sources: a real `postbot run` with two channels and two RSS feeds.

The channels' preview pages are served from 127.0.0.1 (POSTBOT_TELEGRAM_PREVIEW_URL points
there), in the structure t.me/s/<username> has; Telegram itself is never fetched.
"""

from __future__ import annotations

import datetime as dtm
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from doubles.channelpage import Post, render_channel_page
from support.botapi import BotApiDouble
from support.databases import SqliteTemplate
from support.feedserver import FeedItem, FeedServer
from support.process import TOKEN, BotProcess, alerts, bot_process, query_db, seed_chats, wait_db

pytestmark = pytest.mark.e2e

USER = 515151
HTML = {"Content-Type": "text/html; charset=utf-8"}
SMC = ("tg_smc", "خلية الإعلام الأمني", "SecurityMedia_Test")
KURD = ("tg_kurd", "كردستان الآن", "kurdistan_now_test")
T0 = dtm.datetime(2026, 12, 6, 6, 0, tzinfo=dtm.UTC)

SMC_BACKLOG = Post(100, "داعش: خبر قديم عن هجوم سابق في الرطبة", when=T0)
KURD_BACKLOG = Post(7, "طقس معتدل في أربيل اليوم", when=T0)
SMC_NEW = Post(
    101,
    "عاجل: إحباط هجوم لداعش على نقطة عسكرية في قضاء حديثة\n"
    "قيادة العمليات: مقتل ثلاثة انتحاريين قبل وصولهم إلى الهدف",
    when=T0 + dtm.timedelta(minutes=31),
    photos=1,
)
KURD_NEW = Post(
    8,
    "الأسايش تعتقل خلية نائمة لتنظيم داعش في قرية قرب مخمور\nبينهم مسؤول التمويل",
    when=T0 + dtm.timedelta(minutes=45),
    forwarded_from="مديرية أسايش أربيل",
)
RSS_ONE = FeedItem(
    title="مجلس الأمن يناقش تمديد ولاية البعثة الأممية في العراق وداعش",
    link="https://news.example/unami-mandate",
    description="ناقش مجلس الأمن مستقبل البعثة الأممية ومخاطر عودة داعش في نيويورك.",
    guid="unami",
)
RSS_TWO = FeedItem(
    title="الجيش السوري يعلن ضبط مستودع أسلحة لداعش في البادية قرب تدمر",
    link="https://other.example/palmyra-cache",
    description="أعلنت وزارة الدفاع السورية ضبط مستودع أسلحة وذخائر في بادية تدمر.",
    guid="palmyra",
)


def _page(channel: tuple[str, str, str], posts: list[Post]) -> bytes:
    return render_channel_page(channel[2], channel[1], posts)


@pytest.fixture
def config(tmp_path: Path, feeds: FeedServer) -> Path:
    """Two RSS feeds and two Telegram channels (one written as a t.me link)."""
    feeds.set_feed("/second.xml", [], title="وكالة ثانية")
    root = Path(__file__).resolve().parent.parent.parent
    yaml = YAML()
    data = yaml.load((root / "config" / "postbot.yaml").read_text(encoding="utf-8"))
    data["admins"] = []
    data["defaults"] = {"interval": "10s"}
    data["feeds"] = [
        {"id": "testnews", "name": "وكالة الاختبار", "url": feeds.url("/news.xml")},
        {"id": "second", "name": "وكالة ثانية", "url": feeds.url("/second.xml")},
        {"id": SMC[0], "name": SMC[1], "telegram": f"@{SMC[2]}"},
        {"id": KURD[0], "name": KURD[1], "telegram": f"https://t.me/s/{KURD[2]}"},
    ]
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    path = tmp_path / "postbot.yaml"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


@pytest.fixture
def bot(
    tmp_path: Path,
    double: BotApiDouble,
    config: Path,
    feeds: FeedServer,
    sqlite_template: SqliteTemplate,
) -> Iterator[BotProcess]:
    feeds.set_raw(f"/tg/{SMC[2]}", _page(SMC, [SMC_BACKLOG]), headers=HTML)
    feeds.set_raw(f"/tg/{KURD[2]}", _page(KURD, [KURD_BACKLOG]), headers=HTML)
    sqlite_template.file_url(tmp_path / "postbot.db")
    env = {"POSTBOT_TELEGRAM_PREVIEW_URL": feeds.url("/tg")}
    process = bot_process(tmp_path, double.url, config, env=env).start()
    try:
        double.wait_for(lambda d: d.active_polls > 0, timeout=30, what="bot long-polls")
        process.wait_first_poll(20)
        seed_chats(process, [USER], watches=["داعش"])
        yield process
    finally:
        if process.alive():
            process.stop()
        logs = process.logs()
        assert TOKEN not in logs
        assert not re.search(r"Traceback", logs), logs[-4000:]


def _alert_with(double: BotApiDouble, link: str) -> list[str]:
    return [a.html for a in alerts(double, USER) if f'href="{link}"' in a.html]


def test_channels_and_feeds_alert_alike_and_only_new_posts(
    bot: BotProcess, double: BotApiDouble, feeds: FeedServer
) -> None:
    # the first poll recorded every source's backlog (the channels' too) without alerting
    stored = query_db(bot, "SELECT feed_id, key FROM story ORDER BY feed_id")
    assert (SMC[0], f"{SMC[2].lower()}/100") in [tuple(r) for r in stored]
    assert (KURD[0], f"{KURD[2]}/7") in [tuple(r) for r in stored]

    feeds.set_raw(f"/tg/{SMC[2]}", _page(SMC, [SMC_BACKLOG, SMC_NEW]), headers=HTML)
    feeds.set_raw(f"/tg/{KURD[2]}", _page(KURD, [KURD_BACKLOG, KURD_NEW]), headers=HTML)
    feeds.add_item("/news.xml", RSS_ONE)
    feeds.add_item("/second.xml", RSS_TWO)
    bot.poll_now()
    links = {
        SMC[1]: f"https://t.me/{SMC[2]}/101",
        KURD[1]: f"https://t.me/{KURD[2]}/8",
        "وكالة الاختبار": RSS_ONE.link,
        "وكالة ثانية": RSS_TWO.link,
    }
    double.wait_for(lambda d: len(alerts(d, USER)) >= 4, timeout=30, what="four alerts")
    for source, link in links.items():
        found = _alert_with(double, link)
        assert len(found) == 1, (source, [a.html for a in alerts(double, USER)])
        assert f"المصدر: {source}" in found[0]  # a channel's alert names the channel
    smc_alert = _alert_with(double, links[SMC[1]])[0]
    assert "إحباط هجوم لداعش على نقطة عسكرية في قضاء حديثة" in smc_alert
    assert "قديم" not in "".join(a.html for a in alerts(double, USER))  # no backlog alerted
    # links and dates as the posts carry them
    rows = query_db(
        bot,
        "SELECT link, published FROM story WHERE feed_id IN (:a, :b) ORDER BY link",
        a=SMC[0],
        b=KURD[0],
    )
    published = {link: _utc(when) for link, when in rows}
    assert published[links[SMC[1]]] == SMC_NEW.when
    assert published[links[KURD[1]]] == KURD_NEW.when
    assert published[f"https://t.me/{SMC[2]}/100"] == T0

    # the next poll: post 101 edited, the backlog post deleted, one new post
    edited = Post(101, SMC_NEW.text + "\nتحديث: إصابة جنديين", when=SMC_NEW.when, edited=True)
    newest = Post(102, "تفكيك عبوة ناسفة لداعش على طريق القائم", when=SMC_NEW.when)
    feeds.set_raw(f"/tg/{SMC[2]}", _page(SMC, [edited, newest]), headers=HTML)
    hits = feeds.hits(f"/tg/{SMC[2]}")
    bot.poll_now()
    feeds.wait_for_hits(f"/tg/{SMC[2]}", hits + 1, timeout=15)
    double.wait_for(
        lambda d: _alert_with(d, f"https://t.me/{SMC[2]}/102"), timeout=20, what="new post"
    )
    assert len(_alert_with(double, links[SMC[1]])) == 1  # the edit made no second alert
    assert len(alerts(double, USER)) == 5
    feed_rows = wait_db(
        bot,
        "SELECT consecutive_errors, last_error FROM feed WHERE id = :f",
        lambda rows: rows == [(0, None)],
        f=SMC[0],
        what="a deleted post is no error",
    )
    assert feed_rows == [(0, None)]
    count = query_db(bot, "SELECT count(*) FROM story WHERE feed_id = :f", f=SMC[0])
    assert count == [(3,)]  # 100 (deleted since, kept), 101 (edited, one story), 102


def test_a_channel_without_a_preview_page_fails_like_a_broken_feed(
    bot: BotProcess, feeds: FeedServer
) -> None:
    gone = b'<html><body><div class="tgme_page"><div class="tgme_page_title">x</div></div></body>'
    feeds.set_raw(f"/tg/{KURD[2]}", gone + b"</html>", headers=HTML)
    bot.poll_now()
    rows = wait_db(
        bot,
        "SELECT consecutive_errors, last_error FROM feed WHERE id = :f",
        lambda rows: bool(rows) and rows[0][0] >= 1,
        f=KURD[0],
        what="the channel's poll failed",
    )
    assert "not a Telegram channel preview page" in rows[0][1]
    assert query_db(bot, "SELECT consecutive_errors FROM feed WHERE id = :f", f=SMC[0]) == [(0,)]


def _utc(value: object) -> dtm.datetime:
    """A stored timestamp (SQLite gives text or a naive datetime) as an aware UTC datetime."""
    when = value if isinstance(value, dtm.datetime) else dtm.datetime.fromisoformat(str(value))
    return when.replace(tzinfo=dtm.UTC) if when.tzinfo is None else when.astimezone(dtm.UTC)
