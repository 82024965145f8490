"""/trend and `postbot trend`: which stored stories match, counted per local day, as a chart.

The stories of the window are read from the store and every one is confirmed with the real
matcher (the `Matcher` routing's `StoryMatcher` is built on), so a chart counts exactly what a
watch or topic would have matched. Where the subject gives the text index something to look up
(match/prefilter.py `need_of`: a superset of its matches), only the index's candidates are read
(`candidates_seen_between`); a troop-count topic, or a query the index cannot narrow, reads the
whole window (`stories_seen_between`). Both count the same stories: the matcher decides.
A finished chart is kept for ten minutes per (subject, days, language, time zone): asking again
within that time costs nothing.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from postbot.alerts.texts import text
from postbot.alerts.trend import (
    AVERAGE_DAYS,
    ChartText,
    Sighting,
    Trend,
    count_trend,
    day_label,
    sighting_time,
    window_days,
)
from postbot.alerts.zones import zone_name, zone_of
from postbot.config.catalog import Catalog
from postbot.match.matcher import Matcher, make_document
from postbot.match.normalize import normalize
from postbot.match.prefilter import AllOf, Need, need_of
from postbot.match.query import Node, parse_query
from postbot.match.topics import StoryMatcher, Topic
from postbot.service.chart_cache import Chart, ChartCache
from postbot.service.search import catch_up_index
from postbot.store import repo

MAX_OUTLETS_IN_CAPTION = 5
TITLE_SUBJECT_CHARS = 60  # a longer query is cut in the chart's title (the caption has it all)


@dataclass(frozen=True, slots=True)
class Subject:
    """What to chart: a built-in topic, or a query in the /watch language."""

    topic: Topic | None
    query: str | None

    def label(self, lang: str) -> str:
        """How the chart and its caption name it."""
        if self.topic is not None:
            return text(lang, "trend_topic", name=self.topic.name(lang))
        return text(lang, "trend_query", query=self.query or "")

    def test(self) -> Callable[[str, str], bool]:
        """Whether a story (title, body) counts: what a watch or the topic would match.

        A troop-count topic goes through `StoryMatcher`, as routing does. Any other subject is
        compiled into the same `Matcher` that `StoryMatcher` builds, without the troop-count
        scan `StoryMatcher.match` runs on every story (more than half the time of a chart).
        """
        topic = self.topic
        if topic is not None and topic.troop_counts:
            story_matcher: StoryMatcher[int] = StoryMatcher([topic], {})
            return lambda title, body: bool(story_matcher.match(title, body).topics)
        queries: dict[str, Node] = {}
        if topic is None:
            queries["query"] = parse_query(self.query or "")
        else:
            if topic.query is not None:
                queries["query"] = topic.query
            if topic.context is not None:
                queries["context"] = topic.context
        matcher = Matcher(queries)
        needed = frozenset(queries)

        def test(title: str, body: str) -> bool:
            found = matcher.occurrences(make_document(title, body))
            if not found:
                return False
            hit = {
                key for group in matcher.matching_groups(found) for key in matcher.keys_of(group)
            }
            return needed <= hit

        return test

    def need(self) -> Need | None:
        """What the text index must find in every story `test` accepts; None: it cannot say
        (a troop-count topic, whose figures are no words to look up, or a query of exclusions
        and alternatives the index cannot narrow)."""
        topic = self.topic
        if topic is None:
            return need_of(parse_query(self.query or ""))
        if topic.troop_counts:
            return None
        parts = [need_of(q) for q in (topic.query, topic.context) if q is not None]
        needs = [p for p in parts if p is not None]  # the query AND the context must hold
        if not needs:
            return None
        return needs[0] if len(needs) == 1 else AllOf(tuple(needs))

    @property
    def key(self) -> str:
        """The cache key part naming it."""
        return f"topic:{self.topic.id}" if self.topic is not None else f"query:{self.query}"


def find_topic(catalog: Catalog, words: str) -> Topic | None:
    """The topic whose id or name (either language) `words` is, if any.

    «» and “” around it are taken as naming the topic; ASCII double quotes are the query
    language's phrase, so `"داعش"` is the word itself, not the topic.
    """
    wanted = normalize(words.strip().strip("«»“”"))
    if not wanted:
        return None
    for topic in catalog.topics:
        if wanted in {normalize(n) for n in (topic.id, topic.name_ar, topic.name_en)}:
            return topic
    return None


def find_subject(catalog: Catalog, words: str) -> Subject:
    """A topic when `words` is a topic's id or name, else a query (QuerySyntaxError if bad)."""
    topic = find_topic(catalog, words)
    if topic is not None:
        return Subject(topic, None)
    parse_query(words)
    return Subject(None, words)


def matching_sightings(
    engine: sa.Engine, subject: Subject, *, since: datetime, until: datetime
) -> list[Sighting]:
    """The stories first seen in [since, until) that the subject matches."""
    counts = subject.test()
    need = subject.need()
    if need is not None:
        catch_up_index(engine)  # stories saved by a path that did not index them (none, normally)
    with Session(engine) as session:
        if need is None:
            stories = repo.stories_seen_between(session=session, since=since, until=until)
        else:
            stories = repo.candidates_seen_between(
                session=session, need=need, since=since, until=until
            )
        return [
            Sighting(s.root_id, s.feed_id, sighting_time(s.published, s.first_seen_at))
            for s in stories
            if counts(s.title, s.summary)
        ]


