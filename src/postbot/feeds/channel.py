"""A public Telegram channel's web preview (https://t.me/s/<username>) to stories (pure).

The page Telegram serves to browsers without a login lists the channel's latest posts, oldest
first, each a `div.tgme_widget_message` with `data-post="<username>/<id>"`. Inside it: the text
in `.tgme_widget_message_text` (line breaks as `<br>`), the date as `time[datetime]` in
`a.tgme_widget_message_date` (whose href is the post's link), the forwarded-from name in
`.tgme_widget_message_forwarded_from_name`, the post replied to in `.tgme_widget_message_reply`
(its author and a snippet, whose own `.tgme_widget_message_text` is not the post's text),
photos as `.tgme_widget_message_photo_wrap`, videos as `.tgme_widget_message_video_player` (or a
bare `_video_wrap`), "edited" in `.tgme_widget_message_meta`, and service messages ("channel
created", "pinned ...") marked `service_message`. The channel's title is
`.tgme_channel_info_header_title`; `.tgme_channel_history` holds the posts. A page without
either is not a preview (Telegram redirects a channel without one to its plain t.me page).

Each post becomes a `Story`: its first line is the title; the summary is the forwarded-from and
reply context, the media (📷, 🎥) and the rest of the text. Its key is the post id, so a post
edited later keeps its story (and makes no second alert) and a deleted one simply stops
appearing. Service messages and posts with neither text nor media are skipped. Parsed with
selectolax (Lexbor): see the README for why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from selectolax.lexbor import LexborHTMLParser, LexborNode

from postbot.config.model import CHANNEL_PREVIEW
from postbot.feeds.parse import ParsedFeed
from postbot.feeds.story import MAX_SUMMARY_CHARS, Story, cap_text, clean_text

CHANNEL_LINK = "https://t.me"
MAX_POSTS = 200  # a real preview page shows about 20
TITLE_CHARS = 160
SNIPPET_CHARS = 120
PREVIEW_CHARS = 300
PHOTO, VIDEO, FORWARDED, REPLY, LINK = "📷", "🎥", "🔁", "↩️", "🔗"

_POST_ID = re.compile(r"([A-Za-z][A-Za-z0-9_]{2,63})/(\d{1,15})")
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0]+")
_EDITED = re.compile(r"\bedited\b", re.IGNORECASE)
_URL_ONLY = re.compile(r"(?:https?://)?[\w.-]+\.[a-z]{2,}(?:/\S*)?", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ChannelPost:
    """One post as the preview page shows it."""

    username: str
    post_id: int
    published: datetime | None
    text: str
    forwarded_from: str | None = None
    reply_to: str | None = None  # "<author>: <snippet>" of the post replied to
    photos: int = 0
    videos: int = 0
    edited: bool = False
    service: bool = False
    link_preview: str | None = None  # the linked page's site, title and description

    @property
    def link(self) -> str:
        """The post's public link, https://t.me/<username>/<id>."""
        return f"{CHANNEL_LINK}/{self.username}/{self.post_id}"

    @property
    def key(self) -> str:
        """The story key: stable across edits and across the username's case."""
        return f"{self.username.lower()}/{self.post_id}"


@dataclass(frozen=True, slots=True)
class ChannelPage:
    """A preview page: the channel's title (None: not a preview page) and its posts."""

    title: str | None
    posts: list[ChannelPost]
    is_preview: bool


def preview_url(username: str, base: str = CHANNEL_PREVIEW) -> str:
    """Where a channel's preview page is read: `<base>/<username>`.

    The base is the setting POSTBOT_TELEGRAM_PREVIEW_URL: https://t.me/s unless a test serves
    its own pages."""
    return f"{base.rstrip('/')}/{username}"


def older_page_url(username: str, before: int, base: str = CHANNEL_PREVIEW) -> str:
    """The preview page of the posts just before post `before` (`?before=<id>`, as the page's
    own "load more" link and the scrapers of these pages ask for it; about 20 posts)."""
    return f"{preview_url(username, base)}?before={before}"


