"""Telegram channel preview pages (https://t.me/s/<username>) for tests and benches.

Rendered in the structure Telegram serves (as RSSHub's telegram route and other scrapers of
these pages document it): a `section.tgme_channel_history` of `div.tgme_widget_message_wrap`s,
each a `div.tgme_widget_message[data-post]` with the user photo, a bubble holding the author,
the forwarded-from line, the reply block, photos / video, the text (`<br>` between lines) and
a footer whose `.tgme_widget_message_meta` holds "edited" and the dated link. Never fetched
from Telegram: every page here is made from the posts given.
"""

from __future__ import annotations

import datetime as dtm
from dataclasses import dataclass
from html import escape


@dataclass(frozen=True)
class Post:
    """One channel post; `text` lines become `<br>`-separated lines, as Telegram sends them."""

    post_id: int
    text: str = ""
    when: dtm.datetime = dtm.datetime(2026, 12, 6, 9, 0, tzinfo=dtm.UTC)
    forwarded_from: str | None = None
    reply_author: str | None = None
    reply_text: str | None = None
    photos: int = 0
    video: bool = False
    edited: bool = False
    service: bool = False
    views: str = "1.2K"
    raw_text_html: str | None = None  # the text div's inner HTML exactly, when given
    link_preview: tuple[str, str, str] | None = None  # site name, title, description


def _text_html(post: Post) -> str:
    if post.raw_text_html is not None:
        return post.raw_text_html
    return "<br/>".join(escape(line) for line in post.text.split("\n"))


def _photos(post: Post, username: str) -> str:
    one = (
        '<a class="tgme_widget_message_photo_wrap{group} 5262794535467401215 1" '
        'href="https://t.me/{u}/{i}?single" style="width:800px;background-image:'
        "url('https://cdn4.telesco.pe/file/photo{i}_{n}.jpg')\">"
        '<div class="tgme_widget_message_photo" style="padding-top:56.25%"></div></a>'
    )
    if post.photos == 1:
        return one.format(group="", u=username, i=post.post_id, n=0)
    items = "".join(
        one.format(
            group=" grouped_media_wrap blured js-message_photo", u=username, i=post.post_id, n=n
        )
        for n in range(post.photos)
    )
    return (
        '<div class="tgme_widget_message_grouped_wrap js-message_grouped_wrap" data-margin-w="2">'
        f'<div class="tgme_widget_message_grouped js-message_grouped">{items}</div></div>'
    )


def _video(post: Post, username: str) -> str:
    return (
        '<a class="tgme_widget_message_video_player blured js-message_video_player" '
        f'href="https://t.me/{username}/{post.post_id}">'
        '<i class="tgme_widget_message_video_thumb" style="background-image:url(\'https://'
        f"cdn4.telesco.pe/file/thumb{post.post_id}.jpg')\"></i>"
        '<div class="tgme_widget_message_video_wrap"><video class="tgme_widget_message_video '
        f'js-message_video" src="https://cdn4.telesco.pe/file/video{post.post_id}.mp4" '
        'width="100%" height="100%"></video></div>'
        '<div class="message_video_play"></div>'
        '<time class="message_video_duration js-message_video_duration">0:42</time></a>'
    )


