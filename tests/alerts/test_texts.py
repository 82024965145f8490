"""Every reply exists in Arabic and English with the same placeholders; commands are valid."""

from __future__ import annotations

import re
import string

import pytest

from postbot.alerts.texts import (
    ADMIN_COMMANDS,
    ALERT_TEXTS,
    COMMANDS,
    NOUNS,
    TEXTS,
    command_list,
    lang_of,
    plural,
    plural_category,
    text,
)
from postbot.alerts.texts_chat import CHAT_TEXTS
from postbot.alerts.texts_chatsettings import CHATSETTINGS_TEXTS
from postbot.alerts.texts_feedops import FEEDOPS_TEXTS
from postbot.alerts.texts_queries import QUERY_TEXTS
from postbot.alerts.texts_search import SEARCH_TEXTS
from postbot.alerts.texts_settings import SETTINGS_TEXTS
from postbot.alerts.texts_trend import TREND_TEXTS
from postbot.alerts.texts_watchstate import WATCHSTATE_TEXTS


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_both_languages_with_the_same_placeholders(key: str) -> None:
    entry = TEXTS[key]
    assert set(entry) == {"ar", "en"}
    assert _fields(entry["ar"]) == _fields(entry["en"])
    assert re.search(r"[\u0600-\u06ff]", entry["ar"]), "the Arabic text has Arabic in it"


@pytest.mark.parametrize(
    ("code", "lang"),
    [
        ("ar", "ar"),
        ("ar-IQ", "ar"),
        ("AR", "ar"),
        ("en", "en"),
        ("fr", "en"),
        (None, "en"),
        ("", "en"),
    ],
)
def test_reply_language_follows_the_users_telegram_language(code: str | None, lang: str) -> None:
    assert lang_of(code) == lang


def test_commands_are_valid_for_set_my_commands() -> None:
    for lang in ("ar", "en"):
        for admin in (False, True):
            pairs = command_list(lang, admin=admin)
            for name, description in pairs:
                assert re.fullmatch(r"[a-z0-9_]{1,32}", name)
                assert 1 <= len(description) <= 256
    assert (
        [c for c, _ in command_list("ar")] == [c for c, _ in command_list("en")] == list(COMMANDS)
    )
    assert set(ADMIN_COMMANDS) <= {c for c, _ in command_list("en", admin=True)}


def test_unknown_language_falls_back_to_english() -> None:
    assert text("fr", "stopped") == TEXTS["stopped"]["en"]
    assert text("ar", "watch_exists", number=3) == TEXTS["watch_exists"]["ar"].format(number=3)


@pytest.mark.parametrize("command", ["digest", "tz", "quiet"])
def test_settings_commands_are_registered_and_in_help(command: str) -> None:
    for lang in ("ar", "en"):
        assert command in dict(command_list(lang))
        assert f"/{command}" in TEXTS["help"][lang]
    # the Arabic help shows each with a worked example
    assert re.search(rf"<code>/{command} [^<]+</code> — [\u0600-\u06ff]", TEXTS["help"]["ar"])


def test_callback_answers_stay_within_telegrams_200_characters() -> None:
    # answers are plain text; the shortened query / topic name is at most 24 characters
    for lang in ("ar", "en"):
        for key in (
            "button_muted_toast",
            "button_unmuted_toast",
            "unwatch_all_expired",
            "topic_stopped",
            "topic_already_stopped",
            "unknown_topic",
        ):
            assert len(text(lang, key, query="ع" * 24, topic="ع" * 64)) <= 200


@pytest.mark.parametrize(
    ("n", "category"),
    [
        (0, "zero"),
        (1, "one"),
        (2, "two"),
        (3, "few"),
        (10, "few"),
        (11, "many"),
        (99, "many"),
        (100, "other"),
        (101, "other"),
        (102, "other"),
        (103, "few"),
        (111, "many"),
        (200, "other"),
        (1003, "few"),
    ],
)
def test_arabic_has_six_plural_categories(n: int, category: str) -> None:
    assert plural_category("ar", n) == category


@pytest.mark.parametrize(("n", "category"), [(0, "other"), (1, "one"), (2, "other"), (21, "other")])
def test_english_has_two(n: int, category: str) -> None:
    assert plural_category("en", n) == category
    assert plural_category("fr", n) == category  # any other language counts as English does


@pytest.mark.parametrize(
    ("n", "ar", "en"),
    [
        (1, "مصدر واحد، موضوع واحد", "1 feed, 1 topic"),
        (2, "مصدران، موضوعان", "2 feeds, 2 topics"),
        (3, "3 مصادر، 3 مواضيع", "3 feeds, 3 topics"),
        (11, "11 مصدراً، 11 موضوعاً", "11 feeds, 11 topics"),
        (100, "100 مصدر، 100 موضوع", "100 feeds, 100 topics"),
    ],
)
def test_counted_placeholders_take_the_plural_form(n: int, ar: str, en: str) -> None:
    assert text("ar", "reloaded", feeds=n, topics=n) == f"🔄 أعيد تحميل الإعدادات: {ar}."
    assert text("en", "reloaded", feeds=n, topics=n) == f"🔄 Config reloaded: {en}."


def test_every_format_spec_names_a_noun_with_every_form() -> None:
    for entry in TEXTS.values():
        for template in entry.values():
            specs = {s for _, f, s, _ in string.Formatter().parse(template) if f and s}
            assert specs <= set(NOUNS), template
    for noun in NOUNS.values():
        assert set(noun) == {"ar", "en"}
        assert {"one", "two", "few", "many", "other"} <= set(noun["ar"])
        assert {"one", "other"} <= set(noun["en"])
        for lang, forms in noun.items():
            for n in (1, 2, 3, 11, 100):
                shown = plural(lang, n, forms)
                # one and two are words in Arabic («مصدران»); every other count shows its digits
                assert str(n) in shown or (lang == "ar" and n <= 2), shown


def test_a_count_given_as_text_is_shown_as_it_is() -> None:
    assert text("en", "query_phrase_long", limit="8") == "a phrase may have at most 8"


def test_the_text_modules_do_not_share_keys() -> None:
    parts = (
        CHAT_TEXTS,
        SETTINGS_TEXTS,
        ALERT_TEXTS,
        FEEDOPS_TEXTS,
        TREND_TEXTS,
        CHATSETTINGS_TEXTS,
        SEARCH_TEXTS,
        WATCHSTATE_TEXTS,
        QUERY_TEXTS,
    )
    assert sum(map(len, parts)) == len(TEXTS)
