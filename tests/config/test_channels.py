"""`telegram:` feeds in the config: the username forms accepted, and the problems reported."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

from postbot.config.load import parse_config
from postbot.config.model import channel_username
from postbot.config.settings import load_settings
from postbot.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent.parent
SHIPPED = ROOT / "config" / "postbot.yaml"


def feeds_yaml(*entries: str) -> str:
    return "feeds:\n" + "".join(dedent(e) for e in entries)


def problems(text: str) -> list[str]:
    try:
        parse_config(text, filename="t.yaml")
    except ConfigError as err:
        return [str(p) for p in err.problems]
    return []


@pytest.mark.parametrize(
    ("written", "username"),
    [
        ("security_media", "security_media"),
        ("@security_media", "security_media"),
        ("https://t.me/security_media", "security_media"),
        ("https://t.me/s/security_media", "security_media"),
        ("t.me/s/security_media", "security_media"),
        ("t.me/security_media/", "security_media"),
        ("http://telegram.me/SecurityMedia", "SecurityMedia"),
        ("https://t.me/s/security_media?before=4100", "security_media"),
        ("https://t.me/security_media/4101", "security_media"),
        ("  @Rudaw_Arabic  ", "Rudaw_Arabic"),
        ("abcde", "abcde"),
        ("a" * 32, "a" * 32),
    ],
)
def test_username_forms(written: str, username: str) -> None:
    assert channel_username(written) == username


@pytest.mark.parametrize(
    ("written", "why"),
    [
        pytest.param("abcd", "not a valid channel username", id="too-short"),
        pytest.param("a" * 33, "not a valid channel username", id="too-long"),
        pytest.param("1news_iraq", "not a valid channel username", id="starts-with-digit"),
        pytest.param("_news_iraq", "not a valid channel username", id="starts-with-underscore"),
        pytest.param("news-iraq", "not a valid channel username", id="dash"),
        pytest.param("أخبار_العراق", "not a valid channel username", id="arabic-letters"),
        pytest.param("@", "not a valid channel username", id="bare-at"),
        pytest.param("https://t.me/", "not a valid channel username", id="no-name"),
        pytest.param("https://t.me/+AbCdEf12345", "not a valid channel username", id="invite"),
        pytest.param("https://example.com/news", "is not a channel", id="other-site"),
        pytest.param("news iraq", "not a valid channel username", id="space"),
    ],
)
def test_bad_usernames(written: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        channel_username(written)


def test_a_channel_feed_is_read_from_its_preview_page() -> None:
    config = parse_config(
        feeds_yaml(
            """\
              - id: smc
                name: خلية الإعلام الأمني
                telegram: "@SMC_Iraq"
                interval: 2m
                enabled: false
              - id: bbc
                name: BBC
                url: https://feeds.bbci.co.uk/arabic/rss.xml
            """
        ),
        filename="t.yaml",
    )
    smc, bbc = config.feeds
    assert (smc.telegram, smc.url, smc.enabled) == ("SMC_Iraq", "https://t.me/s/SMC_Iraq", False)
    assert smc.interval.total_seconds() == 120
    assert bbc.telegram is None


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        pytest.param(
            """\
              - id: both
                name: x
                url: https://example.com/rss
                telegram: example_news
            """,
            "t.yaml:2: feed 'both' has both 'url' and 'telegram': give exactly one of them",
            id="both",
        ),
        pytest.param(
            """\
              - id: neither
                name: x
            """,
            "t.yaml:2: feed 'neither' has no 'url' (or 'telegram: <channel>' for a channel)",
            id="neither",
        ),
        pytest.param(
            """\
              - id: short
                name: x
                telegram: abc
            """,
            "t.yaml:4: feed 'short': telegram 'abc' is not a valid channel username: "
            "5-32 characters from letters, digits and _, starting with a letter",
            id="bad-username",
        ),
        pytest.param(
            """\
              - id: empty
                name: x
                telegram: ""
            """,
            "t.yaml:4: feed 'empty': 'telegram' is empty",
            id="empty",
        ),
        pytest.param(
            """\
              - id: number
                name: x
                telegram: 12345
            """,
            "t.yaml:4: feed 'number': 'telegram' must be text, not an integer (12345)",
            id="number",
        ),
    ],
)
def test_channel_problems(entry: str, expected: str) -> None:
    assert problems(feeds_yaml(entry)) == [expected]


def test_the_same_channel_twice_in_any_form() -> None:
    text = feeds_yaml(
        """\
          - id: one
            name: x
            telegram: Example_News
          - id: two
            name: y
            telegram: https://t.me/s/example_news
        """
    )
    assert problems(text) == ["t.yaml:7: feed 'two' has the same channel as feed 'one' (line 4)"]


def test_shipped_config_has_a_disabled_example_block_of_channels() -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    block = [line for line in text.splitlines() if line.lstrip().startswith("#   telegram:")]
    assert 3 <= len(block) <= 5
    for line in block:
        assert channel_username(line.split("telegram:", 1)[1].strip())
    # uncommented, the example block is valid and every channel in it is disabled
    uncommented = text.replace("\n#   ", "\n    ").replace("\n# - ", "\n  - ")
    config = parse_config(uncommented, filename="postbot.yaml")
    channels = [f for f in config.feeds if f.telegram]
    assert len(channels) == len(block)
    assert not any(f.enabled for f in channels)


def test_the_preview_base_url_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("POSTBOT_TELEGRAM_PREVIEW_URL", raising=False)
    assert load_settings(env_file=None).postbot_telegram_preview_url == "https://t.me/s"
    monkeypatch.setenv("POSTBOT_TELEGRAM_PREVIEW_URL", "http://127.0.0.1:8080/tg/ ")
    assert load_settings(env_file=None).postbot_telegram_preview_url == "http://127.0.0.1:8080/tg"
