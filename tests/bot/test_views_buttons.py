"""Topic picker and watch list: buttons, callback data within Telegram's 64 bytes, long lists."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from postbot.alerts.render import utf16_len, visible_text
from postbot.bot.views import MAX_CALLBACK_BYTES, split_message, topics_keyboard, watches_view
from postbot.catalog import Catalog
from postbot.store.models import Watch
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
        Watch(id=7, chat_id=1, query="<داعش> & co", created_at=NOW),
        Watch(id=9, chat_id=1, query='"عين الأسد" OR الأنبار OR الرمادي OR هيت', created_at=NOW),
    ]
    body, markup = watches_view(_catalog(), watches, ["isis"], "ar")
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
