"""Wiring: the python-telegram-bot Application with our handlers, rate limiter and scheduler.

Everything the bot needs is built here once and handed in; the handlers themselves are thin.
The Bot API root is `TELEGRAM_API_URL`, so the same code runs against Telegram, a self-hosted
Bot API server, or the test double.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from postbot.alerts.texts import command_list, lang_of, text
from postbot.bot import (
    admin,
    breaking,
    buttons,
    commands,
    inline,
    membership,
    search_cmds,
    settings_cmds,
    trend,
    watchstate,
)
from postbot.bot import chatsettings_cmds as chatsettings
from postbot.bot.chats import ensure_chat
from postbot.bot.outage import (
    OutageLog,
    WatchedRequest,
    is_network_error,
    quiet_ptb_network_tracebacks,
)
from postbot.bot.services import BotData, Context, Services, bot_data_of
from postbot.bot.updates import PerChatUpdateProcessor
from postbot.delivery.budget import make_gate
from postbot.delivery.flood import DEFAULT_PER_SECOND, PAID_PER_SECOND, FloodGate
from postbot.delivery.ratelimit import GateRateLimiter

log = logging.getLogger(__name__)

# PTB builds our bot_data; user and chat data stay plain dicts
CONTEXT_TYPES = ContextTypes(bot_data=BotData)


def gate_for(svc: Services) -> FloodGate:
    """The process's flood gate: 29/s (or 1,000/s with paid broadcasts), shared through
    PostgreSQL with the other processes."""
    per_second = PAID_PER_SECOND if svc.catalog.current.config.paid_broadcast else None
    return make_gate(svc.engine, per_second or DEFAULT_PER_SECOND)


HANDLERS = {
    "start": commands.cmd_start,
    "stop": commands.cmd_stop,
    "topics": commands.cmd_topics,
    "watch": commands.cmd_watch,
    "watches": commands.cmd_watches,
    "unwatch": watchstate.cmd_unwatch,
    "mute": watchstate.cmd_mute,
    "pause": watchstate.cmd_pause,
    "resume": watchstate.cmd_resume,
    "digest": settings_cmds.cmd_digest,
    "tz": settings_cmds.cmd_tz,
    "quiet": settings_cmds.cmd_quiet,
    "breaking": breaking.cmd_breaking,
    "trend": trend.cmd_trend,
    "feeds": commands.cmd_feeds,
    "search": search_cmds.cmd_search,
    "latest": search_cmds.cmd_latest,
    "help": commands.cmd_help,
    "lang": commands.cmd_lang,
    "stats": admin.cmd_stats,
    "feedstatus": admin.cmd_feedstatus,
    "reload": admin.cmd_reload,
    "format": chatsettings.cmd_format,
    "silent": chatsettings.cmd_silent,
    "sources": chatsettings.cmd_sources,
    "connect": chatsettings.cmd_connect,
    "disconnect": chatsettings.cmd_disconnect,
    "whoami": chatsettings.cmd_whoami,
}


def build_application(
    *, token: str, api_url: str, svc: Services, gate: FloodGate | None = None
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The Application: handlers, flood gate, and the scheduler started with it."""
    gate = gate or gate_for(svc)
    processor = PerChatUpdateProcessor()
    outage = OutageLog()
    quiet_ptb_network_tracebacks()
    app = (
        Application.builder()
        .application_class(PostbotApplication)
        .token(token)
        .request(WatchedRequest(outage, connection_pool_size=256))
        .get_updates_request(WatchedRequest(outage, connection_pool_size=1))
        .base_url(f"{api_url}/bot")
        .base_file_url(f"{api_url}/file/bot")
        .rate_limiter(GateRateLimiter(gate))
        .context_types(CONTEXT_TYPES)
        .concurrent_updates(processor)
        .job_queue(None)  # our scheduler runs the ticks (postbot.scheduler), not PTB's JobQueue
        .post_init(_post_init)
        .post_stop(_post_stop)
        .build()
    )

    async def too_many_queued(update: Update) -> None:
        chat = await ensure_chat(svc, update)
        notice = text(chat.lang, "too_many_queued")
        if update.callback_query is not None:
            await update.callback_query.answer(notice, show_alert=True)
        else:
            await app.bot.send_message(chat.id, notice)

    processor.on_overflow = too_many_queued
    bot_data_of(app).services = svc
    # new messages only: editing an old "/watch ..." must not add a watch again
    new = filters.UpdateType.MESSAGE
    for name, callback in HANDLERS.items():
        app.add_handler(CommandHandler(name, callback, filters=new))
    app.add_handler(CallbackQueryHandler(chatsettings.on_source_button, pattern=r"^src:"))
    app.add_handler(CallbackQueryHandler(search_cmds.on_page, pattern=f"^{search_cmds.PAGE}"))
    app.add_handler(CallbackQueryHandler(buttons.on_button))
    app.add_handler(InlineQueryHandler(inline.on_inline))
    app.add_handler(ChatMemberHandler(membership.on_my_member, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, membership.on_migrate))
    app.add_handler(MessageHandler(new & filters.COMMAND, commands.cmd_unknown))
    app.add_handler(
        MessageHandler(
            new & filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND,
            commands.on_private_text,
        )
    )
    app.add_error_handler(on_error)
    return app


