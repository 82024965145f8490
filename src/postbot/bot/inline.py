"""Inline mode: `@bot query` in any chat lists the recent stories it matched, to share one.

Needs inline mode turned on for the bot (BotFather: /setinline). The results are the same
subjects /trend takes (a topic's id or name, else a /watch query), newest first, one per story.
"""

from __future__ import annotations

import html

from telegram import (
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ParseMode

from postbot.alerts.texts import lang_of, text
from postbot.bot.services import Context, services
from postbot.bot.views import local_time
from postbot.errors import QuerySyntaxError
from postbot.service.inline import Found, recent_matches, user_tz
from postbot.service.trend import find_subject

CACHE_SECONDS = 60  # Telegram keeps an answer this long for the same query
START_HELP = "help"  # the button opens a private chat with /start help
TITLE_CHARS = 200


def article(found: Found, lang: str, tz: str) -> InlineQueryResultArticle:
    """One story as an inline result: the message it shares is its title, outlet and link."""
    line = f"{found.outlet} · {local_time(found.when, tz)}"
    body = [f"<b>{html.escape(found.title)}</b>", html.escape(line)]
    if found.link:
        link = html.escape(found.link, quote=True)
        body.append(f'<a href="{link}">{html.escape(text(lang, "alert_read"))}</a>')
    return InlineQueryResultArticle(
        id=str(found.story_id),
        title=found.title[:TITLE_CHARS],
        description=line,
        input_message_content=InputTextMessageContent(
            "\n".join(body),
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        ),
    )


async def on_inline(update: Update, context: Context) -> None:
    """Answer an inline query with the matching recent stories (or a hint above none)."""
    query = update.inline_query
    if query is None:
        return
    svc = services(context)
    lang = lang_of(query.from_user.language_code)
    words = query.query.strip()
    hint = "inline_hint"
    results: list[InlineQueryResultArticle] = []
    if words:
        try:
            subject = find_subject(svc.catalog.current, words)
        except QuerySyntaxError:
            hint = "inline_bad"
        else:
            now = svc.now()
            found = await svc.call(
                recent_matches, svc.engine, svc.catalog.current, subject, now=now
            )
            tz = await svc.call(user_tz, svc.engine, query.from_user.id)
            results = [article(f, lang, tz) for f in found]
            hint = "inline_nothing"
    button = (
        None if results else InlineQueryResultsButton(text(lang, hint), start_parameter=START_HELP)
    )
    await query.answer(results, cache_time=CACHE_SECONDS, is_personal=True, button=button)
