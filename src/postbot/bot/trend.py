"""`/trend <topic|query> [30d|90d]`: stories per day as a chart, sent as a photo.

The counting and drawing run off the event loop (`Services.call`); the chart is kept ten
minutes per (subject, days, language, time zone), so a second ask in that time is instant.
"""

from __future__ import annotations

import contextlib
import html
import re

from telegram import Update
from telegram.constants import ChatAction, ParseMode
from telegram.error import TelegramError

from postbot.alerts.direction import lay_out
from postbot.alerts.texts import text
from postbot.bot.chats import ensure_chat
from postbot.bot.commands import command_args, query_problem, reply
from postbot.bot.services import Context, services
from postbot.errors import QuerySyntaxError
from postbot.service import chats
from postbot.service.chart_cache import DEFAULT_DAYS, MAX_DAYS, MIN_DAYS
from postbot.service.trend import cached_chart, find_subject
from postbot.service.watches import MAX_QUERY_CHARS

# "30d", "90 d", «30ي», «30 يوم», «٣٠ يوماً», "30days": a number of days ending the arguments
PERIOD = re.compile(r"(?:^|\s)([0-9٠-٩]+)\s*(d|days?|ي|يوم|يوما|يوماً|أيام|ايام)$", re.IGNORECASE)
SHOWN_CHARS = 40
ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")


def split_period(args: str) -> tuple[str, int | None, str | None]:
    """(subject words, days or None when not given, the period as typed when out of range)."""
    found = PERIOD.search(args)
    if found is None:
        return args.strip(), DEFAULT_DAYS, None
    days = int(found.group(1).translate(ARABIC_DIGITS))
    words = args[: found.start()].strip()
    typed = found.group(0).strip()
    if not MIN_DAYS <= days <= MAX_DAYS:
        return words, None, typed
    return words, days, None


async def cmd_trend(update: Update, context: Context) -> None:
    """Chart the stories of a topic or query per day: `/trend isis 30d`."""
    svc = services(context)
    chat = await ensure_chat(svc, update)
    lang = chat.lang
    words, days, bad = split_period(command_args(update, context))
    if days is None:
        shown = html.escape(bad[:SHOWN_CHARS] if bad else "")
        await reply(update, text(lang, "trend_bad_days", value=shown))
        return
    if not words:
        await reply(update, text(lang, "trend_usage"))
        return
    ref = svc.catalog
    try:
        subject = find_subject(ref.current, words)
    except QuerySyntaxError as exc:
        await reply(update, query_problem(lang, exc, words[:MAX_QUERY_CHARS]))
        return
    tz = (await svc.call(chats.chat_settings, svc.engine, chat.id)).tz
    # "sending a photo…" in the chat while the chart is counted and drawn (a few seconds)
    with contextlib.suppress(TelegramError):
        await context.bot.send_chat_action(chat.id, ChatAction.UPLOAD_PHOTO)
    chart, _ = await svc.call(
        cached_chart,
        svc.charts,
        svc.engine,
        ref.current,
        subject,
        days=days,
        lang=lang,
        tz=tz,
        now=svc.now(),
        version=ref.version,
    )
    message = update.effective_message
    if chart.png is None or message is None:
        await reply(update, chart.caption)
        return
    await message.reply_photo(
        chart.png,
        caption=lay_out(chart.caption, lang),  # laid out as every reply is (alerts/direction.py)
        parse_mode=ParseMode.HTML,
        filename="trend.png",
    )
