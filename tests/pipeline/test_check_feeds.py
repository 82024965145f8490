"""`postbot check-feeds` against a loopback feed server: every kind of source gets its verdict."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from doubles.channelpage import Post, render_channel_page
from postbot.cli import main
from postbot.feeds.fetch import FetchResult, make_client
from postbot.feeds.parse import ParsedFeed
from postbot.feeds.story import Story
from postbot.pipeline.check import (
    FAILING,
    Checker,
    CheckSource,
    encoding_of,
    format_age,
    judge,
    parse_rss,
    websub_hub,
)
from support.feedserver import FeedItem, FeedServer, render_rss

NOW = datetime.now(UTC)
HUB_ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>Hubbed</title>
<link>https://example.org/</link>
<atom:link rel="hub" href="https://pubsubhubbub.appspot.com/"/>
<atom:link rel="self" href="https://example.org/feed"/>
<item><title>Fresh one</title><link>https://example.org/1</link><guid>g1</guid>
<pubDate>%s</pubDate></item></channel></rss>"""
EMPTY = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Nothing yet</title><link>https://example.org/</link>
</channel></rss>"""
HTML = b"<!DOCTYPE html><html><head><title>Welcome</title></head><body><p>News</p></body></html>"


def _items(age: timedelta, n: int = 3) -> list[FeedItem]:
    return [
        FeedItem(f"item {i}", f"https://example.org/{i}", "text", f"g{i}", NOW - age - timedelta(i))
        for i in range(n)
    ]


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as feeds:
        stamp = NOW.strftime("%a, %d %b %Y %H:%M:%S +0000").encode()
        rss = {"Content-Type": "application/rss+xml"}
        feeds.set_raw("/good.xml", HUB_ATOM % stamp, headers=rss)
        body = render_rss(_items(timedelta(hours=2)), title="t", link="", encoding="windows-1256")
        hub = '<https://hub.example/>; rel="hub", <https://example.org/feed>; rel="self"'
        feeds.reply("/linkhub.xml", body, headers={"Link": hub, "Content-Type": "text/xml"})
        feeds.set_raw("/empty.xml", EMPTY, headers={"Content-Type": "application/xml"})
        feeds.set_feed("/stale.xml", _items(timedelta(days=10)))
        feeds.redirect("/moved.xml", "/linkhub.xml", status=301)
        feeds.set_status("/gone.xml", 404)
        feeds.set_raw("/page.html", HTML, headers={"Content-Type": "text/html; charset=utf-8"})
        feeds.set_feed("/slow.xml", _items(timedelta(hours=1)))
        feeds.hang("/slow.xml", 5.0)
        feeds.set_status("/off.xml", 500)
        yield feeds
        feeds.hang("/slow.xml", 0)


def _config(tmp_path: Path, server: FeedServer, names: list[str]) -> Path:
    lines = ["feeds:"]
    for name in names:
        enabled = "false" if name == "off" else "true"
        path = "page.html" if name == "page" else f"{name}.xml"
        lines += [
            f"  - id: {name}",
            f"    name: {name.title()}",
            f"    url: {server.url(path)}",
            f"    enabled: {enabled}",
        ]
    lines += ["topics:", "  - id: isis", "    name: ISIS", "    query: داعش"]
    path = tmp_path / "postbot.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _run(capsys: pytest.CaptureFixture[str], config: Path, *extra: str) -> tuple[int, str]:
    code = main(["check-feeds", "--config", str(config), "--timeout", "1", *extra])
    return code, capsys.readouterr().out


ALL = ["good", "linkhub", "empty", "stale", "moved", "gone", "page", "slow", "off"]


def test_every_source_gets_its_verdict_in_jsonl(
    tmp_path: Path, server: FeedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _run(capsys, _config(tmp_path, server, ALL), "--format", "jsonl")
    rows = {r["id"]: r for r in (json.loads(line) for line in out.splitlines())}
    assert code == 1
    assert list(rows) == ALL
    verdicts = {k: (r["verdict"], r["reason"]) for k, r in rows.items()}
    assert verdicts["good"] == ("ok", None)
    assert rows["good"]["websub_hub"] == "https://pubsubhubbub.appspot.com/"
    assert rows["good"]["items"] == 1 and rows["good"]["status"] == 200
    assert 0 <= int(str(rows["good"]["newest_age_seconds"])) < 120
    assert rows["good"]["content_type"] == "application/rss+xml"
    assert rows["good"]["encoding"] == "utf-8"
    assert verdicts["linkhub"] == ("ok", None)
    assert rows["linkhub"]["encoding"] == "windows-1256" and rows["linkhub"]["items"] == 3
    assert rows["linkhub"]["websub_hub"] == "https://hub.example/"
    assert rows["gone"]["websub_hub"] is None
    assert verdicts["empty"] == ("empty", "a valid feed with no items")
    assert verdicts["stale"][0] == "stale" and "10d" in str(verdicts["stale"][1])
    assert verdicts["moved"] == ("ok", None)
    assert str(rows["moved"]["final_url"]).endswith("/linkhub.xml")
    assert rows["moved"]["url"] == server.url("moved.xml")
    assert verdicts["gone"] == ("failing", "HTTP 404 (not found)")
    assert rows["gone"]["status"] == 404
    assert verdicts["page"][0] == "failing"
    assert str(verdicts["page"][1]).startswith("not a feed: HTML")
    assert verdicts["slow"][0] == "failing" and str(verdicts["slow"][1]).startswith("timeout")
    assert float(str(rows["slow"]["seconds"])) < 4
    assert verdicts["off"] == ("failing", "HTTP 500") and rows["off"]["enabled"] is False


def test_table_shows_each_row_and_why(
    tmp_path: Path, server: FeedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _run(capsys, _config(tmp_path, server, ALL))
    assert code == 1
    lines = out.splitlines()
    assert lines[0].split()[:4] == ["SOURCE", "VERDICT", "HTTP", "ITEMS"]
    row = {line.split()[0]: line.split() for line in lines[1 : len(ALL) + 1]}
    assert row["good"][1:6] == ["ok", "200", "1", "0m", "yes"]
    assert row["gone"][1:3] == ["FAILING", "404"]
    assert row["stale"][1] == "STALE" and row["empty"][1] == "EMPTY"
    assert row["moved"][-1].endswith("/linkhub.xml")
    assert "gone: failing: HTTP 404 (not found)" in lines
    assert "off: failing: HTTP 500" in lines
    assert lines[-1] == "9 sources: 3 ok, 1 empty, 1 stale, 4 failing (3 enabled failing)"


def test_only_a_disabled_source_failing_exits_zero(
    tmp_path: Path, server: FeedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _run(capsys, _config(tmp_path, server, ["good", "stale", "empty", "off"]))
    assert code == 0
    assert (
        out.splitlines()[-1] == "4 sources: 1 ok, 1 empty, 1 stale, 1 failing (0 enabled failing)"
    )


def _fetched(body: bytes, **kw: object) -> FetchResult:
    base: dict[str, object] = {
        "not_modified": False,
        "body": body,
        "etag": None,
        "last_modified": None,
        "url": "https://example.org/feed",
        "content_type": None,
    }
    base.update(kw)
    return FetchResult(**base)  # type: ignore[arg-type]


def test_hub_from_the_link_header_and_none_without() -> None:
    header = '<https://hub.example/>; rel="hub", <https://example.org/feed>; rel="self"'
    assert websub_hub(_fetched(b"<rss/>", link_header=header)) == "https://hub.example/"
    assert websub_hub(_fetched(b"<rss/>", link_header='<https://x/>; rel="self"')) is None
    assert websub_hub(_fetched(b"<feed><link rel='hub' href='https://h/'/></feed>")) == "https://h/"


def test_encoding_sources_in_order() -> None:
    assert encoding_of(_fetched(b"x", content_type="text/xml; charset=Windows-1256")) == (
        "windows-1256"
    )
    assert encoding_of(_fetched(b"<?xml version='1.0' encoding='UTF-8'?><rss/>")) == "utf-8"
    assert encoding_of(_fetched("<rss>خبر</rss>".encode())) == "utf-8 (undeclared)"
    assert encoding_of(_fetched("<rss>خبر عاجل</rss>".encode("cp1256"))) == (
        "windows-1256 (guessed)"
    )


def test_a_plugged_in_kind_is_judged_like_a_feed() -> None:
    """A source kind brings its own parser (bytes to stories); the verdict rules are shared."""
    source = CheckSource("channel", "Channel", "https://t.me/s/example", kind="telegram")
    story = Story(feed_id="channel", key="1", title="post", link=None, summary="", published=NOW)
    fetched = _fetched(HTML, content_type="text/html")
    result = judge(source, fetched, ParsedFeed("Channel", [story], None), NOW)
    assert (result.verdict, result.items, result.newest_age) == ("ok", 1, timedelta(0))
    broken = judge(source, fetched, ParsedFeed(None, [], "no posts"), NOW)
    assert broken.verdict == FAILING and broken.reason.startswith("not a feed: HTML")


def test_an_html_page_with_a_title_is_still_not_a_feed() -> None:
    source = CheckSource("f", "F", "https://example.org/")
    fetched = _fetched(HTML, content_type="text/html; charset=utf-8")
    result = judge(source, fetched, ParsedFeed("Welcome", [], None), NOW)
    assert result.verdict == FAILING and result.reason.startswith("not a feed: HTML")


async def test_a_kind_whose_parser_raises_fails_alone(server: FeedServer) -> None:
    def broken(fetched: FetchResult, source: CheckSource) -> ParsedFeed:
        raise RuntimeError("layout changed")

    async with make_client() as client:
        checker = Checker(client, lambda: NOW, total_timeout=2, parsers={"feed": parse_rss})
        checker.parsers["odd"] = broken
        results = await checker.check_all(
            [
                CheckSource("odd", "Odd", server.url("good.xml"), kind="odd"),
                CheckSource("good", "Good", server.url("good.xml")),
                CheckSource("new", "New", server.url("good.xml"), kind="unknown"),
            ]
        )
    assert [(r.verdict, r.reason) for r in results] == [
        ("failing", "parser failed: RuntimeError: layout changed"),
        ("ok", ""),
        ("failing", "unsupported source kind 'unknown'"),
    ]


def test_future_dates_are_not_the_newest_and_ages_read_short() -> None:
    source = CheckSource("f", "F", "https://example.org/feed")
    stories = [
        Story(feed_id="f", key=str(i), title="t", link=None, summary="", published=when)
        for i, when in enumerate([NOW + timedelta(days=2), NOW - timedelta(hours=5)])
    ]
    result = judge(source, _fetched(b"<rss/>"), ParsedFeed("F", stories, None), NOW)
    assert result.newest_age == timedelta(hours=5)
    assert [format_age(timedelta(seconds=s)) for s in (59, 600, 7200, 200000)] == [
        "0m",
        "10m",
        "2h",
        "2d",
    ]


def test_channels_are_checked_from_their_preview_pages(
    tmp_path: Path,
    server: FeedServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`telegram:` sources are read from <POSTBOT_TELEGRAM_PREVIEW_URL>/<name> with the
    poller's channel parser: a live channel is ok, a page that is no preview fails."""
    html = {"Content-Type": "text/html; charset=utf-8"}
    recent = Post(1, "قصف على مواقع داعش\nتفاصيل", when=NOW - timedelta(hours=1))
    server.set_raw("/s/livechan", render_channel_page("livechan", "Live", [recent]), headers=html)
    server.set_raw("/s/nopreview", HTML, headers=html)
    monkeypatch.setenv("POSTBOT_TELEGRAM_PREVIEW_URL", server.url("s"))
    lines = ["feeds:"]
    for name in ("livechan", "nopreview"):
        lines += [f"  - id: {name}", f"    name: {name}", f"    telegram: {name}"]
    lines += ["topics:", "  - id: isis", "    name: ISIS", "    query: داعش"]
    config = tmp_path / "postbot.yaml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out = _run(capsys, config, "--format", "jsonl")
    rows = {r["id"]: r for r in (json.loads(line) for line in out.splitlines())}
    assert code == 1
    assert rows["livechan"]["kind"] == "telegram" and rows["livechan"]["verdict"] == "ok"
    assert rows["livechan"]["items"] == 1
    assert str(rows["livechan"]["url"]).endswith("/s/livechan")
    assert rows["nopreview"]["verdict"] == "failing"
