"""A huge story never holds up anyone else, and every alert fits Telegram's limit (issue 11).

A real `postbot run` polls two feeds from the feed server and sends through the Bot API double,
which refuses any message over 4096 visible characters as Telegram does.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from support.botapi import BotApiDouble, utf16_len
from support.feedserver import FeedItem, FeedServer
from support.process import BotProcess, alerts, bot_process, seed_chats, write_config

pytestmark = pytest.mark.e2e

BIG_READER = 7301
OTHER_READER = 7302
LONG_READER = 7303

_SENTENCE = (
    "قال مسؤول أمني إن عناصر داعش هاجموا موقعاً قرب قاعدة عين الأسد في الأنبار، "
    "وإن قوات التحالف ردت على الهجوم بنحو 250 جندياً و300 مستشار. "
)


def big_item(kb: int) -> FeedItem:
    """An item of about `kb` KB whose every sentence matches «داعش»."""
    text = _SENTENCE * (kb * 1024 // len(_SENTENCE.encode()) + 1)
    return FeedItem(
        title="داعش " * 400 + "عنوان طويل جداً",
        link="https://big.example/huge",
        description=text,
        guid="huge-1",
    )


OIL = FeedItem(
    "أسعار النفط ترتفع في الأسواق",
    "https://news.example/oil",
    "ارتفعت أسعار النفط اليوم بعد قرار المنتجين خفض الإنتاج.",
    guid="oil-1",
)


OIL_TODAY = FeedItem(
    "النفط يواصل الارتفاع لليوم الثاني",
    "https://big.example/oil-2",
    "واصلت أسعار النفط ارتفاعها اليوم في الأسواق العالمية.",
    guid="oil-2",
)


@pytest.fixture
def config(tmp_path: Path, feeds: FeedServer) -> Path:
    feeds.set_feed("/big.xml", [OIL], title="وكالة كبيرة")  # a backlog item, never alerted
    return write_config(
        tmp_path / "postbot.yaml",
        [
            ("testnews", "وكالة الاختبار", feeds.url("/news.xml")),
            ("bignews", "وكالة كبيرة", feeds.url("/big.xml")),
        ],
    )


def test_a_600kb_item_does_not_delay_an_unrelated_alert(
    bot: BotProcess, double: BotApiDouble, feeds: FeedServer
) -> None:
    seed_chats(bot, [BIG_READER], watches=["داعش", "عين الأسد", "الأنبار", "التحالف", "قوات"])
    seed_chats(bot, [OTHER_READER], watches=["النفط"])
    # in one feed, so that both alerts are queued by one poll and claimed together
    feeds.add_item("/big.xml", big_item(600))
    feeds.add_item("/big.xml", OIL_TODAY)
    started = time.monotonic()
    bot.poll_now()
    other = double.wait_for(lambda d: alerts(d, OTHER_READER), timeout=60, what="oil alert")[0]
    big = double.wait_for(lambda d: alerts(d, BIG_READER), timeout=60, what="big alert")[0]
    delay = other.time - started
    late = big.time - started
    print(f"unrelated alert {delay:.2f} s after the poll was due; big alert {late:.2f} s")
    # generous: the scheduler looks every second, fetch, parse and store take about one more;
    # measured 1.2 s here, and 7.2 s before summaries were linear and rendering left the claim
    # (the unrelated alert waited for the big one to render)
    assert delay < 5.0
    assert utf16_len(big.text) <= 4096 and big.parse_mode == "HTML"
    assert "داعش" in big.text.split("\n", 2)[2]  # a summary, not just the title
    assert big.text.endswith("اقرأ الخبر")
    assert double.stats()["rejected_400"] == 0


def test_thirty_long_watches_fit_one_alert(
    bot: BotProcess, double: BotApiDouble, feeds: FeedServer
) -> None:
    # 30 watches of about 140 characters each that all match: a header of over 4,000
    # characters before headers had a budget (phrases of at most 8 words: the query limits)
    watches = [
        f'داعش OR "عبارة طويلة رقم {i} عن موضوع آخر تماماً" OR "لا علاقة له بالخبر ولا يرد '
        f'في نصه" OR "مهما طال الزمن واختلفت الظروف والأحوال والأماكن"'
        for i in range(30)
    ]
    assert all(120 <= len(q) <= 200 for q in watches)
    seed_chats(bot, [LONG_READER], watches=watches)
    feeds.add_item(
        "/news.xml",
        FeedItem(
            "داعش يهاجم قاعدة عين الأسد في الأنبار " * 20,
            "https://news.example/long?" + "x=1&" * 50,
            " ".join(f"نشر التحالف {n} جندي أمريكي في قاعدة عين الأسد." for n in range(100, 180)),
            guid="long-1",
        ),
    )
    bot.poll_now()
    alert = double.wait_for(lambda d: alerts(d, LONG_READER), timeout=30, what="alert")[0]
    assert utf16_len(alert.text) <= 4096
    assert alert.parse_mode == "HTML"  # the full rendering passed: no fallback was needed
    header = alert.text.split("\n")[0]
    assert "…+" in header
    shown = header.count("«")
    assert shown + int(header.rsplit("…+", 1)[1]) == 30
    link = next(e for e in alert.entities if e["type"] == "text_link")
    assert link["url"] == "https://news.example/long?" + "x=1&" * 50
    assert double.stats()["rejected_400"] == 0


def _raw_rss(items: list[str]) -> bytes:
    body = "".join(f"<item>{item}</item>" for item in items)
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>وكالة\x00 الاختبار</title>{body}</channel></rss>"
    ).encode()


HOSTILE_ITEMS = [
    "<title>داعش\x00 يهاجم نقطة</title><guid>nul-title</guid><link>https://news.example/1</link>",
    "<title>داعش يهاجم جسراً</title><link>https://news.example/2\x00x</link>",
    "<title>داعش يهاجم قرية</title><guid>nul\x00guid</guid><link>https://news.example/3</link>",
    "<title>داعش يهاجم حاجزاً</title><guid>ctl</guid><link>https://news.example/4</link>"
    "<description>نص\x01\x02\x1b[0m فيه\x7f محارف تحكم\x0b.</description>",
    "<title>داعش &#xD800; &#0; يهاجم سوقاً</title><guid>refs</guid>"
    "<link>https://news.example/5</link>",
    f"<title>داعش يهاجم مطاراً</title><guid>{'غ' * 3000}</guid><link>https://news.example/6</link>",
    "<title>داعش يهاجم مركزاً</title><guid>good</guid><link>https://news.example/7</link>",
]


def test_nul_bytes_and_controls_lose_nothing_on_postgresql(
    tmp_path: Path, double: BotApiDouble, feeds: FeedServer, pg_url: str
) -> None:
    feeds.set_raw("/news.xml", _raw_rss([HOSTILE_ITEMS[-1].replace("good", "backlog")]))
    config = write_config(
        tmp_path / "postbot.yaml", [("testnews", "وكالة الاختبار", feeds.url("/news.xml"))]
    )
    run = bot_process(tmp_path, double.url, config, database_url=pg_url)
    run.start()
    try:
        run.wait_first_poll(timeout=30)
        seed_chats(run, [BIG_READER], watches=["داعش"])
        feeds.set_raw("/news.xml", _raw_rss(HOSTILE_ITEMS))
        run.poll_now()
        got = double.wait_for(
            lambda d: len(alerts(d, BIG_READER)) >= len(HOSTILE_ITEMS),
            timeout=45,
            what="an alert per item",
        )
        assert got
        texts = [a.text for a in alerts(double, BIG_READER)]
        for word in ("نقطة", "جسراً", "قرية", "حاجزاً", "سوقاً", "مطاراً", "مركزاً"):
            assert sum(word in t for t in texts) == 1, word
        assert all("\x00" not in t for t in texts)
    finally:
        run.stop()
    logs = run.logs()
    assert "Traceback" not in logs
    assert "poll failed" not in logs
    assert "story skipped" not in logs  # cleaned at parse time: the database refused nothing
