"""The YAML config: the shipped file, and every problem reported as `file:line: message`."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from textwrap import dedent

import pytest

from postbot.config.load import (
    Config,
    LocalizedName,
    check_config,
    load_config,
    parse_config,
)
from postbot.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent.parent
SHIPPED = ROOT / "config" / "postbot.yaml"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "config"

FEED = """\
feeds:
  - id: bbc_arabic
    name: بي بي سي عربي
    url: https://feeds.bbci.co.uk/arabic/rss.xml
"""


def problems(text: str) -> list[str]:
    """The formatted problems of config `text` read as t.yaml (empty when it is valid)."""
    try:
        parse_config(dedent(text), filename="t.yaml")
    except ConfigError as err:
        return [str(p) for p in err.problems]
    return []


def test_shipped_config_loads() -> None:
    config = load_config(SHIPPED)
    assert len(config.feeds) >= 10
    assert all(f.url.startswith("https://") and f.enabled for f in config.feeds)
    assert all(timedelta(minutes=3) <= f.interval <= timedelta(minutes=10) for f in config.feeds)
    assert [t.id for t in config.topics] == ["ain_al_asad", "troop_numbers", "isis"]
    assert check_config(SHIPPED) == []


def test_shipped_topics_keep_the_leads_queries() -> None:
    topics = {t.id: t for t in load_config(SHIPPED).topics}
    asad = topics["ain_al_asad"]
    assert asad.name == LocalizedName("قاعدة عين الأسد", "Ain al-Asad air base")
    assert asad.query is not None
    assert asad.query.startswith('("عين الأسد" -"قرية عين الأسد" -"بلدة عين الأسد"')
    assert '"Ein al-Asad" OR "Al Asad Air Base"' in asad.query  # folded lines joined by a space
    assert asad.context is not None
    assert asad.context.startswith("قاعدة OR الجوية OR")
    assert 'OR "U.S." OR American OR rocket*' in asad.context
    assert topics["troop_numbers"].query is None and topics["troop_numbers"].troop_counts
    assert topics["isis"].query is not None
    assert '("تنظيم الدولة" -"تنظيم الدولة لل*")' in topics["isis"].query
    assert topics["isis"].name == LocalizedName("داعش", "ISIS")


def test_minimal_config_resolves_local_path_and_defaults() -> None:
    config = load_config(FIXTURES / "minimal.yaml")
    assert config == Config(
        path=FIXTURES / "minimal.yaml",
        admins=(),
        default_interval=timedelta(minutes=5),
        feeds=config.feeds,
        topics=config.topics,
    )
    (feed,) = config.feeds
    assert feed.url == str(FIXTURES / "feeds" / "sample-ar.xml")  # next to the config file
    assert (feed.interval, feed.enabled) == (timedelta(minutes=5), True)
    (topic,) = config.topics
    assert topic.name == LocalizedName("داعش", "داعش")  # a plain name serves both languages
    assert (topic.query, topic.troop_counts) == ("داعش OR ISIS", False)


@pytest.mark.parametrize(
    ("text", "check"),
    [
        pytest.param("admins: [5, 7, 5]\n", lambda c: c.admins == (5, 7), id="admins-deduped"),
        pytest.param("admins:\nfeeds:\ntopics:\n", lambda c: c.feeds == (), id="null-sections"),
        pytest.param(
            "defaults: {interval: 90}\n" + FEED,
            lambda c: c.feeds[0].interval == timedelta(seconds=90),
            id="default-interval-seconds",
        ),
        pytest.param(
            FEED + "    interval: 1h30m\n    enabled: false\n",
            lambda c: (c.feeds[0].interval, c.feeds[0].enabled) == (timedelta(minutes=90), False),
            id="own-interval-disabled",
        ),
        pytest.param(
            "feeds:\n  - {id: f, name: F, url: 'file:///srv/feeds/a%20b.xml'}\n",
            lambda c: c.feeds[0].url == "/srv/feeds/a b.xml",
            id="file-url",
        ),
        pytest.param(
            "feeds:\n  - {id: " + "a" * 64 + ", name: F, url: /srv/x.xml}\n",
            lambda c: c.feeds[0].url == "/srv/x.xml",
            id="id-64-chars-absolute-path",
        ),
        pytest.param(
            "topics:\n  - {id: t, name: T, query: 'x', troop_counts: true}\n",
            lambda c: (c.topics[0].query, c.topics[0].troop_counts) == ("x", True),
            id="query-and-troops",
        ),
    ],
)
def test_valid_configs(text: str, check: object) -> None:
    config = parse_config(text, filename="t.yaml")
    assert callable(check) and check(config)


ALLOWED_FEED_KEYS = "allowed keys: id, name, url, telegram, interval, enabled, country"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "admins: []\nfeed: []\n",
            "t.yaml:2: unknown key 'feed' at the top level (did you mean 'feeds'?); "
            "allowed keys: admins, defaults, telegram, feeds, topics, breaking, retention_days",
            id="unknown-top-key",
        ),
        pytest.param(
            FEED + "    colour: red\n",
            "t.yaml:5: unknown key 'colour' in feed 'bbc_arabic' (did you mean 'country'?); "
            + ALLOWED_FEED_KEYS,
            id="unknown-feed-key",
        ),
        pytest.param(
            "defaults:\n  intervall: 5m\n",
            "t.yaml:2: unknown key 'intervall' in defaults (did you mean 'interval'?); "
            "allowed keys: interval",
            id="unknown-defaults-key",
        ),
        pytest.param(
            "topics:\n  - id: t\n    name: {ar: ت, en: t, fr: t}\n    troop_counts: true\n",
            "t.yaml:3: unknown key 'fr' in the name of topic 't'; allowed keys: ar, en",
            id="unknown-name-key",
        ),
        pytest.param(
            "topics:\n  - id: t\n    name: T\n    troop_counts: false\n",
            "t.yaml:2: topic 't' needs a query, troop_counts: true, or both",
            id="topic-needs-query-or-troops",
        ),
        pytest.param(
            FEED + "  - id: bbc_arabic\n    name: B\n    url: https://example.com/rss\n",
            "t.yaml:5: duplicate feed id 'bbc_arabic' (first used at line 2)",
            id="duplicate-feed-id",
        ),
        pytest.param(
            "topics:\n  - {id: t, name: T, troop_counts: true}\n  - {id: t, name: T2, query: x}\n",
            "t.yaml:3: duplicate topic id 't' (first used at line 2)",
            id="duplicate-topic-id",
        ),
        pytest.param(
            "feeds:\n  - {id: Al Jazeera, name: J, url: 'https://a.example/rss'}\n",
            "t.yaml:2: feed id 'Al Jazeera' is not valid: "
            "use 1-64 characters from a-z, 0-9, _ and -",
            id="bad-feed-id",
        ),
        pytest.param(
            "feeds:\n  - {id: " + "a" * 65 + ", name: J, url: 'https://a.example/rss'}\n",
            f"t.yaml:2: feed id '{'a' * 65}' is not valid: "
            "use 1-64 characters from a-z, 0-9, _ and -",
            id="feed-id-too-long",
        ),
        pytest.param(
            "topics:\n  - {id: ain-al-asad, name: T, troop_counts: true}\n",
            "t.yaml:2: topic id 'ain-al-asad' is not valid: "
            "use 1-64 characters from a-z, 0-9 and _",
            id="bad-topic-id",
        ),
        pytest.param(
            "feeds:\n  - {id: 42, name: J, url: 'https://a.example/rss'}\n",
            "t.yaml:2: feed #1: 'id' must be text, not an integer (42)",
            id="id-not-text",
        ),
        pytest.param(
            "feeds:\n  - id: f\n    name: F\n    url: ftp://x\n",
            "t.yaml:4: feed 'f': url 'ftp://x': the ftp scheme is not supported; "
            "use http(s)://, file:// or a path",
            id="url-ftp",
        ),
        pytest.param(
            "feeds:\n  - id: f\n    name: F\n    url: not a url\n",
            "t.yaml:4: feed 'f': url 'not a url' is neither an http(s) URL nor a local path "
            "(start paths with /, ./ or ../)",
            id="url-not-a-url",
        ),
        pytest.param(
            "feeds:\n  - id: f\n    name: F\n    url: www.example.com/rss\n",
            "t.yaml:4: feed 'f': url 'www.example.com/rss' has no scheme: "
            "did you mean https://www.example.com/rss?",
            id="url-without-scheme",
        ),
        pytest.param(
            "feeds:\n  - id: f\n    name: F\n    url: 'https:///rss'\n",
            "t.yaml:4: feed 'f': url 'https:///rss' has no host",
            id="url-no-host",
        ),
        pytest.param(
            "feeds:\n  - id: f\n    name: F\n    url: 'file://server/x.xml'\n",
            "t.yaml:4: feed 'f': url 'file://server/x.xml' names a host: write file:///absolute/path",
            id="file-url-with-host",
        ),
        pytest.param(
            FEED + "  - id: again\n    name: A\n    url: http://FEEDS.bbci.co.uk/arabic/rss.xml/\n",
            "t.yaml:7: feed 'again' has the same url as feed 'bbc_arabic' (line 4)",
            id="duplicate-url",
        ),
        pytest.param(
            FEED + "    interval: 5x\n",
            "t.yaml:5: feed 'bbc_arabic': bad interval '5x': "
            "write a number with s, m or h (30s, 5m, 1h30m)",
            id="interval-5x",
        ),
        pytest.param(
            FEED + "    interval: 3s\n",
            "t.yaml:5: feed 'bbc_arabic': interval 3s is too short: the minimum is 10s",
            id="interval-3s",
        ),
        pytest.param(
            "defaults:\n  interval: 1.5\n",
            "t.yaml:2: defaults: interval must be like 30s, 5m or 1h, not 1.5",
            id="defaults-interval-float",
        ),
        pytest.param(
            "feeds:\n  - id: f\n    url: https://a.example/rss\n",
            "t.yaml:2: feed 'f' has no 'name'",
            id="missing-name",
        ),
        pytest.param(
            "feeds:\n  - id: f\n    name: '  '\n    url: https://a.example/rss\n",
            "t.yaml:3: feed 'f': 'name' is empty",
            id="empty-name",
        ),
        pytest.param(
            "feeds:\n  - name: F\n    url: https://a.example/rss\n",
            "t.yaml:2: feed #1 has no 'id'",
            id="missing-id",
        ),
        pytest.param(
            "topics:\n  - id: t\n    name: {ar: ت}\n    troop_counts: true\n",
            "t.yaml:3: the name of topic 't' has no 'en'",
            id="name-missing-en",
        ),
        pytest.param(
            "topics:\n  - id: t\n    name: [ت, t]\n    troop_counts: true\n",
            "t.yaml:3: topic 't': 'name' must be text or {ar: ..., en: ...}, not a list",
            id="name-wrong-type",
        ),
        pytest.param(
            FEED + "    enabled: yes\n",
            "t.yaml:5: feed 'bbc_arabic': 'enabled' must be true or false, not the text 'yes' "
            "(YAML 1.2 reads yes/no/on/off as text)",
            id="enabled-yes",
        ),
        pytest.param(
            "topics:\n  - {id: t, name: T, troop_counts: 1}\n",
            "t.yaml:2: topic 't': 'troop_counts' must be true or false, not an integer (1)",
            id="troop-counts-int",
        ),
        pytest.param(
            "feeds: https://a.example/rss\n",
            "t.yaml:1: 'feeds' must be a list of feeds, not the text 'https://a.example/rss'",
            id="feeds-not-a-list",
        ),
        pytest.param(
            "topics:\n  isis: داعش\n",
            "t.yaml:2: 'topics' must be a list of topics, not a mapping",
            id="topics-mapping",
        ),
        pytest.param(
            "feeds:\n  - https://a.example/rss\n",
            "t.yaml:2: feed #1 must be a mapping, not the text 'https://a.example/rss'",
            id="feed-item-not-mapping",
        ),
        pytest.param(
            "admins: 123\n",
            "t.yaml:1: 'admins' must be a list of Telegram user ids, not an integer (123)",
            id="admins-not-a-list",
        ),
        pytest.param(
            "admins:\n  - 1\n  - '456'\n",
            "t.yaml:3: admins: the text '456' is not a Telegram user id (a number)",
            id="admin-quoted",
        ),
        pytest.param(
            "defaults: 5m\n",
            "t.yaml:1: 'defaults' must be a mapping such as {interval: 5m}, not the text '5m'",
            id="defaults-not-mapping",
        ),
    ],
)
def test_each_problem_is_reported_with_its_line(text: str, expected: str) -> None:
    assert problems(text) == [expected]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param(
            "'\"عين الأسد'",
            "t.yaml:4: topic 't': query error at character 1: unclosed quotation mark",
            id="unclosed-quote",
        ),
        pytest.param(
            "'(داعش'",
            "t.yaml:4: topic 't': query error at character 1: unclosed parenthesis",
            id="unclosed-parenthesis",
        ),
        pytest.param(
            ">-\n      داعش OR\n      ISIS OR\n      OR ISIL",
            "t.yaml:7: topic 't': query error at character 17: OR needs a word or phrase before it",
            id="folded-block-points-at-its-line",
        ),
    ],
)
def test_query_syntax_errors(query: str, expected: str) -> None:
    text = f"topics:\n  - id: t\n    name: T\n    query: {query}\n"
    assert problems(text) == [expected]


# Hostile topic queries (issue #11.12): a config problem at file:line, never a RecursionError.
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param(
            "'" + "(" * 400 + "داعش" + ")" * 400 + "'",
            "t.yaml:4: topic 't': query error at character 11: "
            "parentheses and exclusions are nested more than 10 deep",
            id="400-parentheses",
        ),
        pytest.param(
            ">-\n      داعش\n      " + "-(سوريا " * 6 + ")" * 6,
            "t.yaml:6: topic 't': query error at character 46: "
            "parentheses and exclusions are nested more than 10 deep",
            id="deep-exclusions-on-a-folded-line",
        ),
        pytest.param(
            "'داعش" + ' NOT ("عين الأسد"' * 9 + ")" * 9 + "'",
            "t.yaml:4: topic 't': query error at character 91: "
            "parentheses and exclusions are nested more than 10 deep",
            id="deep-not-and-quotes",
        ),
        pytest.param(
            "في OR of",
            "t.yaml:4: topic 't': query error at character 1: this part only looks for common "
            "words (such as في, من, the, of): add a more specific word",
            id="only-stop-words",
        ),
        pytest.param(
            "'" + " OR ".join(f"w{i}" for i in range(400)) + "'",
            "t.yaml:4: topic 't': query error at character 2291: "
            "more than 300 different words and phrases",
            id="very-long-or-chain",
        ),
    ],
)
def test_hostile_topic_queries_are_config_errors(query: str, expected: str) -> None:
    text = f"topics:\n  - id: t\n    name: T\n    query: {query}\n"
    assert problems(text) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("", "t.yaml:1: the config is empty", id="empty"),
        pytest.param("# only a comment\n", "t.yaml:1: the config is empty", id="comment-only"),
        pytest.param(
            "- id: a\n- id: b\n", "t.yaml:1: the config is a list, not a mapping", id="list"
        ),
        pytest.param(
            "hello\n", "t.yaml:1: the config is the text 'hello', not a mapping", id="scalar"
        ),
        pytest.param(
            "feeds:\n  - id: a\n   name: b\n",
            "t.yaml:3: YAML syntax error: expected <block end>, but found '<block mapping start>'",
            id="bad-indentation",
        ),
        pytest.param(
            "defaults: 5m\n  interval: 5m\n",
            "t.yaml:2: YAML syntax error: mapping values are not allowed here",
            id="bad-indentation-2",
        ),
        pytest.param(
            "feeds:\n\t- id: a\n",
            "t.yaml:2: YAML syntax error: found character '\\t' that cannot start any token",
            id="tab",
        ),
        pytest.param(
            'topics:\n  - id: t\n    query: "داعش\n',
            "t.yaml:4: YAML syntax error: found unexpected end of stream "
            "(while scanning a quoted scalar at line 3)",
            id="unclosed-quote",
        ),
        pytest.param(
            "admins: []\nadmins: [1]\n",
            't.yaml:2: YAML syntax error: found duplicate key "admins"',
            id="duplicate-key",
        ),
    ],
)
def test_file_level_problems(text: str, expected: str) -> None:
    (found,) = problems(text)
    assert found.startswith(expected)


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        pytest.param(
            "feeds:\n\t- id: a\n", "indent with spaces, YAML does not allow tabs", id="tab"
        ),
        pytest.param(
            "feeds:\n  - id: a\n   name: b\n",
            "check the indentation of this line and the one before",
            id="indentation",
        ),
    ],
)
def test_syntax_errors_carry_a_hint(text: str, hint: str) -> None:
    (found,) = problems(text)
    assert found.endswith(hint)


def test_unknown_key_does_not_hide_the_missing_query() -> None:
    text = "topics:\n  - id: t\n    name: T\n    querry: x\n"
    assert problems(text) == [
        "t.yaml:2: topic 't' needs a query, troop_counts: true, or both",
        "t.yaml:4: unknown key 'querry' in topic 't' (did you mean 'query'?); "
        "allowed keys: id, name, query, context, troop_counts",
    ]


def test_every_problem_in_one_file_is_reported_in_line_order() -> None:
    path = FIXTURES / "many-problems.yaml"
    found = check_config(path)
    lines = [int(p.split(":")[1]) for p in found]
    assert lines == [2, 4, 9, 10, 12, 13, 15, 16, 17, 18, 19, 21, 22, 23, 28, 29]
    assert all(p.startswith(f"{path}:") for p in found)
    assert f"{path}:18: feed 'rt' has the same url as feed 'aljazeera' (line 8)" in found
    assert f"{path}:28: topic 'isis': query error at character 9: unclosed parenthesis" in found


def test_load_config_reports_unreadable_files(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    assert check_config(missing) == [f"{missing}: cannot read config: No such file or directory"]
    latin1 = tmp_path / "latin1.yaml"
    latin1.write_bytes(b"admins: []\n# caf\xe9\n")
    assert check_config(latin1) == [f"{latin1}:2: the file is not UTF-8 text (byte 0xe9)"]


def test_load_config_accepts_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes("\ufeffadmins: [7]\n".encode())
    assert load_config(path).admins == (7,)


def test_config_error_lists_every_problem_in_its_message() -> None:
    with pytest.raises(ConfigError) as info:
        parse_config("feed: []\ntopic: []\n", filename="t.yaml")
    assert [p.line for p in info.value.problems] == [1, 2]
    assert str(info.value).splitlines()[1].startswith("t.yaml:2: unknown key 'topic'")


@pytest.mark.parametrize(
    ("section", "expected", "problem"),
    [
        ("", False, None),
        ("telegram:\n  paid_broadcast: true\n", True, None),
        ("telegram:\n  paid_broadcast: yes\n", False, "must be true or false"),
        ("telegram:\n  paid: true\n", False, "unknown key 'paid' in telegram"),
        ("telegram: fast\n", False, "'telegram' must be a mapping"),
    ],
    ids=["default", "on", "yaml11-yes", "unknown-key", "not-a-mapping"],
)
def test_telegram_paid_broadcast_switch(section: str, expected: bool, problem: str | None) -> None:
    text = f"{section}feeds: []\ntopics: []\n"
    if problem is None:
        assert parse_config(text, filename="c.yaml").paid_broadcast is expected
        return
    with pytest.raises(ConfigError) as err:
        parse_config(text, filename="c.yaml")
    assert problem in str(err.value) and "c.yaml:" in str(err.value)


@pytest.mark.parametrize(
    ("country", "expected"),
    [("iq", "iq"), ("SY", "sy"), ("intl", "intl"), (None, None)],
)
def test_feed_country_is_optional_and_read_in_lower_case(
    country: str | None, expected: str | None
) -> None:
    extra = f"    country: {country}\n" if country else ""
    config = parse_config(FEED + extra, filename="t.yaml")
    assert config.feeds[0].country == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("irq", "t.yaml:5: feed 'bbc_arabic': 'country' must be one of iq, sy,"),
        ("42", "t.yaml:5: feed 'bbc_arabic': 'country' must be one of"),
    ],
)
def test_feed_country_must_be_a_known_code(value: str, message: str) -> None:
    found = problems(FEED + f"    country: {value}\n")
    assert len(found) == 1 and found[0].startswith(message)
    assert ("an integer (42)" if value == "42" else "(did you mean 'iq'?)") in found[0]


def test_shipped_config_groups_the_beat_by_country() -> None:
    feeds = load_config(SHIPPED).feeds
    assert all(f.country is not None for f in feeds)
    assert {f.country for f in feeds} >= {"iq", "sy", "intl"}
