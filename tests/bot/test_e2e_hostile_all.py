"""Everything hostile at once (issue 11): one real `postbot run`, in webhook mode on PostgreSQL.

While a real process runs, it is attacked from every side in the same minute: feeds answering a
gzip bomb and a stacked-encoding bomb, a 600 KB matching item, a feed whose items carry NUL bytes
and control characters, a chat flooding commands, forged buttons and odd digits from another
chat, and forged webhook POSTs without the secret. An unrelated reader's alert must still
arrive on time, every good story must still be alerted, the process must stay small, and its log
must hold no traceback.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from support.botapi import BotApiDouble, utf16_len
from support.feedserver import FeedItem, FeedServer, gzip_stream, zeros_bomb
from support.process import (
    ADMIN_ID,
    alerts,
    bot_process,
    free_port,
    query_db,
    seed_chats,
    write_config,
)
from support.webhook import SECRET_HEADER, command_update, post_update

pytestmark = pytest.mark.e2e

READER = 7801  # follows oil prices: touched by no attack
ISIS_READER = 7802  # follows «داعش»: the huge item and the NUL feed's stories match it
FLOODER = 7803
FORGER = 7804

_SENTENCE = (
    "قال مصدر أمني إن خلايا داعش نصبت كميناً لرتل على طريق قرب الرطبة غرب الأنبار، "
    "وإن القوات ردت على مصادر النيران. "
)


def _huge_item() -> FeedItem:
    """About 600 KB of text in which every sentence matches «داعش»."""
    return FeedItem(
        title="داعش " * 300 + "كمين على طريق الرطبة",
        link="https://huge.example/ambush",
        description=_SENTENCE * (600 * 1024 // len(_SENTENCE.encode()) + 1),
        guid="huge-ambush",
    )


def _raw_rss(items: list[str]) -> bytes:
    body = "".join(f"<item>{item}</item>" for item in items)
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>وكالة\x00 الحدود</title>{body}</channel></rss>"
    ).encode()


# each a class of bad text: NUL in a field, controls, a forbidden character reference
NUL_ITEMS = [
    "<title>داعش\x00 يستهدف برج اتصالات</title><guid>n-1</guid><link>https://b.example/1</link>",
    "<title>داعش يفجر عبوة قرب سيطرة</title><link>https://b.example/2\x00?x</link>",
    "<title>داعش يخطف راعياً</title><guid>n\x003</guid><link>https://b.example/3</link>",
    "<title>داعش يحرق محصولاً\x1b[31m</title><guid>n-4</guid><link>https://b.example/4</link>"
    "<description>نص\x02 فيه\x7f محارف\x0c تحكم.</description>",
    "<title>داعش &#0; &#xDFFF; يهاجم مخفراً</title><guid>n-5</guid><link>https://b.example/5</link>",
]
NUL_WORDS = ["برج", "سيطرة", "راعياً", "محصولاً", "مخفراً"]


def _forged_post(url: str, update_id: int, chat_id: int, text: str, secret: str | None) -> int:
    """POST a message update to the webhook with (or without) a secret header; the status."""
    body = command_update(update_id, chat_id, text, message_id=50_000 + update_id)
    return post_update(url, body, {SECRET_HEADER: secret} if secret is not None else {})


def _peak_rss_mb(pid: int) -> float:
    """The process's peak resident set (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


