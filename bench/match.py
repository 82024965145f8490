"""Matching throughput: realistic Arabic stories against W watches plus the built-in topics.

    python bench/match.py --stories 5000 --watches 100 --watches 1000 --watches 10000

Prints one line per run: `watches=W stories=N stories_per_s=X p99_ms=Y limit_stories_per_s=L
regex_stories_per_s=R limit_over_postbot=.. postbot_over_regex=.. scan_only_stories_per_s=S
scan_only_over_postbot=..` (medians of --repeat runs for the rates, in CPU time of this process,
so that the other processes of a shared machine weigh less; p99 of per-story wall-clock latency
over all runs), after a line on stderr describing the stories. The comparison rates are measured
in the same run, the measurements taking turns in each repeat so that the machine's load weighs
on them alike:
- `limit`: per story, `normalize(title + "\n" + body)` (the same normalization postbot must do,
  inside the timing) and a raw pyahocorasick scan (C) of every distinct normalized word of every
  watch and topic over it. The scan finds substrings only (no whole words, clitics, phrases or
  logic), so no matcher that reads raw story text can beat it. This is the limit issue #12's
  "within 3x" target (4.1x at d3eb56b) refers to.
- `scan_only`: the same automaton scan over the stories normalized beforehand, outside the
  timing: the scan alone, a floor below what any matcher given raw text can reach.
- `regex`: what other bots do, one compiled regex per term of each watch (whole words, optional
  Arabic clitics), the watch's AND/OR/NOT evaluated over them, story after story; it runs on the
  first --regex-stories stories (it is slow) and its rate is per story all the same.

Each story goes through `StoryMatcher.match`, as `postbot scan` does: tokenizing,
every watch and topic, troop-count extraction. Highlighting is not included: it is done per
reader when an alert is rendered (an alert bolds that chat's own words).

Stories are built from the sentences of the Arabic feeds in tests/fixtures (the seed article,
the sample feed and the hand-written Iraqi/Syrian news fixtures), shuffled and mixed with
generated names of people and places: about 100 words each (33-236), like an RSS title and
description. Watches mix those names (most watches follow a person or a place), words of the
corpus, phrases, prefixes, OR and exclusions, the way subscribers write them.

    python bench/match.py --adversarial --chats 40 --stories 2000

prints one line per watch set, `adversarial shape=S chats=C watches=W stories=N us_per_story=X
over_ordinary=R`: the costliest legal watch sets found (see `adversarial_watches`), C chats of 50
watches each, next to an ordinary set of the same size (shape=ordinary), in turns in one run.
"""

from __future__ import annotations

import argparse
import functools
import random
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import ahocorasick

from postbot.errors import QuerySyntaxError
from postbot.feeds.parse import parse_feed
from postbot.match.normalize import has_arabic, normalize
from postbot.match.query import (
    MAX_QUERY_LENGTH,
    MAX_TERMS,
    And,
    Node,
    Not,
    Or,
    Term,
    parse_query,
    terms,
)
from postbot.match.stopwords import is_stop_word
from postbot.match.topics import StoryMatcher, Topic, build_topics
from postbot.store.repo.watches import MAX_WATCHES

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
CONFIG = ROOT / "config" / "postbot.yaml"

_LETTERS = "بتثجحخدذرزسشصضطظعغفقكلمنهوي"
_PATTERNS = ("ال{}{}{}ي", "{}{}ا{}", "{}ا{}{}ي", "م{}{}{}", "{}{}و{}", "ال{}{}ا{}ي", "{}{}{}ه")


@functools.cache
def corpus_sentences() -> list[str]:
    """Sentences of the Arabic fixtures: the seed article and every Arabic test feed's items."""
    texts = [(FIXTURES / "seed-article-ar.txt").read_text(encoding="utf-8")]
    for path in sorted((FIXTURES / "feeds").glob("*.xml")):
        parsed = parse_feed(path.read_bytes(), feed_id=path.stem)
        texts += [f"{s.title}\n{s.summary}" for s in parsed.stories if has_arabic(s.title)]
    parts = re.split(r"(?<=[.!؟?…])\s+|\n", "\n".join(texts))
    return sorted({p.strip() for p in parts if len(p.split()) >= 4})


