"""Admin commands (/stats, /feedstatus, /reload) and the admins' feed-health notices."""

from __future__ import annotations

import html
import logging
from datetime import datetime, timedelta

from sqlmodel import Session, col, select
from telegram import Bot, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from postbot.alerts.texts import text
from postbot.bot.chats import ensure_chat
from postbot.bot.commands import reply
from postbot.bot.services import Services, services
from postbot.bot.views import split_message
from postbot.config.catalog import Catalog
from postbot.config.load import load_config
from postbot.errors import ConfigError, PostbotError
from postbot.ops.logs import redact_text
from postbot.store import repo
from postbot.store.models import Chat

log = logging.getLogger(__name__)

MAX_PROBLEMS = 15


async def _admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> tuple[Services, str] | None:
    svc = services(context)
    chat = ensure_chat(svc, update)
    user = update.effective_user
    if not svc.is_admin(user.id if user else None):
        await reply(update, text(chat.lang, "admins_only"))
        return None
    return svc, chat.lang


async def cmd_stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Subscribers, watches, alerts sent in 24 h, alerts waiting, feeds failing."""
    found = await _admin(update, context)
    if found is None:
        return
    svc, lang = found
    now = svc.now()
    with Session(svc.engine) as session:
        stats = repo.store_stats(session=session, since=now - timedelta(hours=24))
        pending = repo.count_pending(session=session)
        feeds = len(repo.list_feeds(session=session, enabled_only=True))
    await reply(
        update,
        text(
            lang,
            "stats",
            chats=stats.active_chats,
            watches=stats.watches,
            sent=stats.sent_since,
            pending=pending,
            failing=stats.failing_feeds,
            feeds=feeds,
        ),
    )


def _when(value: datetime | None, lang: str) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else text(lang, "never")


async def cmd_feedstatus(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Per feed: last success, consecutive errors, next poll, last error."""
    found = await _admin(update, context)
    if found is None:
        return
    svc, lang = found
    with Session(svc.engine) as session:
        feeds = repo.list_feeds(session=session)
    blocks = []
    for feed in sorted(feeds, key=lambda f: (not f.enabled, f.id)):
        mark = "⏸" if not feed.enabled else ("⚠️" if feed.consecutive_errors else "✅")
        # masked before the cut, which could leave "http://user:pass" with no @ to find
        error = f"\n   {html.escape(redact_text(feed.last_error)[:200])}" if feed.last_error else ""
        blocks.append(
            text(
                lang,
                "feedstatus_line",
                mark=mark,
                name=html.escape(feed.name),
                feed_id=html.escape(feed.id),
                success=_when(feed.last_success_at, lang),
                errors=feed.consecutive_errors,
                next=_when(feed.next_poll_at, lang) if feed.enabled else text(lang, "disabled"),
                error=error,
            )
        )
    for part in split_message(blocks):
        await reply(update, part)


async def cmd_reload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Reload the YAML; keep the running config when the new one is invalid, and say why."""
    found = await _admin(update, context)
    if found is None:
        return
    svc, lang = found
    try:
        config = load_config(svc.config_path)
        catalog = Catalog.build(config, svc.extra_admins)
    except ConfigError as exc:
        problems = [str(p) for p in exc.problems]
        if len(problems) > MAX_PROBLEMS:
            problems = [*problems[:MAX_PROBLEMS], f"… (+{len(problems) - MAX_PROBLEMS})"]
        await reply(update, text(lang, "reload_failed", problems=html.escape("\n".join(problems))))
        return
    except PostbotError as exc:
        await reply(update, text(lang, "reload_failed", problems=html.escape(str(exc))))
        return
    svc.catalog.replace(catalog)
    svc.on_reload()
    log.info(
        "config reloaded from %s by user %s",
        svc.config_path,
        update.effective_user.id if update.effective_user else None,
    )
    await reply(update, text(lang, "reloaded", feeds=len(config.feeds), topics=len(config.topics)))


async def notify_admins(bot: Bot, svc: Services, key: str, values: dict[str, str]) -> None:
    """Tell every admin (in their chat's language) about a feed's health; failures are logged."""
    admins = sorted(svc.catalog.current.admins)
    if not admins:
        return
    with Session(svc.engine) as session:
        langs = dict(session.exec(select(Chat.id, Chat.lang).where(col(Chat.id).in_(admins))).all())
    safe = {k: html.escape(redact_text(v)) for k, v in values.items()}  # errors quote URLs
    for admin in admins:
        try:
            await bot.send_message(
                admin, text(langs.get(admin, "en"), key, **safe), parse_mode=ParseMode.HTML
            )
        except TelegramError as exc:  # an admin who never opened the bot cannot be messaged
            log.warning(
                "could not tell admin %s about feed %s: %s", admin, values.get("feed_id"), exc
            )
