"""Feed bytes to stories (pure): RSS 0.9x/2.0, RSS 1.0 (RDF) and Atom, via feedparser.

feedparser is only ever handed bytes in a stream, never a URL or a path, so it does no I/O. The
bytes are first decoded by `decode_feed` (which understands windows-1256) and re-encoded as UTF-8.
Each story gets a key that is stable across polls: the item's guid/id when it is unique in the
document; else its link when that is unique; else a hash of its title and summary.

Every text field leaves here clean and bounded (`story.clean_text`, `story.cap_text`): no control
characters (a NUL makes PostgreSQL refuse the row), no lone surrogates, a title of at most 1,000
and a summary of at most 20,000 characters. A guid too long for a database index is replaced by
its hash; a link too long for one is dropped (it could not be shortened without breaking it).
"""

from __future__ import annotations

import calendar
import hashlib
import io
import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser

from postbot.feeds.decode import decode_feed
from postbot.feeds.story import (
    MAX_SUMMARY_CHARS,
    MAX_TITLE_CHARS,
    Story,
    cap_text,
    clean_text,
    clean_token,
)

_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
        "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
        "nav", "ol", "p", "pre", "section", "table", "tbody", "td", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
_DROP_TAGS = frozenset({"script", "style", "template", "noscript"})
# In UTF-8 bytes: PostgreSQL refuses a btree index entry over 2,704 bytes (story.key is in a
# unique index with feed_id, story.link and story.canon_link are indexed). Real guids are under
# 200 bytes and real links under 500.
MAX_GUID_BYTES = 512
MAX_LINK_BYTES = 2_000


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A parsed feed document: its title, its stories, and a warning when it was malformed."""

    title: str | None
    stories: list[Story]
    warning: str | None


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._dropping = 0  # depth inside script/style

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROP_TAGS:
            self._dropping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:  # <br/>, <hr/>; a self-closed <script/> opens nothing
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROP_TAGS:
            self._dropping = max(0, self._dropping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._dropping:
            self.parts.append(data)

    def unknown_decl(self, data: str) -> None:
        if data.startswith("CDATA["):  # escaped CDATA inside a description: keep its text
            self.handle_data(data[len("CDATA[") :])

    def parse_marked_section(self, i: int, report: bool = True) -> int:
        # The stdlib asserts on junk such as "<![foo" (seen in pasted Word HTML); skip it instead.
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            end = self.rawdata.find(">", i)
            return len(self.rawdata) if end < 0 else end + 1


def strip_html(html: str) -> str:
    """Plain text of an HTML fragment: block tags become line breaks, spaces collapsed per line."""
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    lines = (" ".join(line.split()) for line in "".join(extractor.parts).splitlines())
    return "\n".join(line for line in lines if line)


def parse_feed(
    body: bytes, *, feed_id: str, content_type: str | None = None, base_url: str | None = None
) -> ParsedFeed:
    """Parse a feed document into stories; malformed input gives a warning, never an exception."""
    # Controls and surrogates go before feedparser sees the document: a NUL makes the XML
    # ill-formed, and a reference to a surrogate ("&#xD800;") crashes feedparser's loose parser.
    text = _CHARREF.sub(_charref, clean_text(decode_feed(body, content_type)))
    # The text is UTF-8 now, whatever the server said: say so, or feedparser flags every
    # document fetched over HTTP as having no XML content type.
    headers = {"content-type": "application/xml; charset=utf-8"}
    if base_url is not None and _is_http(base_url):
        headers["content-location"] = base_url
    data: Any = feedparser.parse(
        io.BytesIO(text.encode("utf-8", errors="replace")),
        response_headers=headers,
        resolve_relative_uris=False,
        sanitize_html=False,
    )
    feed_link = data.feed.get("link")
    base = base_url if _is_http(base_url) else feed_link if _is_http(feed_link) else None
    items = [_Item.from_entry(entry, base) for entry in data.entries]
    items = [item for item in items if item.title or item.summary]
    guid_counts = Counter(item.guid for item in items if item.guid)
    link_counts = Counter(item.link for item in items if item.link)
    stories = [
        Story(
            feed_id=feed_id,
            key=item.key(guid_counts, link_counts),
            title=item.title,
            link=item.link,
            summary=item.summary,
            published=item.published,
        )
        for item in items
    ]
    title = _text(data.feed.get("title", ""), MAX_TITLE_CHARS) or None
    return ParsedFeed(title=title, stories=stories, warning=_warning(data, stories))


_CHARREF = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));")


def _charref(m: re.Match[str]) -> str:
    """A numeric character reference kept only when it names a character we would keep."""
    code = int(m.group(1), 16) if m.group(1) else int(m.group(2))
    if code > 0x10FFFF or not clean_text(chr(code)):
        return ""
    return m.group()


@dataclass(frozen=True, slots=True)
class _Item:
    guid: str | None
    title: str
    link: str | None
    summary: str
    published: datetime | None

    @classmethod
    def from_entry(cls, entry: Any, base: str | None) -> _Item:
        texts = [entry.get("summary", ""), *(c.get("value", "") for c in entry.get("content", []))]
        summaries = [clean_text(strip_html(clean_text(t))) for t in texts if isinstance(t, str)]
        return cls(
            guid=_guid(entry.get("id")),
            title=_text(entry.get("title", ""), MAX_TITLE_CHARS),
            link=_absolute_link(entry.get("link"), base),
            summary=cap_text(max(summaries, key=len, default=""), MAX_SUMMARY_CHARS),
            published=_published(entry),
        )

    def key(self, guid_counts: Counter[str], link_counts: Counter[str]) -> str:
        if self.guid and guid_counts[self.guid] == 1:
            return self.guid
        if self.link and link_counts[self.link] == 1:
            return self.link
        # Whitespace is collapsed so that re-wrapped text keeps its key from poll to poll.
        basis = " ".join(self.title.split()) + "\n" + " ".join(self.summary.split())
        return "h:" + hashlib.sha1(basis.encode("utf-8")).hexdigest()[:20]


def _text(value: object, limit: int) -> str:
    """A title-like field as clean plain text of at most `limit` characters."""
    if not isinstance(value, str):
        return ""
    # cleaned before and after: a control character may hide a tag from the HTML parser, and a
    # character reference ("&#1;") may bring one back
    return cap_text(clean_text(strip_html(clean_text(value))), limit)


def _guid(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    guid = clean_token(value)
    if not guid:
        return None
    if len(guid.encode("utf-8")) > MAX_GUID_BYTES:  # stable across polls, and fits the index
        return "g:" + hashlib.sha1(guid.encode("utf-8")).hexdigest()
    return guid


def _absolute_link(link: object, base: str | None) -> str | None:
    if not isinstance(link, str):
        return None
    link = clean_token(link)
    if not link:
        return None
    try:
        absolute = clean_token(urljoin(base, link)) if base else link
    except ValueError:  # e.g. a malformed IPv6 host
        return None
    if len(absolute.encode("utf-8")) > MAX_LINK_BYTES:
        return None
    return absolute if _is_http(absolute) else None  # drops javascript:, mailto:, relative


def _is_http(url: str | None) -> bool:
    if not url:
        return False
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. a malformed IPv6 host
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _published(entry: Any) -> datetime | None:
    for field in ("published_parsed", "updated_parsed"):
        parsed = dict.get(entry, field)  # plain dict lookup: skips feedparser's deprecated aliasing
        if parsed is None:
            continue
        try:  # feedparser's struct_time is already UTC
            return datetime.fromtimestamp(calendar.timegm(parsed), UTC)
        except (TypeError, ValueError, OverflowError, OSError):
            continue
    return None


# What feedparser reports about encodings is moot: the bytes were decoded before it saw them.
_BENIGN = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)


def _warning(data: Any, stories: list[Story]) -> str | None:
    exc = data.get("bozo_exception")
    if data.get("bozo") and not isinstance(exc, _BENIGN):
        return f"malformed feed: {type(exc).__name__}: {exc}" if exc else "malformed feed"
    if not stories and not data.get("version"):
        return "not a recognised RSS, Atom or RDF feed"
    return None
