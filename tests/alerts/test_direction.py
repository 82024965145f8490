"""Direction (SPEC §6, issue 16): what a reader SEES, in the visual order of the Unicode bidi
algorithm (python-bidi, with the paragraph direction taken from the line as Telegram does), for
representative alert, help, digest and error lines in both languages."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from bidi import get_display

from postbot.alerts.digest import DigestItem, render_digest
from postbot.alerts.direction import (
    LRI,
    LRM,
    PDI,
    RLI,
    RLM,
    guess_lang,
    lay_out,
    lay_out_line,
    strip_marks,
)
from postbot.alerts.html import Alert, Outlet, render_alert, visible_text
from postbot.alerts.summarize import Sentence
from postbot.alerts.texts import TEXTS, text
from postbot.bot.commands import query_problem
from postbot.errors import QuerySyntaxError
from postbot.match.query import parse_query

AT = datetime(2026, 11, 28, 14, 5, tzinfo=UTC)


def seen(markup_line: str) -> str:
    """One line as displayed, left to right, without the invisible marks."""
    return strip_marks(get_display(visible_text(markup_line)))


def seen_lines(markup: str) -> list[str]:
    return [seen(line) for line in markup.split("\n")]


def rev(arabic: str) -> str:
    """How an Arabic run looks in visual (left-to-right) order."""
    return arabic[::-1]


def alert(reasons: tuple[str, ...], source: str, **kw: object) -> Alert:
    title = "هجوم على قاعدة عين الأسد"
    body = "استهدف هجوم القاعدة."
    full = f"{title}\n{body}"
    start = len(title) + 1
    values: dict[str, object] = {
        "reasons": reasons,
        "text": full,
        "title_end": len(title),
        "spans": (),
        "summary": (Sentence(start, len(full)),),
        "troop_texts": ("نحو 2,500 جندي", "300 مستشار"),
        "source": source,
        "published": AT,
        "link": "https://example.com/a",
    }
    values.update(kw)
    return Alert(**values)  # type: ignore[arg-type]


def test_english_alert_lines_read_left_to_right() -> None:
    out = render_alert(
        alert(("عين الأسد", "داعش"), "الجزيرة", also_in=(Outlet("العربية", "https://e.x/1"),)),
        "en",
    )
    lines = out.split("\n")
    assert not any(line.startswith(RLM) for line in lines)
    header, _title, _summary, troops, source, also, _read = seen_lines(out)
    assert header.startswith("🔔 ")  # the bell at the left, the first reason next to it
    assert header.index(rev("عين الأسد")) < header.index(rev("داعش"))
    assert source.startswith("Source: " + rev("الجزيرة"))  # not ":Source" at the right
    assert source.endswith("2026-11-28 14:05 UTC")
    assert also.startswith("also in: " + rev("العربية"))
    assert troops.startswith("👥 ") and troops.index(rev("جندي")) < troops.index(rev("مستشار"))


def test_arabic_alert_keeps_latin_names_and_dates_in_place() -> None:
    out = render_alert(alert(("ISIS", "داعش"), "gulfnews24"), "ar")
    header, _title, _summary, _troops, source, _read = seen_lines(out)
    # right to left: the bell at the right edge, then ISIS, then داعش to its left
    assert header.endswith("ISIS 🔔")
    assert header.index(rev("داعش")) < header.index("ISIS")
    assert source.endswith(rev("المصدر:"))  # the label at the right edge
    assert "2026-11-28" in source and "28-11-2026" not in source
    assert source.index("2026-11-28") < source.index("gulfnews24")


def test_arabic_sentence_keeps_the_command_whole() -> None:
    line = lay_out_line(text("ar", "stopped"), "ar")
    shown = seen(line)
    assert "/start" in shown and "start/" not in shown
    assert f"{LRI}/start{PDI}" in line


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_help_examples_keep_the_command_next_to_its_argument(lang: str) -> None:
    help_text = lay_out(text(lang, "help"), lang)
    shown = seen_lines(help_text)
    assert any(f"/watch {rev('داعش')}" in line for line in shown)
    # a longer Arabic argument is one right-to-left run beside the command
    either = "الأنبار أو الرمادي" if lang == "ar" else "الأنبار OR الرمادي"
    assert any(f"/watch {rev(either)}" in line for line in shown) or any(
        f"/watch {rev('الأنبار')} OR {rev('الرمادي')}" in line for line in shown
    )
    assert not any("watch/" in line or "topics/" in line for line in shown)
    if lang == "en":
        harir = next(line for line in shown if "Harir" in line)
        assert harir.startswith(f"/watch Harir OR {rev('حرير')}")
    else:  # Arabic lines: the example first, at the right edge, its description to the left
        example = next(line for line in shown if f"/watch {rev('داعش')}" in line)
        assert example.endswith(f"/watch {rev('داعش')}")


def test_code_is_isolated_from_outside_so_copying_it_stays_clean() -> None:
    line = lay_out_line("أرسل <code>/watch داعش</code> الآن", "ar")
    assert f"{LRI}<code>/watch داعش</code>{PDI}" in line
    inside = line[line.index("<code>") : line.index("</code>")]
    assert not any(mark in inside for mark in (LRI, RLI, PDI, LRM, RLM))


def test_lines_of_one_script_and_pre_blocks_are_left_alone() -> None:
    assert lay_out_line("Config reloaded: 2 feeds", "en") == "Config reloaded: 2 feeds"
    assert lay_out_line("تمت متابعة «داعش»", "ar") == "تمت متابعة «داعش»"
    pre = "<pre>a: عين\nb: x</pre>"
    assert lay_out("خطأ\n" + pre, "ar") == "خطأ\n" + pre


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_digest_lines(lang: str) -> None:
    item = DigestItem(
        title="قصف قاعدة عين الأسد",
        link="https://example.com/a",
        sources=("الجزيرة", "Reuters"),
        groups=("عين الأسد",),
        published=AT,
    )
    [(markup, _)] = render_digest(
        [item], lang=lang, kind="hourly", tz="Asia/Baghdad", period_end=AT
    )
    header, _blank, group, story = seen_lines(markup)
    if lang == "en":
        assert header.startswith("📰 Hourly digest")
        assert group == rev("عين الأسد")
        assert story.startswith("• " + rev("قصف قاعدة عين الأسد"))
        assert story.endswith("17:05")
    else:
        assert header.endswith(rev("📰 ملخص الساعة"))
        assert "2026-11-28 17:05" in header
        assert story.endswith(rev("قصف قاعدة عين الأسد") + " •")


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_error_lines(lang: str) -> None:
    query = "عين OR"
    with pytest.raises(QuerySyntaxError) as info:
        parse_query(query)
    reply = lay_out(query_problem(lang, info.value, query), lang)
    first, code, last = seen_lines(reply)
    assert "help/" not in last and "/help" in last
    if lang == "en":
        assert first.startswith("⚠️ I could not read that query")
        assert last.startswith("See /help")
    else:
        assert rev("لم أفهم الاستعلام:") in first and first.endswith("⚠")
        assert "Could" not in reply and "could" not in reply
        assert code == f"OR {rev('عين')}"  # the query reads right to left, as typed


@pytest.mark.parametrize(("lang", "shown"), [("ar", "دسألا AND نيع"), ("en", "دسألا AND نيع")])
def test_read_back_reads_in_typed_order(lang: str, shown: str) -> None:
    line = lay_out_line(text(lang, "watch_read_as", expr="عين AND الأسد"), lang)
    assert shown in seen(line)
    if lang == "en":
        assert seen(line).startswith("🔎 Read as:")


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_laying_out_twice_changes_nothing(lang: str) -> None:
    once = lay_out(text(lang, "help"), lang)
    assert lay_out(once, lang) == once


def test_watch_list_entries_read_as_typed() -> None:
    line = lay_out_line("2. <code>ISIS OR داعش</code>", "ar")
    assert line == f"2. {RLM}{LRI}<code>ISIS OR داعش</code>{PDI}"
    assert seen(line).endswith(f"ISIS OR {rev('داعش')} .2")


@pytest.mark.parametrize("key", ["help", "quiet_bad", "tz_unknown_any", "digest_usage", "stopped"])
@pytest.mark.parametrize("lang", ["ar", "en"])
def test_a_reply_tells_its_own_language(key: str, lang: str) -> None:
    values = {"value": "Asia/Bagdad"} if "{value}" in TEXTS[key][lang] else {}
    assert guess_lang(text(lang, key, **values)) == lang


def test_settings_hint_keeps_the_command_whole() -> None:
    hint = text("ar", "quiet_hint_off")
    assert "quiet off/" in seen(hint) or "off/quiet" in seen(hint)  # unmarked: broken
    assert seen(lay_out(hint, guess_lang(hint))).startswith("/quiet off")


def test_an_english_list_of_arabic_names_is_still_english() -> None:
    listing = "📰 Monitored feeds (3):\n• وكالة الاختبار\n• الجزيرة نت\n• العربية الحدث"
    assert guess_lang(listing) == "en"
    laid = lay_out(listing, guess_lang(listing))
    assert laid.split("\n")[0] == "📰 Monitored feeds (3):"
    assert seen(laid.split("\n")[1]) == "• " + rev("وكالة الاختبار")