def test_every_attack_at_once_stops_nothing(
    tmp_path: Path, double: BotApiDouble, feeds: FeedServer, pg_url: str
) -> None:
    backlog = FeedItem("خبر قديم", "https://old.example/1", "نص قديم.", guid="old-1")
    for path in ("/news.xml", "/gzbomb.xml", "/stacked.xml", "/huge.xml"):
        feeds.set_feed(path, [backlog])
    feeds.set_raw("/nul.xml", _raw_rss(["<title>قديم</title><guid>old</guid>"]))
    config = write_config(
        tmp_path / "postbot.yaml",
        [
            ("news", "وكالة الأخبار", feeds.url("/news.xml")),
            ("gzbomb", "قنبلة", feeds.url("/gzbomb.xml")),
            ("stacked", "طبقات", feeds.url("/stacked.xml")),
            ("huge", "وكالة ضخمة", feeds.url("/huge.xml")),
            ("nul", "وكالة الحدود", feeds.url("/nul.xml")),
        ],
    )
    port = free_port()
    hook = f"http://127.0.0.1:{port}/hook"
    run = bot_process(
        tmp_path,
        double.url,
        config,
        database_url=pg_url,
        extra_args=["--webhook-url", hook, "--listen", "127.0.0.1", "--port", str(port)],
    ).start()
    try:
        run.wait_first_poll(timeout=45)
        call = double.wait_for(
            lambda d: next((c for c in d.calls if c.method == "setWebhook"), None),
            timeout=15,
            what="setWebhook",
        )
        secret = str(call.params["secret_token"])
        seed_chats(run, [READER], watches=["النفط"])
        seed_chats(run, [ISIS_READER], watches=["داعش"])
        seed_chats(run, [FORGER], watches=["الفلوجة"])
        forger_watch = query_db(run, "SELECT id FROM watch WHERE chat_id = :c", c=FORGER)[0][0]

        # the hostile feeds: 1 GiB of zeros in a few KB, the same stacked twice, a huge item,
        # NUL bytes and controls beside good stories
        feeds.set_stream(
            "/gzbomb.xml",
            lambda: zeros_bomb(1024, "gzip"),
            {"Content-Type": "application/rss+xml", "Content-Encoding": "gzip"},
            chunked=True,
        )
        feeds.set_stream(
            "/stacked.xml",
            lambda: gzip_stream(zeros_bomb(1024, "gzip")),
            {"Content-Type": "application/rss+xml", "Content-Encoding": "gzip, gzip"},
        )
        feeds.add_item("/huge.xml", _huge_item())
        feeds.set_raw("/nul.xml", _raw_rss(NUL_ITEMS))

        # a chat flooding commands, through the webhook as Telegram would deliver them
        for i in range(150):
            double.user_message(FLOODER, "/help" if i % 2 else "/watches")
        # odd digits and forged buttons from another chat
        for text in ("/unwatch ²", "/unwatch ①", "/unwatch " + "9" * 40, "/unwatch -1"):
            double.user_message(FORGER, text)
        double.wait_for(lambda d: d.messages(FORGER), timeout=30, what="the forger's replies")
        message_id = double.messages(FORGER)[-1].message_id
        for data in (
            "unwatch:" + "9" * 20,
            "unwatch:",
            "mw:-5",
            "st:" + "x" * 60,
            "topic:../../etc",
            "\x00\x01",
        ):
            double.press_button(FORGER, message_id, data, forged=True)
        # forged updates straight to the webhook, without the secret or with a wrong one
        for i, wrong in enumerate((None, "", secret.upper(), secret[:-1])):
            for chat_id, text in ((READER, "/stop"), (ADMIN_ID, "/reload")):
                status = _forged_post(hook, 900_000 + 2 * i + chat_id, chat_id, text, wrong)
                assert status == 403, (wrong, text, status)

        # the unrelated story, published while all of that is going on
        feeds.add_item(
            "/news.xml",
            FeedItem(
                "أسعار النفط ترتفع بعد قرار خفض الإنتاج",
                "https://news.example/oil-up",
                "ارتفعت أسعار النفط في الأسواق العالمية اليوم.",
                guid="oil-up",
            ),
        )
        started = time.monotonic()
        run.poll_now()
        oil = double.wait_for(lambda d: alerts(d, READER), timeout=60, what="the oil alert")[0]
        delay = oil.time - started
        print(f"\nunrelated alert {delay:.2f} s after its feed was due, under every attack")
        assert delay < 10.0, f"the unrelated alert took {delay:.1f} s"

        # every good story of the hostile feeds is alerted, cleaned, within Telegram's limit
        double.wait_for(
            lambda d: len(alerts(d, ISIS_READER)) >= len(NUL_ITEMS) + 1,
            timeout=90,
            what="the NUL feed's stories and the huge item",
        )
        texts = [a.text for a in alerts(double, ISIS_READER)]
        for word in NUL_WORDS:
            assert sum(word in t for t in texts) == 1, word
        assert sum("الرطبة" in t for t in texts) == 1
        assert all("\x00" not in t and utf16_len(t) <= 4096 for t in texts)

        # the bombs were refused as failing feeds, not inflated
        failing = query_db(run, "SELECT id FROM feed WHERE consecutive_errors > 0 ORDER BY id")
        assert [r[0] for r in failing] == ["gzbomb", "stacked"]
        peak = _peak_rss_mb(run.proc.pid if run.proc else 0)
        print(f"peak RSS of postbot run: {peak:.0f} MB")
        assert peak < 400, f"peak RSS {peak:.0f} MB"

        # nothing forged took effect; the reader is still subscribed, the forger keeps his watch
        assert query_db(run, "SELECT active FROM chat WHERE id = :c", c=READER) == [(True,)]
        ids = query_db(run, "SELECT id FROM watch WHERE chat_id = :c", c=FORGER)
        assert [r[0] for r in ids] == [forger_watch]
        # and the bot still answers a real user at once
        before = len(double.messages(READER))
        asked = time.monotonic()
        double.user_message(READER, "/help")
        double.wait_for(
            lambda d: len(d.messages(READER)) > before, timeout=20, what="/help answered"
        )
        assert time.monotonic() - asked < 10.0
    finally:
        code = run.stop(timeout=20)
    logs = run.logs()
    assert code == 0, logs[-3000:]
    assert "Traceback" not in logs, logs[-5000:]
    assert double.stats()["rejected_400"] == 0