def post_id_of(key: str) -> int | None:
    """The post id in a channel story's key ("<username>/<id>"); None for another key."""
    _, _, tail = key.rpartition("/")
    return int(tail) if tail.isdigit() and len(tail) <= 15 else None


def parse_channel(body: bytes | str, *, feed_id: str, username: str) -> ParsedFeed:
    """A channel's preview page as a parsed feed, newest post first (for polls and checks).

    Posts of another channel than `username` are left out. A page that is not a channel
    preview comes back with no title, no stories and a warning.
    """
    page = read_channel_page(body)
    if not page.is_preview:
        warning = f"not a Telegram channel preview page (is @{username} a public channel?)"
        return ParsedFeed(None, [], warning)
    stories: list[Story] = []
    seen: set[str] = set()
    foreign = 0
    for post in reversed(page.posts):
        if post.username.lower() != username.lower():
            foreign += 1
            continue
        story = post_story(post, feed_id)
        if story is not None and story.key not in seen:
            seen.add(story.key)
            stories.append(story)
    left_out = f"{foreign} posts of other channels left out" if foreign else None
    return ParsedFeed(page.title, stories, left_out)


def post_story(post: ChannelPost, feed_id: str) -> Story | None:
    """The story of one post; None for a service message or a post with nothing to read."""
    if post.service:
        return None
    media = " ".join(m for m, n in ((PHOTO, post.photos), (VIDEO, post.videos)) if n)
    context = []
    if post.forwarded_from:
        context.append(f"{FORWARDED} {post.forwarded_from}:")
    if post.reply_to:
        context.append(f"{REPLY} {post.reply_to}")
    lines = post.text.split("\n")
    lead_at = next((i for i, line in enumerate(lines) if line.strip()), None)
    lead = lines[lead_at].strip() if lead_at is not None else ""
    if post.link_preview and (not lead or _URL_ONLY.fullmatch(lead)):
        title = post.link_preview  # a bare link: what it links to says more than its address
    else:
        title = lead or media or " ".join(context)
    if not title:
        return None
    # the first line is the title: the summary goes on from there (the alert shows both), unless
    # the title had to be cut
    rest = "\n".join(lines[lead_at + 1 :]) if lead_at is not None else ""
    text = post.text if len(lead) > TITLE_CHARS else rest.strip()
    body = f"{media} {text}".strip() if media else text
    preview = [f"{LINK} {post.link_preview}"] if post.link_preview else []
    summary = "\n".join([*context, body, *preview]).strip()
    return Story(
        feed_id=feed_id,
        key=post.key,
        title=cap_text(clean_text(title).strip(), TITLE_CHARS),
        link=post.link,
        summary=cap_text(clean_text(summary), MAX_SUMMARY_CHARS),
        published=post.published,
    )


def read_channel_page(body: bytes | str) -> ChannelPage:
    """The structure of a preview page: its title and up to MAX_POSTS posts, oldest first."""
    html = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
    tree = LexborHTMLParser(html.replace("\x00", ""))
    header = tree.css_first(".tgme_channel_info_header_title")
    title = _flat(_text_of(header)) if header is not None else None
    history = tree.css_first(".tgme_channel_history")
    posts: list[ChannelPost] = []
    for node in tree.css("div.tgme_widget_message"):
        post = _read_post(node)
        if post is not None:
            posts.append(post)
            if len(posts) >= MAX_POSTS:
                break
    is_preview = header is not None or history is not None
    return ChannelPage(title or None if is_preview else None, posts, is_preview)


