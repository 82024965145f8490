"""Admin commands (/stats, /feedstatus, /reload) and the admins' feed-health notices."""

from __future__ import annotations

import html
import logging
from datetime import datetime

from telegram import Bot, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError

from postbot.alerts.direction import lay_out
from postbot.alerts.texts import text
from postbot.alerts.zones import local_stamp
from postbot.bot.chats import ensure_chat
from postbot.bot.commands import reply
from postbot.bot.services import Context, Services, services
from postbot.bot.stats_latency import latency_block
from postbot.bot.views import split_message
from postbot.config.changes import ConfigChanges, config_changes
from postbot.errors import ConfigError, PostbotError
from postbot.ops.logs import redact_text
from postbot.service import admin, chats, latency
from postbot.store.models import Feed

log = logging.getLogger(__name__)

MAX_PROBLEMS = 15


async def _admin(update: Update, context: Context) -> tuple[Services, str] | None:
    svc = services(context)
    chat = await ensure_chat(svc, update)
    user = update.effective_user
    if not svc.is_admin(user.id if user else None):
        await reply(update, text(chat.lang, "admins_only"))
        return None
    return svc, chat.lang


async def cmd_stats(update: Update, context: Context) -> None:
    """Subscribers, watches, alerts sent in 24 h, alerts waiting, feeds failing; then the
    publish-to-alert delay (p50, p95) overall and for the slowest sources."""
    found = await _admin(update, context)
    if found is None:
        return
    svc, lang = found
    figures = await svc.call(admin.stats, svc.engine, now=svc.now())
    delays = await svc.call(latency.latency_summary, svc.engine, now=svc.now())
    await reply(
        update,
        text(
            lang,
            "stats",
            chats=figures.chats,
            watches=figures.watches,
            sent=figures.sent,
            pending=figures.pending,
            failing=figures.failing,
            feeds=figures.feeds,
        )
        + latency_block(delays, lang, svc.catalog.current.feed_name),
    )


def _when(value: datetime | None, lang: str, tz: str) -> str:
    return local_stamp(value, tz) if value else text(lang, "never")


def feed_block(feed: Feed, lang: str, tz: str = "UTC") -> str:
    """One feed's /feedstatus lines: health mark, last success, errors, next poll, last error."""
    mark = "⏸" if not feed.enabled else ("⚠️" if feed.consecutive_errors else "✅")
    # masked before the cut, which could leave "http://user:pass" with no @ to find
    error = f"\n   {html.escape(redact_text(feed.last_error)[:200])}" if feed.last_error else ""
    return text(
        lang,
        "feedstatus_line",
        mark=mark,
        name=html.escape(feed.name),
        feed_id=html.escape(feed.id),
        success=_when(feed.last_success_at, lang, tz),
        errors=feed.consecutive_errors,
        next=_when(feed.next_poll_at, lang, tz) if feed.enabled else text(lang, "disabled"),
        error=error,
    )


async def cmd_feedstatus(update: Update, context: Context) -> None:
    """Per feed: last success, consecutive errors, next poll, last error."""
    found = await _admin(update, context)
    if found is None:
        return
    svc, lang = found
    feeds = await svc.call(admin.feed_statuses, svc.engine)
    chat = update.effective_chat
    tz = (await svc.call(chats.chat_settings, svc.engine, chat.id)).tz if chat else "UTC"
    for part in split_message([feed_block(feed, lang, tz) for feed in feeds]):  # chat's zone
        await reply(update, part)


def _problems(exc: PostbotError) -> str:
    if not isinstance(exc, ConfigError):
        return str(exc)
    problems = [str(p) for p in exc.problems]
    if len(problems) > MAX_PROBLEMS:
        problems = [*problems[:MAX_PROBLEMS], f"… (+{len(problems) - MAX_PROBLEMS})"]
    return "\n".join(problems)


async def cmd_reload(update: Update, context: Context) -> None:
    """Reload the YAML; keep the running config when the new one is invalid, and say why."""
    found = await _admin(update, context)
    if found is None:
        return
    svc, lang = found
    try:
        catalog = await svc.call(admin.load_catalog, svc.config_path, svc.extra_admins)
    except PostbotError as exc:
        await reply(update, text(lang, "reload_failed", problems=html.escape(_problems(exc))))
        return
    changes = config_changes(svc.catalog.current.config, catalog.config)
    svc.catalog.replace(catalog)
    svc.on_reload()
    log.info(
        "config reloaded from %s by user %s",
        svc.config_path,
        update.effective_user.id if update.effective_user else None,
    )
    config = catalog.config
    lines = [text(lang, "reloaded", feeds=len(config.feeds), topics=len(config.topics))]
    lines += change_lines(changes, lang)
    await reply(update, "\n".join(lines), lang=lang)


def change_lines(changes: ConfigChanges, lang: str) -> list[str]:
    """What a reload changed, one line per kind of change (or one line saying nothing did)."""
    if changes.nothing:
        return [text(lang, "reload_none")]
    comma = text(lang, "alert_comma")
    lines = []
    for key, feeds in (
        ("reload_feeds_added", changes.feeds_added),
        ("reload_feeds_removed", changes.feeds_removed),
        ("reload_feeds_changed", changes.feeds_changed),
    ):
        if feeds:
            names = comma.join(html.escape(f"{f.name} ({f.id})") for f in feeds)
            lines.append(text(lang, key, names=names))
    for key, topics in (
        ("reload_topics_added", changes.topics_added),
        ("reload_topics_removed", changes.topics_removed),
        ("reload_topics_changed", changes.topics_changed),
    ):
        if topics:
            names = comma.join(html.escape(getattr(t.name, lang, t.name.en)) for t in topics)
            lines.append(text(lang, key, names=names))
    if changes.other:
        lines.append(text(lang, "reload_other"))
    return lines


async def notify_admins(bot: Bot, svc: Services, key: str, values: dict[str, str]) -> None:
    """Tell every admin (in their chat's language) about a feed's health; failures are logged."""
    admins = sorted(svc.catalog.current.admins)
    if not admins:
        return
    langs = await svc.call(chats.chat_langs, svc.engine, admins)
    safe = {k: html.escape(redact_text(v)) for k, v in values.items()}  # errors quote URLs
    for admin_id in admins:
        try:
            lang = langs.get(admin_id, "en")
            body = lay_out(text(lang, key, **safe), lang)  # feed ids and errors are Latin
            await bot.send_message(admin_id, body, parse_mode=ParseMode.HTML)
        except TelegramError as exc:  # an admin who never opened the bot cannot be messaged
            log.warning(
                "could not tell admin %s about feed %s: %s", admin_id, values.get("feed_id"), exc
            )
