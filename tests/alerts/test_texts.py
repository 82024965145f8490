"""Every reply exists in Arabic and English with the same placeholders; commands are valid."""

from __future__ import annotations

import re
import string

import pytest

from postbot.alerts.texts import ADMIN_COMMANDS, COMMANDS, TEXTS, command_list, lang_of, text


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
        for key in ("watch_muted", "topic_stopped", "topic_already_stopped", "unknown_topic"):
            assert len(text(lang, key, query="ع" * 24, topic="ع" * 64)) <= 200