def make_names(rng: random.Random, n: int) -> list[str]:
    """Distinct pseudo-Arabic names of people and places."""
    names: set[str] = set()
    while len(names) < n:
        pattern = rng.choice(_PATTERNS)
        names.add(pattern.format(*(rng.choice(_LETTERS) for _ in range(4))))
    return sorted(names)


def make_stories(rng: random.Random, n: int, names: list[str]) -> list[tuple[str, str]]:
    """(title, body) pairs of 60-200 words."""
    sentences = corpus_sentences()
    stories = []
    for _ in range(n):
        body_parts = []
        for _ in range(rng.randint(3, 8)):
            words = rng.choice(sentences).split()
            for _ in range(rng.randint(0, 3)):
                words.insert(rng.randrange(len(words) + 1), rng.choice(names))
            body_parts.append(" ".join(words))
        title = " ".join(rng.choice(sentences).split()[:12])
        stories.append((title, "، ".join(body_parts[:2]) + ". " + ". ".join(body_parts[2:])))
    return stories


def make_watches(rng: random.Random, n: int, names: list[str]) -> list[str]:
    """Watch queries in the shapes subscribers write."""
    # function words («التي», «على») are refused as a query's only needle, so they are left out
    words = {w for s in corpus_sentences() for w in re.findall(r"[\u0621-\u064a]{3,}", s)}
    vocab = sorted(w for w in words if not is_stop_word(normalize(w)))
    shapes = [
        lambda: rng.choice(names),
        lambda: f"{rng.choice(names)} {rng.choice(vocab)}",
        lambda: f"{rng.choice(names)} OR {rng.choice(names)}",
        lambda: f'"{rng.choice(names)} {rng.choice(names)}"',
        lambda: f"{rng.choice(names)[:4]}*",
        lambda: f"{rng.choice(names)} -{rng.choice(vocab)}",
        lambda: f"({rng.choice(names)} OR {rng.choice(vocab)}) {rng.choice(names)}",
        lambda: rng.choice(vocab),
    ]
    weights = [40, 15, 10, 10, 5, 5, 10, 5]
    out: list[str] = []
    while len(out) < n:
        query = rng.choices(shapes, weights)[0]()
        try:
            parse_query(query)
        except QuerySyntaxError:  # a generated name that is a function word («هناك»)
            continue
        out.append(query)
    return out


def builtin_topics() -> list[Topic]:
    """The three topics of the shipped config."""
    from postbot.config.load import load_config

    return build_topics(load_config(CONFIG).topics)


def run(stories: list[tuple[str, str]], matcher: StoryMatcher[int]) -> tuple[float, list[float]]:
    """Match every story once; return the rate (CPU time) and per-story latencies in ms."""
    latencies = []
    start = time.process_time()
    for title, body in stories:
        t0 = time.perf_counter()
        matcher.match(title, body)
        latencies.append((time.perf_counter() - t0) * 1000)
    return len(stories) / (time.process_time() - start), latencies


def limit_scanner(nodes: list[Node]) -> Callable[[str], int]:
    """A pyahocorasick automaton of every distinct word of `nodes`; returns a scan function."""
    automaton = ahocorasick.Automaton()
    for node in nodes:
        for term in terms(node) + terms(node, positive=False):
            for word in term.words:
                automaton.add_word(word, len(word))
    automaton.make_automaton()

    def scan(normalized: str) -> int:
        hits = 0
        for _ in automaton.iter(normalized):
            hits += 1
        return hits

    return scan


_CLITIC_RE = "(?:[وف]?(?:[بكل]|لل)?(?:ال)?)?"