def build_trend(engine: sa.Engine, subject: Subject, *, days: int, tz: str, now: datetime) -> Trend:
    """Stories per local day over the `days` days ending today (in `tz`)."""
    zone = zone_of(tz)  # an IANA name or a fixed "UTC+05:30" (ZoneInfo knows only the former)
    span = window_days(now.astimezone(zone).date(), days)
    # from the local midnight starting the average's first day, to the end of today
    start = span[0] - timedelta(days=AVERAGE_DAYS - 1)
    since = datetime.combine(start, time(), zone).astimezone(UTC)
    until = datetime.combine(span[-1] + timedelta(days=1), time(), zone).astimezone(UTC)
    sightings = matching_sightings(engine, subject, since=since, until=until)
    return count_trend(sightings, tz=zone, days=span)


def _months(lang: str) -> tuple[str, ...]:
    return tuple(text(lang, "trend_months").split(","))


def caption(
    trend: Trend, subject: Subject, *, lang: str, tz: str, names: Callable[[str], str]
) -> str:
    """The photo's caption (HTML): total, busiest day, average, outlets, counting rule."""
    months = _months(lang)
    weekdays = text(lang, "trend_weekdays").split(",")
    label = html.escape(subject.label(lang))
    start, end = day_label(trend.days[0], months), day_label(trend.days[-1], months)
    lines = [
        text(
            lang,
            "trend_caption_total",
            subject=label,
            total=trend.total,
            days=len(trend.days),
            start=start,
            end=end,
        )
    ]
    busiest = trend.busiest
    if busiest is not None:
        day, count = busiest
        shown = f"{weekdays[day.weekday()]} {day_label(day, months)}"
        lines.append(text(lang, "trend_caption_busiest", day=shown, count=count))
    lines.append(text(lang, "trend_caption_average", average=f"{trend.average[-1]:.1f}"))
    if trend.carried:
        comma = text(lang, "alert_comma")
        outlets = list(trend.carried.items())[:MAX_OUTLETS_IN_CAPTION]
        # "name (n)": a bare "name n" reads "n name" when the name is in the other script
        listed = comma.join(f"{html.escape(names(feed))} ({n})" for feed, n in outlets)
        if len(trend.carried) > MAX_OUTLETS_IN_CAPTION:
            listed += comma + "…"
        lines.append(text(lang, "trend_caption_outlets", outlets=listed))
    lines.append(text(lang, "trend_caption_once", copies=trend.copies))
    lines.append(text(lang, "trend_caption_tz", tz=html.escape(_zone_shown(tz, trend))))
    return "\n".join(lines)


def _zone_shown(tz: str, trend: Trend) -> str:
    """The chat's zone as replies name it: a fixed offset by its label ("UTC+03"), never
    "Etc/GMT-3", whose sign reads backwards."""
    return zone_name(tz, datetime.combine(trend.days[-1], time(12), tzinfo=UTC))


def chart_text(trend: Trend, subject: Subject, *, lang: str, tz: str) -> ChartText:
    """The chart's labels in `lang`."""
    months = _months(lang)
    days = len(trend.days)
    return ChartText(
        title=text(lang, "trend_title", subject=_cut(subject.label(lang), TITLE_SUBJECT_CHARS)),
        range=text(
            lang,
            "trend_range",
            days=days,
            start=day_label(trend.days[0], months),
            end=day_label(trend.days[-1], months),
            tz=_zone_shown(tz, trend),
        ),
        axis=text(lang, "trend_axis"),
        average=text(lang, "trend_average"),
        legend=text(lang, "trend_legend"),
        other=text(lang, "trend_other"),
        months=months,
        lang=lang,
    )


def _cut(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def make_chart(
    engine: sa.Engine,
    catalog: Catalog,
    subject: Subject,
    *,
    days: int,
    lang: str,
    tz: str,
    now: datetime,
) -> Chart:
    """Count, then draw: the chart and caption for one subject (blocking; off the loop)."""
    trend = build_trend(engine, subject, days=days, tz=tz, now=now)
    if not trend.total:
        label = html.escape(subject.label(lang))
        return Chart(None, text(lang, "trend_nothing", subject=label, days=days), trend)
    names = outlet_names(engine, catalog, trend.carried)
    from postbot.alerts.chart import render_trend  # matplotlib: loaded at the first chart

    png = render_trend(trend, chart_text(trend, subject, lang=lang, tz=tz), names)
    return Chart(png, caption(trend, subject, lang=lang, tz=tz, names=names.__getitem__), trend)


def outlet_names(engine: sa.Engine, catalog: Catalog, feed_ids: Iterable[str]) -> dict[str, str]:
    """Each outlet's name: the config's, else the one stored with the feed (a feed since
    removed from the config keeps its name), else its id."""
    with Session(engine) as session:
        stored = {f.id: f.name for f in repo.list_feeds(session=session)}
    return {
        feed: name if (name := catalog.feed_name(feed)) != feed else stored.get(feed, feed)
        for feed in feed_ids
    }


def cached_chart(
    cache: ChartCache,
    engine: sa.Engine,
    catalog: Catalog,
    subject: Subject,
    *,
    days: int,
    lang: str,
    tz: str,
    now: datetime,
    version: int = 0,
) -> tuple[Chart, bool]:
    """The chart from the cache when made in the last ten minutes, else made now; (chart, hit)."""
    key = (subject.key, days, lang, tz, version)
    found = cache.get(key, now)
    if found is not None:
        return found, True
    chart = make_chart(engine, catalog, subject, days=days, lang=lang, tz=tz, now=now)
    cache.put(key, chart, now)
    return chart, False
