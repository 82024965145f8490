"""Channel-like sources for bench/poll.py: a static page shaped like a public Telegram channel's
web preview (t.me/s/<name>), read by postbot's own channel parser (feeds/channel.py).

The page follows the structure the projects that read these previews rely on: one
`tgme_widget_message_wrap` per post, the post's id in `data-post="<channel>/<n>"`, its text in
`tgme_widget_message_text` (line breaks as <br/>), its date in `<time datetime=...>` inside the
`tgme_widget_message_date` link, plus the author, view count and page furniture (about 2 kB a
post, 43 kB a page of 20; real pages run larger). The page is served without validators, the
worst case (conditional requests not honoured): every poll downloads and parses it in full.
"""

from __future__ import annotations

import html
import random
from collections.abc import Callable
from datetime import datetime, timedelta

POSTS_PER_PAGE = 20

_HEAD = (
    '<!DOCTYPE html>\n<html class="theme_light"><head><meta charset="utf-8">'
    "<title>{title} – Telegram</title>"
    '<meta name="viewport" content="width=device-width, initial-scale=1.0">'
    '<meta property="og:title" content="{title}"><meta property="og:site_name" content="Telegram">'
    '<link href="//telegram.org/css/font-roboto.css?1" rel="stylesheet" type="text/css">'
    '<link href="//telegram.org/css/widget-frame.css?71" rel="stylesheet" media="screen">'
    '<link href="//telegram.org/css/telegram-web.css?42" rel="stylesheet" media="screen">'
    "<script>var TWidgetLogin = {{}}; function tgCheck(){{return !!window.TWidget;}}"
    + "/* widget bootstrap */ "
    * 40
    + '</script></head><body class="widget_frame_base tgme_webpreview_body">'
    '<header class="tgme_header"><div class="tgme_header_info">'
    '<div class="tgme_header_title">{title}</div></div></header>'
    '<main class="tgme_main"><section class="tgme_channel_history js-message_history">'
)
_POST = (
    '<div class="tgme_widget_message_wrap js-widget_message_wrap">'
    '<div class="tgme_widget_message text_not_supported_wrap js-widget_message"'
    ' data-post="{name}/{number}" data-view="eyJjIjotMTAwMTIzNDU2Nzg5MH0">'
    '<div class="tgme_widget_message_user"><a href="https://t.me/{name}">'
    '<i class="tgme_widget_message_user_photo bgcolor2" data-content="T">'
    '<img src="https://cdn4.telesco.pe/file/{pad}.jpg"></i></a></div>'
    '<div class="tgme_widget_message_bubble"><i class="tgme_widget_message_bubble_tail">'
    '<svg class="bubble_icon" width="9px" height="20px" viewBox="0 0 9 20">'
    '<g fill="none" fill-rule="evenodd"><path class="background" fill="#ffffff" '
    'd="M8,1 L9,1 L9,20 L8,20 L8,18 C7.807,15.161 7.124,12.233 5.950,9.218 C5.046,6.893 '
    "3.504,4.733 1.325,2.738 L1.325,2.738 C0.917,2.365 0.89,1.732 1.263,1.325 C1.452,1.118 "
    '1.72,1 2,1 L8,1 Z"></path></g></svg></i>'
    '<div class="tgme_widget_message_author accent_color"><a class="tgme_widget_message_owner_name"'
    ' href="https://t.me/{name}"><span dir="auto">{title}</span></a></div>'
    '<div class="tgme_widget_message_text js-message_text" dir="auto">{text}</div>'
    '<div class="tgme_widget_message_footer compact js-message_footer">'
    '<div class="tgme_widget_message_info short js-message_info">'
    '<span class="tgme_widget_message_views">{views}</span>'
    '<span class="copyonly"> views</span><span class="tgme_widget_message_meta">'
    '<a class="tgme_widget_message_date" href="https://t.me/{name}/{number}">'
    '<time datetime="{when}" class="time">{hhmm}</time></a></span></div></div></div></div></div>'
)
_TAIL = "</section></main></body></html>"


def render_channel(name: str, title: str, posts: list[tuple[int, str, datetime]]) -> bytes:
    """A channel preview page of `posts` (number, text with line breaks, date), oldest first."""
    rng = random.Random(name)
    parts = [_HEAD.format(title=html.escape(title))]
    for number, text, when in posts:
        body = "<br/>".join(html.escape(line) for line in text.splitlines())
        parts.append(
            _POST.format(
                name=name,
                number=number,
                title=html.escape(title),
                text=body,
                views=f"{rng.randint(1, 99)}.{rng.randint(0, 9)}K",
                when=when.isoformat(),
                hhmm=when.strftime("%H:%M"),
                pad="".join(rng.choice("abcdef0123456789") for _ in range(400)),
            )
        )
    parts.append(_TAIL)
    return "".join(parts).encode("utf-8")


def channel_posts(
    channel: int, first: int, count: int, start: datetime, make_text: Callable[[], str]
) -> list[tuple[int, str, datetime]]:
    """Posts `first`..`first + count - 1` of a channel, oldest first."""
    return [
        (n, make_text(), start + timedelta(minutes=5 * n + channel % 5))
        for n in range(first, first + count)
    ]