def regex_matcher(nodes: list[Node]) -> Callable[[str], int]:
    """Per-watch compiled regexes over the normalized text, the way keyword bots match."""

    def compile_node(node: Node) -> Callable[[str], bool]:
        if isinstance(node, Term):
            words = [re.escape(w) for w in node.words]
            tail = r"\w*" if node.prefix else ""
            body = r"\W+".join(_CLITIC_RE + w for w in words)
            search = re.compile(rf"(?<!\w){body}{tail}(?!\w)").search
            return lambda text: search(text) is not None
        if isinstance(node, Not):
            child = compile_node(node.child)
            return lambda text: not child(text)
        parts = [compile_node(c) for c in node.children]
        if isinstance(node, And):
            return lambda text: all(p(text) for p in parts)
        assert isinstance(node, Or)
        return lambda text: any(p(text) for p in parts)

    compiled = [compile_node(n) for n in nodes]

    def match(normalized: str) -> int:
        return sum(1 for holds in compiled if holds(normalized))

    return match


def rate_of(texts: list[str], scan: Callable[[str], int]) -> float:
    """Stories per second (CPU time) of `scan` over already normalized texts."""
    start = time.process_time()
    for text in texts:
        scan(text)
    return len(texts) / (time.process_time() - start)


def limit_rate(stories: list[tuple[str, str]], scan: Callable[[str], int]) -> float:
    """Stories per second (CPU time) of normalizing each story's text, then scanning it."""
    start = time.process_time()
    for title, body in stories:
        scan(normalize(f"{title}\n{body}"))
    return len(stories) / (time.process_time() - start)


def common_words(n: int) -> list[str]:
    """The `n` most frequent content words of the corpus (function words left out)."""
    counts: dict[str, int] = {}
    for sentence in corpus_sentences():
        for word in re.findall(r"[\u0621-\u064a]{2,}", sentence):
            if not is_stop_word(normalize(word)):
                counts[word] = counts.get(word, 0) + 1
    return sorted(counts, key=lambda w: (-counts[w], w))[:n]


def adversarial_watches(rng: random.Random, chats: int) -> dict[str, list[str]]:
    """The costliest legal watch sets found, `chats` chats x MAX_WATCHES each, by shape.

    Every watch is distinct (identical queries are compiled once) and within the limits:
    - `fi_phrases`: the attack of issue #11, OR-chains of phrases «في X» (X a frequent word)
      filling 200 characters;
    - `common_phrases`: OR-chains of 2-3 word phrases made only of the 12 most frequent
      content words, so whichever word anchors a phrase is in most stories;
    - `common_and`: ANDs of three frequent words with a frequent exclusion, candidates for
      most stories and evaluated there;
    - `mixed`: a third of each.
    """
    top = common_words(40)
    top12 = top[:12]

    def or_chain(make_term: Callable[[], str]) -> str:
        parts: list[str] = []
        while True:
            term = make_term()
            candidate = " OR ".join([*parts, term])
            if len(candidate) > MAX_QUERY_LENGTH or len(parts) >= MAX_TERMS:
                return " OR ".join(parts)
            parts.append(term)

    def fi_phrase() -> str:
        return f'"في {rng.choice(top)}"'

    def common_phrase() -> str:
        return '"' + " ".join(rng.choice(top12) for _ in range(rng.randint(2, 3))) + '"'

    def common_and() -> str:
        a, b, c, d = rng.sample(top12, 4)
        return f"{a} {b} {c} -{d} {rng.choice(top)}*"

    makers: dict[str, Callable[[], str]] = {
        "fi_phrases": lambda: or_chain(fi_phrase),
        "common_phrases": lambda: or_chain(common_phrase),
        "common_and": common_and,
    }
    total = chats * MAX_WATCHES
    out: dict[str, list[str]] = {}
    for shape, make in [*makers.items(), ("mixed", None)]:
        queries: set[str] = set()
        attempts = 0
        while len(queries) < total and attempts < total * 50:
            attempts += 1
            maker = make or makers[rng.choice(list(makers))]
            query = maker()
            try:
                parse_query(query)
            except QuerySyntaxError:
                continue
            queries.add(query)
        out[shape] = sorted(queries)
    return out


