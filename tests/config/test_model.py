"""Single-value config checks: intervals and feed locations."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from postbot.config.model import describe, feed_location, parse_interval, url_key


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("30s", timedelta(seconds=30), id="seconds"),
        pytest.param("10s", timedelta(seconds=10), id="minimum"),
        pytest.param("5m", timedelta(minutes=5), id="minutes"),
        pytest.param("1h", timedelta(hours=1), id="hours"),
        pytest.param("1h30m", timedelta(minutes=90), id="hours-minutes"),
        pytest.param("2m30s", timedelta(seconds=150), id="minutes-seconds"),
        pytest.param("1h 5m 10s", timedelta(seconds=3910), id="spaced"),
        pytest.param(" 5M ", timedelta(minutes=5), id="upper-case-padded"),
        pytest.param(90, timedelta(seconds=90), id="int-seconds"),
        pytest.param("600", timedelta(minutes=10), id="digit-string-seconds"),
    ],
)
def test_parse_interval(value: str | int, expected: timedelta) -> None:
    assert parse_interval(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param("5x", "bad interval '5x': write a number with s, m or h", id="bad-unit"),
        pytest.param("", "bad interval ''", id="empty"),
        pytest.param("m", "bad interval 'm'", id="unit-only"),
        pytest.param("1.5h", "bad interval '1.5h'", id="fraction"),
        pytest.param("30m1h", "bad interval '30m1h'", id="wrong-order"),
        pytest.param("-5m", "bad interval '-5m'", id="negative"),
        pytest.param("3s", "interval 3s is too short: the minimum is 10s", id="too-short"),
        pytest.param("0m", "interval 0m is too short", id="zero"),
        pytest.param(9, "interval 9s is too short", id="int-too-short"),
        pytest.param(True, "interval must be like 30s, 5m or 1h, not True", id="bool"),
        pytest.param(1.5, "interval must be like 30s, 5m or 1h, not 1.5", id="float"),
    ],
)
def test_parse_interval_rejects(value: object, message: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_interval(value)  # type: ignore[arg-type]
    assert str(info.value).startswith(message)


BASE = Path("/etc/postbot")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        pytest.param("https://aawsat.com/feed", "https://aawsat.com/feed", id="https"),
        pytest.param("http://127.0.0.1:8080/rss", "http://127.0.0.1:8080/rss", id="http-port"),
        pytest.param("HTTPS://Example.com/عربي", "HTTPS://Example.com/عربي", id="kept-as-written"),
        pytest.param("./feeds/a.xml", "/etc/postbot/feeds/a.xml", id="relative"),
        pytest.param("../shared/a.xml", "/etc/shared/a.xml", id="relative-parent"),
        pytest.param("/srv/a.xml", "/srv/a.xml", id="absolute"),
        pytest.param("file:///srv/%D8%B9.xml", "/srv/ع.xml", id="file-url-unquoted"),
        pytest.param("file://localhost/srv/a.xml", "/srv/a.xml", id="file-url-localhost"),
    ],
)
def test_feed_location(url: str, expected: str) -> None:
    assert feed_location(url, BASE) == expected


@pytest.mark.parametrize(
    ("url", "message"),
    [
        pytest.param("ftp://x", "the ftp scheme is not supported", id="ftp"),
        pytest.param("not a url", "is neither an http(s) URL nor a local path", id="words"),
        pytest.param("feeds/a.xml", "is neither an http(s) URL nor a local path", id="bare-path"),
        pytest.param("aawsat.com/feed", "did you mean https://aawsat.com/feed?", id="no-scheme"),
        pytest.param("https://", "has no host", id="no-host"),
        pytest.param("https://a.example:99999/", "has an invalid port", id="bad-port"),
        pytest.param("https://a.example/a b", "contains spaces", id="space"),
        pytest.param("file://server/a.xml", "names a host", id="file-host"),
    ],
)
def test_feed_location_rejects(url: str, message: str) -> None:
    with pytest.raises(ValueError, match="url") as info:
        feed_location(url, BASE)
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        pytest.param(
            "https://a.example/rss", "http://A.example/rss/", True, id="scheme-case-slash"
        ),
        pytest.param("https://a.example/rss?x=1", "https://a.example/rss?x=2", False, id="query"),
        pytest.param("https://a.example/rss", "https://b.example/rss", False, id="host"),
        pytest.param("/srv/a.xml", "/srv/a.xml", True, id="paths"),
    ],
)
def test_url_key(a: str, b: str, same: bool) -> None:
    assert (url_key(a) == url_key(b)) is same


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(None, "nothing (null)", id="null"),
        pytest.param(False, "a boolean (false)", id="bool"),
        pytest.param(3, "an integer (3)", id="int"),
        pytest.param(2.5, "a number (2.5)", id="float"),
        pytest.param("نعم", "the text 'نعم'", id="arabic-text"),
        pytest.param({}, "a mapping", id="mapping"),
        pytest.param([], "a list", id="list"),
    ],
)
def test_describe(value: object, expected: str) -> None:
    assert describe(value) == expected