def _read_post(node: LexborNode) -> ChannelPost | None:
    match = _POST_ID.fullmatch((node.attributes.get("data-post") or "").strip())
    if match is None:
        return None
    texts = [
        t
        for t in node.css(".tgme_widget_message_text")
        if not _inside(t, node, "tgme_widget_message_reply")
        and "js-message_reply_text" not in _classes(t)
    ]
    text = "\n".join(_lines(_text_of(t)) for t in texts).strip()
    forwarded = node.css_first(".tgme_widget_message_forwarded_from_name")
    videos = len(node.css(".tgme_widget_message_video_player")) or len(
        node.css(".tgme_widget_message_video_wrap")
    )
    return ChannelPost(
        username=match.group(1),
        post_id=int(match.group(2)),
        published=_published(node),
        text=text,
        forwarded_from=_flat(_text_of(forwarded)) or None if forwarded is not None else None,
        reply_to=_reply(node),
        photos=len(node.css(".tgme_widget_message_photo_wrap")),
        videos=videos,
        edited=_edited(node),
        service="service_message" in _classes(node),
        link_preview=_link_preview(node),
    )


def _reply(node: LexborNode) -> str | None:
    reply = node.css_first(".tgme_widget_message_reply")
    if reply is None:
        return None
    author = reply.css_first(".tgme_widget_message_author_name") or reply.css_first(
        ".tgme_widget_message_author"
    )
    snippet = reply.css_first(".tgme_widget_message_text") or reply.css_first(
        ".tgme_widget_message_metatext"
    )
    who = _flat(_text_of(author)) if author is not None else ""
    what = cap_text(_flat(_text_of(snippet)), SNIPPET_CHARS) if snippet is not None else ""
    shown = f"{who}: {what}" if who and what else who or what
    return shown or None


def _link_preview(node: LexborNode) -> str | None:
    """ "Site: title — description" of the page a post links to, as Telegram previews it."""
    box = node.css_first(".tgme_widget_message_link_preview")
    if box is None:
        return None
    parts = []
    for cls in ("link_preview_site_name", "link_preview_title", "link_preview_description"):
        found = box.css_first(f".{cls}")
        text = _flat(_text_of(found)) if found is not None else ""
        if text:
            parts.append(text)
    if not parts:
        return None
    shown = f"{parts[0]}: {' — '.join(parts[1:])}" if len(parts) > 1 else parts[0]
    return cap_text(shown, PREVIEW_CHARS)


def _published(node: LexborNode) -> datetime | None:
    stamp = node.css_first(".tgme_widget_message_date time[datetime]") or node.css_first(
        "time[datetime]"
    )
    raw = (stamp.attributes.get("datetime") or "").strip() if stamp is not None else ""
    try:
        when = datetime.fromisoformat(raw)
    except ValueError:
        return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _edited(node: LexborNode) -> bool:
    meta = node.css_first(".tgme_widget_message_meta")
    if meta is None:
        return False
    # the signature of the author may itself contain the word: only the meta's own words count
    own = "".join(
        t.text_content or ""
        for t in meta.traverse(include_text=True)
        if t.tag == "-text" and not _inside(t, meta, "tgme_widget_message_from_author")
    )
    return _EDITED.search(own) is not None


def _text_of(node: LexborNode) -> str:
    """The node's text with `<br>` as a newline and the HTML source's whitespace collapsed."""
    parts: list[str] = []
    for child in node.traverse(include_text=True):
        if child.tag == "-text":
            parts.append(_SPACES.sub(" ", child.text_content or ""))
        elif child.tag == "br":
            parts.append("\n")
    return "".join(parts)


def _lines(text: str) -> str:
    """Lines trimmed, at most one blank line in a row, none at either end."""
    out: list[str] = []
    for line in text.split("\n"):
        line = line.strip()
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def _flat(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _classes(node: LexborNode) -> list[str]:
    return (node.attributes.get("class") or "").split()


def _inside(node: LexborNode, stop: LexborNode, cls: str) -> bool:
    """Whether an ancestor of `node` below `stop` has the class `cls`."""
    parent = node.parent
    while parent is not None and parent.mem_id != stop.mem_id:
        if cls in _classes(parent):
            return True
        parent = parent.parent
    return False