def adversarial(args: argparse.Namespace, stories: list[tuple[str, str]], names: list[str]) -> int:
    """Cost per story of the worst legal watch sets next to an ordinary set of the same size."""
    topics = builtin_topics()
    total = args.chats * MAX_WATCHES
    ordinary = make_watches(random.Random(args.seed + total), total, names)
    sets = {"ordinary": ordinary, **adversarial_watches(random.Random(args.seed), args.chats)}
    matchers = {
        shape: StoryMatcher(topics, {i: parse_query(q) for i, q in enumerate(queries)})
        for shape, queries in sets.items()
    }
    for matcher in matchers.values():
        run(stories[: min(200, len(stories))], matcher)
    costs: dict[str, list[float]] = {shape: [] for shape in matchers}
    for _ in range(args.repeat):
        for shape, matcher in matchers.items():  # in turns: the machine's load weighs alike
            rate, _ = run(stories, matcher)
            costs[shape].append(1e6 / rate)
    base = statistics.median(costs["ordinary"])
    for shape, runs in costs.items():
        cost = statistics.median(runs)
        print(
            f"adversarial shape={shape} chats={args.chats} watches={len(sets[shape])} "
            f"stories={len(stories)} us_per_story={cost:.0f} over_ordinary={cost / base:.2f}"
        )
    return 0


def main() -> int:
    """Run the benchmark for each requested watch count."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stories", type=int, default=5000)
    parser.add_argument("--watches", type=int, action="append")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--adversarial",
        action="store_true",
        help="worst legal watch sets against an ordinary one of the same size",
    )
    parser.add_argument("--chats", type=int, default=40, help="chats of 50 watches (adversarial)")
    parser.add_argument(
        "--regex-stories", type=int, default=100, help="stories for the (slow) regex loop"
    )
    args = parser.parse_args()
    rng = random.Random(args.seed)
    names = make_names(rng, 30_000)
    stories = make_stories(rng, args.stories, names)
    words = [len(f"{t} {b}".split()) for t, b in stories]
    print(
        f"# {len(stories)} stories, words per story: mean {statistics.mean(words):.0f}, "
        f"min {min(words)}, max {max(words)}",
        file=sys.stderr,
    )
    if args.adversarial:
        return adversarial(args, stories, names)
    topics = builtin_topics()
    for w in args.watches or [100, 1000, 10_000]:
        queries = make_watches(random.Random(args.seed + w), w, names)
        nodes = {i: parse_query(q) for i, q in enumerate(queries)}
        matcher = StoryMatcher(topics, nodes)
        run(stories[: min(200, len(stories))], matcher)  # warm the token cache like a live worker
        every = list(nodes.values()) + [
            n for t in topics for n in (t.query, t.context) if n is not None
        ]
        normalized = [normalize(f"{t}\n{b}") for t, b in stories]
        scan = limit_scanner(every)
        regex = regex_matcher(list(nodes.values()))
        rates, latencies, limits, scans, regexes = [], [], [], [], []
        for _ in range(args.repeat):
            rate, lat = run(stories, matcher)
            rates.append(rate)
            latencies.extend(lat)
            limits.append(limit_rate(stories, scan))
            scans.append(rate_of(normalized, scan))
            regexes.append(rate_of(normalized[: args.regex_stories], regex))
        p99 = statistics.quantiles(latencies, n=100)[98]
        rate, limit, scan_only, rx = (statistics.median(x) for x in (rates, limits, scans, regexes))
        print(
            f"watches={w} stories={args.stories} "
            f"stories_per_s={rate:.0f} p99_ms={p99:.3f} "
            f"limit_stories_per_s={limit:.0f} regex_stories_per_s={rx:.1f} "
            f"limit_over_postbot={limit / rate:.2f} postbot_over_regex={rate / rx:.0f} "
            f"scan_only_stories_per_s={scan_only:.0f} "
            f"scan_only_over_postbot={scan_only / rate:.2f}"
        )
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
