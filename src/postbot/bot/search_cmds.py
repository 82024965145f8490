"""`/search <query> [7d|30d|90d]` and `/latest [topic]`: looking back over stored stories.

A search runs once (service/search.py); its results are kept in the chat's memory under a
short token, and the «التالي»/"Next" and back buttons page through them (`srch:<token>:<page>`,
parsed strictly). Anyone in the chat may page: it changes nothing. After a restart, or once a
chat has run more than KEPT_SEARCHES newer searches, a page button says the search expired.
"""

from __future__ import annotations

import html
import re
import secrets
from collections import OrderedDict
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from postbot.alerts.texts import text
from postbot.bot.buttons import plausible
from postbot.bot.chats import ensure_chat
from postbot.bot.commands import command_args, edit, query_problem, reply
from postbot.bot.services import Context, services
from postbot.bot.views import local_time
from postbot.service import chats
from postbot.service import search as search_service
from postbot.service.search import BadQuery, Found, Searched

PAGE = "srch:"
PAGE_SIZE = 5
KEPT_SEARCHES = 5  # per chat, in memory
PERIODS = (7, 30, 90)
DEFAULT_DAYS = 7
MAX_TITLE = 160
_PAGE_RE = re.compile(r"srch:([0-9a-f]{8}):([0-9]{1,2})")
# the period, last: 30d, ٣٠d, 30ي, 30يوم
_PERIOD_RE = re.compile(r"([0-9\u0660-\u0669\u06f0-\u06f9]{1,4})(d|D|ي|يوم|يوما|يوماً|ايام|أيام)")
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def split_period(args: str) -> tuple[str, int | None, str | None]:
    """(query, days, bad period text): the last word is the period when it looks like one."""
    words = args.rsplit(maxsplit=1)
    if len(words) == 2 and (m := _PERIOD_RE.fullmatch(words[1])):
        days = int(m.group(1).translate(_DIGITS))
        return (
            words[0],
            (days if days in PERIODS else None),
            (None if days in PERIODS else words[1]),
        )
    if len(words) == 1 and _PERIOD_RE.fullmatch(words[0]):
        return "", None, None
    return args, DEFAULT_DAYS, None


def _item(number: int, found: Found, lang: str, tz: str) -> str:
    title = found.title.strip() or "…"
    if len(title) > MAX_TITLE:
        title = title[: MAX_TITLE - 1].rstrip() + "…"
    sep = text(lang, "alert_comma")
    outlets = sep.join(found.outlets)
    when = local_time(found.seen_at, tz)
    lines = [
        f"{number}. <b>{html.escape(title, quote=False)}</b>",
        html.escape(f"{text(lang, 'search_outlets')}: {outlets} · {when}", quote=False),
    ]
    if found.link and found.link.startswith(("http://", "https://")):
        href = html.escape(found.link, quote=True)
        lines.append(f'<a href="{href}">{text(lang, "alert_read")}</a>')
    return "\n".join(lines)


