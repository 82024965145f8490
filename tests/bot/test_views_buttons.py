"""Topic picker, watch list and alert buttons: callback data within Telegram's 64 bytes, labels
in both languages, long lists; the lines that describe a chat's digest and quiet hours."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from postbot.alerts.direction import strip_marks
from postbot.alerts.html import utf16_len, visible_text
from postbot.alerts.texts import text
from postbot.bot.views import (
    digest_lines,
    local_time,
    quiet_lines,
    split_message,
    topics_keyboard,
    watches_view,
)
from postbot.config.catalog import Catalog
from postbot.delivery.keyboards import (
    BUTTON_QUERY_CHARS,
    MAX_CALLBACK_BYTES,
    MUTE_WATCH,
    STOP_TOPIC,
    alert_keyboard,
)
from postbot.store.models import Chat, Watch
from support.catalogs import catalog

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 28, tzinfo=UTC)


def _catalog(extra_topic: str = "") -> Catalog:
    return catalog(extra_topics=extra_topic)


def _data(markup: object) -> list[str]:
    rows = markup.inline_keyboard  # type: ignore[attr-defined]
    return [b.callback_data for row in rows for b in row]


def test_topic_buttons_show_what_is_followed() -> None:
    markup = topics_keyboard(_catalog(), {"isis"}, "ar")
    labels = [b.text for row in markup.inline_keyboard for b in row]
    assert labels == ["➕ قاعدة عين الأسد", "➕ أعداد القوات", "✅ داعش"]
    assert _data(markup) == ["topic:ain_al_asad", "topic:troop_numbers", "topic:isis"]


def test_a_topic_id_too_long_for_callback_data_gets_no_button() -> None:
    long_id = "x" * 60
    extra = f"\n  - id: {long_id}\n    name: {{ar: طويل, en: Long}}\n    query: طويل\n"
    markup = topics_keyboard(_catalog(extra), set(), "en")
    assert all(len(d.encode()) <= MAX_CALLBACK_BYTES for d in _data(markup))
    assert f"topic:{long_id}" not in _data(markup)


def test_watch_list_numbers_watches_and_escapes_them() -> None:
    watches = [
        Watch(id=7, chat_id=1, query="<داعش> & co", created_at=NOW, number=1),
        Watch(
            id=9,
            chat_id=1,
            query='"عين الأسد" OR الأنبار OR الرمادي OR هيت',
            created_at=NOW,
            number=2,
        ),
    ]
    laid_out, markup = watches_view(_catalog(), watches, ["isis"], "ar")
    body = strip_marks(laid_out)  # the isolates are checked in tests/alerts/test_direction.py
    assert "1. <code>&lt;داعش&gt; &amp; co</code>" in body
    assert "2. <code>" in body and "• داعش" in body
    assert markup is not None
    assert _data(markup) == ["unwatch:7", "unwatch:9", "untopic:isis"]
    labels = [b.text for row in markup.inline_keyboard for b in row]
    assert labels[1].endswith("…") and len(labels[1]) < 40


def test_empty_watch_list_says_how_to_start() -> None:
    body, markup = watches_view(_catalog(), [], [], "en")
    assert markup is None and "/watch" in body


def test_long_reports_are_split_between_blocks() -> None:
    blocks = [f"<b>feed {i}</b>\n" + "x" * 500 for i in range(20)]
    parts = split_message(blocks)
    assert len(parts) > 1
    assert "\n\n".join(parts) == "\n\n".join(blocks)
    assert all(utf16_len(visible_text(p)) <= 4096 for p in parts)


# ------------------------------------------------------------------ the buttons under an alert


def _labels(markup: object) -> list[str]:
    rows = markup.inline_keyboard  # type: ignore[attr-defined]
    assert all(len(row) == 1 for row in rows), "one button a row"
    return [b.text for row in rows for b in row]


def test_alert_buttons_stop_topics_first_then_mute_watches() -> None:
    markup = alert_keyboard(
        topics=[("isis", "داعش")], watches=[(12, "الرمادي"), (7, '"عين الأسد"')], lang="ar"
    )
    assert markup is not None
    assert _data(markup) == [f"{STOP_TOPIC}isis", f"{MUTE_WATCH}12", f"{MUTE_WATCH}7"]
    assert _labels(markup) == ["⏹ إيقاف «داعش»", "🔕 كتم «الرمادي»", '🔕 كتم «"عين الأسد"»']

    english = alert_keyboard(topics=[("isis", "ISIS")], watches=[(12, "الرمادي")], lang="en")
    assert english is not None
    assert _labels(english) == ["⏹ stop «ISIS»", "🔕 mute «الرمادي»"]


def test_alert_buttons_are_at_most_four() -> None:
    markup = alert_keyboard(
        topics=[("ain_al_asad", "Ain al-Asad"), ("troop_numbers", "Troops"), ("isis", "ISIS")],
        watches=[(1, "الأنبار"), (2, "هيت"), (3, "الرطبة")],
        lang="en",
    )
    assert markup is not None
    assert _data(markup) == ["st:ain_al_asad", "st:troop_numbers", "st:isis", "mw:1"]


def test_long_queries_are_shortened_in_the_label_only() -> None:
    query = '"القوات الأمريكية" OR "التحالف الدولي" -سوريا'
    markup = alert_keyboard(topics=[], watches=[(41, query)], lang="ar")
    assert markup is not None
    (label,) = _labels(markup)
    shown = label.removeprefix("🔕 كتم «").removesuffix("»")
    assert shown == query[: BUTTON_QUERY_CHARS - 1] + "…"
    assert len(shown) == BUTTON_QUERY_CHARS
    assert _data(markup) == ["mw:41"]


@pytest.mark.parametrize(
    ("topic_id", "fits"),
    [
        pytest.param("ع" * 30, True, id="arabic-63-bytes"),
        pytest.param("ع" * 31, False, id="arabic-65-bytes"),
        pytest.param("x" * 61, True, id="ascii-64-bytes"),
        pytest.param("x" * 62, False, id="ascii-65-bytes"),
        pytest.param("قاعدة_عين_الأسد_الجوية_في_الأنبار", True, id="arabic-words-64-bytes"),
        pytest.param("قاعدة_عين_الأسد_الجوية_في_محافظة_الأنبار", False, id="arabic-words-77-bytes"),
    ],
)
def test_a_button_whose_data_would_pass_64_bytes_is_left_out(topic_id: str, fits: bool) -> None:
    markup = alert_keyboard(
        topics=[(topic_id, "قاعدة عين الأسد الجوية في محافظة الأنبار غرب العراق")],
        watches=[(5, "داعش")],
        lang="ar",
    )
    assert markup is not None
    data = _data(markup)
    assert all(len(d.encode("utf-8")) <= MAX_CALLBACK_BYTES for d in data)
    assert data == ([f"st:{topic_id}"] if fits else []) + ["mw:5"]
    if fits:
        assert _labels(markup)[0].endswith("…»")


def test_no_reasons_that_fit_means_no_keyboard() -> None:
    assert alert_keyboard(topics=[], watches=[], lang="en") is None
    assert alert_keyboard(topics=[("ع" * 40, "طويل")], watches=[], lang="ar") is None
    assert alert_keyboard(topics=[], watches=[(10**70, "داعش")], lang="ar") is None


# ------------------------------------------------------------------ the settings lines


def _chat(**settings: object) -> Chat:
    values: dict[str, object] = {"id": 1, "created_at": NOW, "updated_at": NOW, **settings}
    return Chat(**values)


@pytest.mark.parametrize(
    ("settings", "now", "expected"),
    [
        pytest.param(
            {"digest": "off"},
            datetime(2026, 11, 28, 10, 0, tzinfo=UTC),
            [text("en", "digest_off")],
            id="off",
        ),
        pytest.param(
            {"digest": "daily", "digest_at": "21:30"},
            datetime(2026, 11, 28, 10, 0, tzinfo=UTC),  # 13:00 in Baghdad (UTC+3)
            [
                text("en", "digest_daily", at="21:30", tz="Asia/Baghdad"),
                text("en", "digest_next", when="2026-11-28 21:30", tz="Asia/Baghdad"),
            ],
            id="daily-later-today",
        ),
        pytest.param(
            {"digest": "daily", "digest_at": "08:00"},
            datetime(2026, 11, 28, 10, 0, tzinfo=UTC),
            [
                text("en", "digest_daily", at="08:00", tz="Asia/Baghdad"),
                text("en", "digest_next", when="2026-11-29 08:00", tz="Asia/Baghdad"),
            ],
            id="daily-tomorrow",
        ),
        pytest.param(
            {"digest": "hourly", "tz": "Asia/Kolkata"},
            datetime(2026, 11, 28, 10, 10, tzinfo=UTC),  # 15:40 in Kolkata (UTC+5:30)
            [
                text("en", "digest_hourly"),
                text("en", "digest_next", when="2026-11-28 16:00", tz="Asia/Kolkata"),
            ],
            id="hourly-half-hour-zone",
        ),
        pytest.param(
            {"digest": "daily", "digest_at": "23:30", "quiet_start": "23:00", "quiet_end": "07:00"},
            datetime(2026, 11, 28, 10, 0, tzinfo=UTC),
            [
                text("en", "digest_daily", at="23:30", tz="Asia/Baghdad"),
                text("en", "digest_next_quiet", when="2026-11-29 07:00", tz="Asia/Baghdad"),
            ],
            id="daily-pushed-past-quiet-hours",
        ),
    ],
)
def test_digest_lines_say_when_the_next_digest_goes_out(
    settings: dict[str, object], now: datetime, expected: list[str]
) -> None:
    assert digest_lines("en", _chat(**settings), now) == expected


def test_quiet_lines_say_whether_quiet_hours_are_on_now() -> None:
    chat = _chat(quiet_start="23:00", quiet_end="07:00")
    on = text("ar", "quiet_on", start="23:00", end="07:00", tz="Asia/Baghdad")
    late_evening = datetime(2026, 11, 28, 21, 0, tzinfo=UTC)  # 00:00 in Baghdad
    assert quiet_lines("ar", chat, late_evening) == [
        on,
        text("ar", "quiet_now", when="2026-11-29 07:00"),
    ]
    assert quiet_lines("ar", chat, datetime(2026, 11, 28, 10, 0, tzinfo=UTC)) == [on]
    assert quiet_lines("en", _chat(), late_evening) == [text("en", "quiet_none")]


def test_local_time_is_the_chats_wall_clock() -> None:
    instant = datetime(2026, 11, 28, 21, 5, tzinfo=UTC)
    assert local_time(instant, "Asia/Baghdad") == "2026-11-29 00:05"
    assert local_time(instant, "Asia/Damascus") == "2026-11-29 00:05"
    assert local_time(instant, "Europe/London") == "2026-11-28 21:05"