class PostbotApplication(Application[Any, Any, Any, Any, Any, Any]):
    """PTB's Application, told to drop queued updates as soon as it is asked to stop.

    PTB's `stop()` waits for every update it has taken in: with a flooding chat queued, SIGTERM
    would take minutes. Our processor drops what waits and cancels what runs past its grace.
    """

    async def stop(self) -> None:
        """Stop: queued updates are dropped, running handlers get a few seconds."""
        if self.running and isinstance(self.update_processor, PerChatUpdateProcessor):
            self.update_processor.begin_stop()
        await super().stop()


async def _post_init(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Register the command menus, then start the scheduler app.py built (if any)."""
    svc = bot_data_of(app).services
    await register_commands(app, svc)
    if svc.scheduler is not None:
        await svc.scheduler.start()


async def _post_stop(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Stop the scheduler: polls and sends in flight finish first."""
    svc = bot_data_of(app).services
    if svc.scheduler is not None:
        await svc.scheduler.stop()


async def register_commands(app: Application[Any, Any, Any, Any, Any, Any], svc: Services) -> None:
    """setMyCommands in English (default) and Arabic; admins also see the admin commands."""
    bot = app.bot
    for lang, code in (("en", None), ("ar", "ar")):
        await bot.set_my_commands(
            [BotCommand(c, d) for c, d in command_list(lang)], language_code=code
        )
    for admin_id in sorted(svc.catalog.current.admins):
        try:
            for lang, code in (("en", None), ("ar", "ar")):
                await bot.set_my_commands(
                    [BotCommand(c, d) for c, d in command_list(lang, admin=True)],
                    scope=BotCommandScopeChat(admin_id),
                    language_code=code,
                )
        except TelegramError as exc:  # the admin has not opened a chat with the bot yet
            log.info("admin %s: commands not registered for their chat: %s", admin_id, exc)


async def on_error(update: object, context: Context) -> None:
    """Log an unexpected handler error with its chat, and tell the user it did not work."""
    chat_id = (
        update.effective_chat.id if isinstance(update, Update) and update.effective_chat else None
    )
    if context.error is not None and is_network_error(context.error):
        # the Bot API is out of reach (getUpdates, or a reply): WatchedRequest has said so once
        # at WARNING; a traceback per failed call would bury the log
        if update is None:
            log.debug("polling for updates failed: %s", context.error)
        else:
            log.info("chat %s: reply not sent, Bot API unreachable: %s", chat_id, context.error)
        return
    log.error("handler error in chat %s", chat_id, exc_info=context.error)
    if isinstance(update, Update) and update.effective_message is not None:
        user = update.effective_user
        lang = lang_of(user.language_code if user else None)
        with contextlib.suppress(TelegramError):
            await update.effective_message.reply_text(text(lang, "error"))