def render_page(
    state: dict[str, Any], page: int, lang: str
) -> tuple[str, InlineKeyboardMarkup | None]:
    """One page of a kept search: header, five stories, and the paging buttons."""
    found: list[Found] = state["found"]
    pages = max(1, -(-len(found) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    head = text(
        lang,
        "search_head",
        query=html.escape(state["query"], quote=False),
        days=state["days"],
        count=len(found),
        page=page + 1,
        pages=pages,
    )
    start = page * PAGE_SIZE
    blocks = [head]
    for i, item in enumerate(found[start : start + PAGE_SIZE], start + 1):
        blocks.append(_item(i, item, lang, state["tz"]))
    if not state["complete"] and page == pages - 1:
        blocks.append(text(lang, "search_bounded", checked=search_service.MAX_CANDIDATES))
    row = []
    token = state["token"]
    if page > 0:
        row.append(
            InlineKeyboardButton(
                text(lang, "search_prev"), callback_data=f"{PAGE}{token}:{page - 1}"
            )
        )
    if page < pages - 1:
        row.append(
            InlineKeyboardButton(
                text(lang, "search_next"), callback_data=f"{PAGE}{token}:{page + 1}"
            )
        )
    return "\n\n".join(blocks), (InlineKeyboardMarkup([row]) if row else None)


def _kept(context: Context) -> OrderedDict[str, dict[str, Any]]:
    data = context.chat_data
    if data is None:  # pragma: no cover - every update we handle has a chat
        return OrderedDict()
    kept = data.get("searches")
    if not isinstance(kept, OrderedDict):
        kept = data["searches"] = OrderedDict()
    return kept


async def cmd_search(update: Update, context: Context) -> None:
    """Search stored stories: `/search <query> [7d|30d|90d]`."""
    svc = services(context)
    chat = await ensure_chat(svc, update)
    lang = chat.lang
    query, days, bad = split_period(command_args(update, context))
    if bad is not None:
        await reply(update, text(lang, "search_period_bad", value=html.escape(bad[:20])))
        return
    if not query or days is None:
        await reply(update, text(lang, "search_usage"))
        return
    result = await svc.call(
        search_service.search, svc.engine, query=query, days=days, now=svc.now()
    )
    if isinstance(result, BadQuery):
        await reply(update, query_problem(lang, result.error, query))
        return
    assert isinstance(result, Searched)
    if not result.found:
        await reply(update, text(lang, "search_none", query=html.escape(query), days=days))
        return
    tz = (await svc.call(chats.chat_settings, svc.engine, chat.id)).tz
    token = secrets.token_hex(4)
    state = {
        "token": token,
        "query": query,
        "days": days,
        "tz": tz,
        "found": result.found,
        "complete": result.complete,
    }
    kept = _kept(context)
    kept[token] = state
    while len(kept) > KEPT_SEARCHES:
        kept.popitem(last=False)
    body, markup = render_page(state, 0, lang)
    await reply(update, body, reply_markup=markup)


async def on_page(update: Update, context: Context) -> None:
    """A «التالي»/"Next" or back button under search results."""
    query = update.callback_query
    if query is None or update.effective_chat is None:
        return
    svc = services(context)
    chat = await ensure_chat(svc, update)
    data = query.data or ""
    match = _PAGE_RE.fullmatch(data) if plausible(data) else None
    if match is None:
        await query.answer(text(chat.lang, "button_invalid"))
        return
    state = _kept(context).get(match.group(1))
    if state is None:
        await query.answer(text(chat.lang, "search_expired"), show_alert=True)
        return
    await query.answer()
    body, markup = render_page(state, int(match.group(2)), chat.lang)
    if not isinstance(query.message, Message):
        return
    await edit(query, body, lang=chat.lang, reply_markup=markup)  # as the first page was


async def cmd_latest(update: Update, context: Context) -> None:
    """The last ten stories of the chat's topics and watches: `/latest [topic]`."""
    svc = services(context)
    chat = await ensure_chat(svc, update)
    lang = chat.lang
    catalog = svc.catalog.current
    arg = command_args(update, context).strip()
    topic = None
    if arg:
        wanted = arg.casefold()
        topic = next(
            (
                t
                for t in catalog.topics
                if wanted in (t.id, t.name("ar").casefold(), t.name("en").casefold())
            ),
            None,
        )
        if topic is None:
            await reply(update, text(lang, "unknown_topic", topic=html.escape(arg[:64])))
            return
    found = await svc.call(
        search_service.latest,
        svc.engine,
        chat_id=chat.id,
        topics=catalog.topics,
        topic_id=topic.id if topic else None,
        now=svc.now(),
    )
    days = search_service.LATEST_DAYS
    if found is None:
        await reply(update, text(lang, "latest_nothing_followed"))
        return
    name = html.escape(topic.name(lang)) if topic else ""
    if not found:
        key = "latest_none_topic" if topic else "latest_none"
        await reply(update, text(lang, key, topic=name, days=days))
        return
    tz = (await svc.call(chats.chat_settings, svc.engine, chat.id)).tz
    head = text(lang, "latest_head_topic", topic=name) if topic else text(lang, "latest_head")
    blocks = [head, *(_item(i, f, lang, tz) for i, f in enumerate(found, 1))]
    await reply(update, "\n\n".join(blocks))