def render_post(post: Post, username: str, channel_title: str) -> str:
    """One `div.tgme_widget_message_wrap` as the preview page has it."""
    title = escape(channel_title)
    service = " service_message" if post.service else ""
    parts = [
        '<div class="tgme_widget_message_wrap js-widget_message_wrap">',
        f'<div class="tgme_widget_message text_not_supported_wrap{service} js-widget_message" '
        f'data-post="{username}/{post.post_id}" data-view="eyJjIjotMTAwfQ">',
        f'<div class="tgme_widget_message_user"><a href="https://t.me/{username}">'
        '<i class="tgme_widget_message_user_photo bgcolor1" data-content="ق"></i></a></div>',
        '<div class="tgme_widget_message_bubble">',
        '<i class="tgme_widget_message_bubble_tail"><svg class="bubble_icon" width="9px" '
        'height="20px" viewBox="0 0 9 20"></svg></i>',
        '<div class="tgme_widget_message_author accent_color"><a class="tgme_widget_message_owner'
        f'_name" href="https://t.me/{username}"><span dir="auto">{title}</span></a></div>',
    ]
    if post.forwarded_from is not None:
        parts.append(
            '<div class="tgme_widget_message_forwarded_from accent_color">Forwarded from&nbsp;'
            '<a class="tgme_widget_message_forwarded_from_name" href="https://t.me/source/9">'
            f'<span dir="auto">{escape(post.forwarded_from)}</span></a></div>'
        )
    if post.reply_author is not None:
        snippet = (
            f'<div class="tgme_widget_message_text js-message_reply_text" dir="auto">'
            f"{escape(post.reply_text)}</div>"
            if post.reply_text
            else '<div class="tgme_widget_message_metatext js-message_reply_text">Photo</div>'
        )
        parts.append(
            f'<a class="tgme_widget_message_reply" href="https://t.me/{username}/1">'
            '<div class="tgme_widget_message_author accent_color"><span class="tgme_widget_'
            f'message_author_name" dir="auto">{escape(post.reply_author)}</span></div>'
            f"{snippet}</a>"
        )
    if post.photos:
        parts.append(_photos(post, username))
    if post.video:
        parts.append(_video(post, username))
    if post.text or post.raw_text_html is not None:
        parts.append(
            '<div class="tgme_widget_message_text js-message_text before_footer" dir="auto">'
            f"{_text_html(post)}</div>"
        )
    if post.link_preview is not None:
        site, title_, description = (escape(p) for p in post.link_preview)
        parts.append(
            '<a class="tgme_widget_message_link_preview" href="https://news.example/a">'
            '<i class="link_preview_right_image" style="background-image:url(\'https://cdn4.'
            "telesco.pe/file/cHJldmlldw.jpg')\"></i>"
            f'<div class="link_preview_site_name accent_color" dir="auto">{site}</div>'
            f'<div class="link_preview_title" dir="auto">{title_}</div>'
            f'<div class="link_preview_description" dir="auto">{description}</div></a>'
        )
    when = post.when.astimezone(dtm.UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    edited = "edited&nbsp;" if post.edited else ""
    views = (
        ""
        if post.service
        else f'<span class="tgme_widget_message_views">{post.views}</span>'
        '<span class="copyonly"> views</span>'
    )
    parts += [
        '<div class="tgme_widget_message_footer compact js-message_footer">'
        f'<div class="tgme_widget_message_info short js-message_info">{views}'
        f'<span class="tgme_widget_message_meta">{edited}<a class="tgme_widget_message_date" '
        f'href="https://t.me/{username}/{post.post_id}"><time datetime="{when}" class="time">'
        f"{post.when:%H:%M}</time></a></span></div></div>",
        "</div></div></div>",
    ]
    return "\n".join(parts)


def render_channel_page(username: str, title: str, posts: list[Post]) -> bytes:
    """A whole preview page, posts oldest first (as Telegram lists them)."""
    body = "\n".join(
        render_post(p, username, title) for p in sorted(posts, key=lambda p: p.post_id)
    )
    page = f"""<!DOCTYPE html>
<html>
  <head>
    <meta charset="utf-8">
    <title>{escape(title)} – Telegram</title>
    <meta property="og:title" content="{escape(title)}">
    <meta property="og:site_name" content="Telegram">
    <link rel="canonical" href="https://t.me/s/{username}">
  </head>
  <body class="widget_frame_base tgme_webpreview_channel">
    <header class="tgme_header search_collapsed">
      <div class="tgme_header_info">
        <a class="tgme_header_link" href="https://t.me/{username}">
          <div class="tgme_header_title">{escape(title)}</div>
        </a>
      </div>
    </header>
    <div class="tgme_channel_info">
      <div class="tgme_channel_info_header">
        <i class="tgme_page_photo_image bgcolor1" data-content="ق"></i>
        <div class="tgme_channel_info_header_title"><span dir="auto">{escape(title)}</span></div>
        <div class="tgme_channel_info_header_username"><a href="https://t.me/{username}">@{username}</a></div>
      </div>
      <div class="tgme_channel_info_counters">
        <div class="tgme_channel_info_counter"><span class="counter_value">48.1K</span>
          <span class="counter_type">subscribers</span></div>
      </div>
    </div>
    <main class="tgme_main">
      <section class="tgme_channel_history js-message_history">
{body}
      </section>
    </main>
  </body>
</html>
"""
    return page.encode("utf-8")
