"""/feeds grouped by country: headings in the chat's language, config order inside a group."""

from __future__ import annotations

import re

import pytest

from postbot.alerts.feedlist import feed_list_blocks
from postbot.alerts.texts import TEXTS
from postbot.config.model import COUNTRIES

FEEDS = [
    ("الجزيرة نت", "intl"),
    ("شفق نيوز", "iq"),
    ("عنب بلدي", "sy"),
    ("<Rudaw & co>", "iq"),
    ("بلا بلد", None),
]


def test_every_country_has_a_heading_in_both_languages() -> None:
    for code in COUNTRIES:
        entry = TEXTS[f"country_{code}"]
        assert re.search(r"[\u0600-\u06ff]", entry["ar"]) and re.search(r"[A-Za-z]", entry["en"])
        assert not re.search(r"[A-Za-z]", entry["ar"])


def test_groups_follow_the_country_order_with_the_rest_last() -> None:
    blocks = feed_list_blocks(FEEDS, "en", COUNTRIES)
    assert blocks == [
        "📰 Monitored feeds (5):",
        "<b>🇮🇶 Iraq</b> (2)\n• شفق نيوز\n• &lt;Rudaw &amp; co&gt;",
        "<b>🇸🇾 Syria</b> (1)\n• عنب بلدي",
        "<b>🌍 International and pan-Arab</b> (1)\n• الجزيرة نت",
        "<b>📰 Other feeds</b> (1)\n• بلا بلد",
    ]


def test_arabic_headings_have_no_english() -> None:
    blocks = feed_list_blocks(FEEDS, "ar", COUNTRIES)
    assert blocks[1].splitlines()[0] == "<b>🇮🇶 العراق</b> (العدد: 2)"
    assert blocks[-1].splitlines()[0] == "<b>📰 مصادر أخرى</b> (العدد: 1)"
    headings = [b.splitlines()[0] for b in blocks[1:]]
    assert not any(re.search(r"[A-Za-z]", re.sub(r"</?b>", "", h)) for h in headings)


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_without_countries_the_list_stays_flat(lang: str) -> None:
    blocks = feed_list_blocks([("أ", None), ("ب", None)], lang, COUNTRIES)
    assert len(blocks) == 1
    assert blocks[0].splitlines()[1:] == ["• أ", "• ب"]
