"""Parsing a Telegram channel's preview page: selectolax (Lexbor) against lxml (libxml2).

    python bench/channel_parse.py --repeat 400

Prints `parser=P posts=N page_kb=K parse_ms=X extract_ms=Y total_ms=Z`, one line per
parser: medians over --repeat runs, in CPU time of this process (the machine is shared), of
building the tree (`parse`), reading every post from it (`extract`: post id, text with line
breaks, date, forwarded-from, reply, photo and video counts, edited, service) and both. The
measurements take turns in each repeat so that the machine's load weighs on both alike.

The page is 20 posts (what t.me/s/<username> serves), made by doubles/channelpage.py in the
preview's structure: two to six sentences each of tests/fixtures/seed-article-ar.txt, a
forwarded post, a reply, an album, a video, an edited post and a service message, 51 KB (real
pages are larger by an SVG bubble tail in every post, which neither parser reads). selectolax
runs postbot's own parser (`postbot.feeds.channel.read_channel_page`); lxml runs the same
extraction written here with XPath, checked to give the same posts.
"""

from __future__ import annotations

import argparse
import datetime as dtm
import random
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import lxml.html
from selectolax.lexbor import LexborHTMLParser

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from doubles.channelpage import Post, render_channel_page  # noqa: E402
from postbot.feeds.channel import SNIPPET_CHARS, ChannelPost, read_channel_page  # noqa: E402
from postbot.feeds.story import cap_text  # noqa: E402

_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0]+")


def sentences() -> list[str]:
    """Arabic news sentences from the fixtures."""
    text = (ROOT / "tests" / "fixtures" / "seed-article-ar.txt").read_text(encoding="utf-8")
    parts = [s.strip() for s in re.split(r"[.\n]", text) if len(s.strip()) > 20]
    return parts or ["قيادة العمليات المشتركة تعلن إحباط هجوم لداعش في الأنبار"]


def make_page(posts: int, rng: random.Random) -> bytes:
    corpus = sentences()
    t0 = dtm.datetime(2026, 12, 6, 6, 0, tzinfo=dtm.UTC)
    made = []
    for n in range(posts):
        text = "\n".join(rng.choice(corpus) for _ in range(rng.randint(2, 6)))
        kind = n % 10
        made.append(
            Post(
                1000 + n,
                "" if kind == 4 else text,
                when=t0 + dtm.timedelta(minutes=7 * n),
                forwarded_from="قيادة العمليات المشتركة" if kind == 1 else None,
                reply_author="خلية الإعلام الأمني" if kind == 2 else None,
                reply_text=corpus[0] if kind == 2 else None,
                photos={3: 1, 4: 3}.get(kind, 0),
                video=kind == 5,
                edited=kind == 6,
                service=n == 9,
            )
        )
    return render_channel_page("security_media_test", "خلية الإعلام الأمني", made)


# ----------------------------------------------------------------------------------- lxml


def _has_class(cls: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {cls} ')"


_MSG = f".//div[{_has_class('tgme_widget_message')}][@data-post]"
_TEXT = (
    f".//*[{_has_class('tgme_widget_message_text')}]"
    f"[not(ancestor::*[{_has_class('tgme_widget_message_reply')}])]"
)


def _lxml_text(node: lxml.html.HtmlElement) -> str:
    parts: list[str] = []

    def walk(el: lxml.html.HtmlElement) -> None:
        if el.tag == "br":
            parts.append("\n")
        if el.text and el.tag != "br":
            parts.append(_SPACES.sub(" ", el.text))
        for child in el:
            walk(child)
            if child.tail:
                parts.append(_SPACES.sub(" ", child.tail))

    walk(node)
    lines = [line.strip() for line in "".join(parts).split("\n")]
    return "\n".join(lines).strip()


def _first_text(node: lxml.html.HtmlElement, cls: str) -> str | None:
    found = node.xpath(f".//*[{_has_class(cls)}]")
    return _SPACES.sub(" ", found[0].text_content()).strip() if found else None


def lxml_posts(tree: lxml.html.HtmlElement) -> list[ChannelPost]:
    posts = []
    for node in tree.xpath(_MSG):
        username, _, number = node.get("data-post", "").partition("/")
        if not number.isdigit():
            continue
        text = "\n".join(_lxml_text(t) for t in node.xpath(_TEXT)).strip()
        stamp = node.xpath(f".//*[{_has_class('tgme_widget_message_date')}]//time/@datetime")
        published = dtm.datetime.fromisoformat(stamp[0]).astimezone(dtm.UTC) if stamp else None
        reply = node.xpath(f".//*[{_has_class('tgme_widget_message_reply')}]")
        reply_to = None
        if reply:
            who = _first_text(reply[0], "tgme_widget_message_author_name") or ""
            what = cap_text(_first_text(reply[0], "tgme_widget_message_text") or "", SNIPPET_CHARS)
            reply_to = f"{who}: {what}" if who and what else who or what or None
        meta = node.xpath(f".//*[{_has_class('tgme_widget_message_meta')}]")
        own = "".join(meta[0].xpath("text()")) if meta else ""
        posts.append(
            ChannelPost(
                username=username,
                post_id=int(number),
                published=published,
                text=text,
                forwarded_from=_first_text(node, "tgme_widget_message_forwarded_from_name"),
                reply_to=reply_to,
                photos=len(node.xpath(f".//*[{_has_class('tgme_widget_message_photo_wrap')}]")),
                videos=len(node.xpath(f".//*[{_has_class('tgme_widget_message_video_player')}]")),
                edited="edited" in own,
                service="service_message" in node.get("class", "").split(),
            )
        )
    return posts


# ----------------------------------------------------------------------------------- timing


def cpu_ms(fn: Callable[[], object]) -> float:
    start = time.process_time()
    fn()
    return (time.process_time() - start) * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--posts", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=400)
    args = ap.parse_args()
    page = make_page(args.posts, random.Random(14))
    html = page.decode("utf-8")

    ours = read_channel_page(page).posts
    theirs = lxml_posts(lxml.html.document_fromstring(page))
    if ours != theirs:  # the two extractions must agree, or the comparison means nothing
        diff = [(a, b) for a, b in zip(ours, theirs, strict=False) if a != b][:1]
        sys.exit(f"the extractions differ ({len(ours)} / {len(theirs)} posts): {diff}")

    runs: dict[str, dict[str, list[float]]] = {
        "selectolax": {"parse": [], "total": []},
        "lxml": {"parse": [], "total": []},
    }
    for _ in range(args.repeat):
        runs["selectolax"]["parse"].append(cpu_ms(lambda: LexborHTMLParser(html)))
        runs["selectolax"]["total"].append(cpu_ms(lambda: read_channel_page(page)))
        runs["lxml"]["parse"].append(cpu_ms(lambda: lxml.html.document_fromstring(page)))
        runs["lxml"]["total"].append(
            cpu_ms(lambda: lxml_posts(lxml.html.document_fromstring(page)))
        )
    for name, times in runs.items():
        parse_ms = statistics.median(times["parse"])
        total_ms = statistics.median(times["total"])
        print(
            f"parser={name} posts={len(ours)} page_kb={len(page) / 1024:.0f} "
            f"parse_ms={parse_ms:.3f} extract_ms={max(total_ms - parse_ms, 0):.3f} "
            f"total_ms={total_ms:.3f}"
        )


if __name__ == "__main__":
    main()
