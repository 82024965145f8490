"""Story clustering: precision/recall on the Arabic pair sets, and the cost per story.

    python bench/cluster.py [--stories 10000] [--new 300] [--repeat 3] [--database URL]
    python bench/cluster.py --pairs FILE.jsonl
    python bench/cluster.py --cv [--folds 5] [--seeds 3]
    python bench/cluster.py --write-idf
    python bench/cluster.py --ceiling [--set semeval] [--wrong 3]

Pairs. `--pairs FILE.jsonl` reads one pair a line, `{"id": …, "same": true|false, "a": {"title":
…, "text": …}, "b": {…}}`, and decides each as postbot does for two stories from two different
feeds three minutes apart (`same_story` on fingerprints of the title and the text, which the
fingerprint cuts to the `ITEM_CHARS` a feed carries). Prints `pair=ID same=0|1 score=S` per pair
(same = postbot's decision) and last `precision=P recall=R pairs=N` against the file's labels.

Cross-validation. `--cv` pools every pair set: tests/fixtures/cluster/*-NN.yaml (tuning,
holdout, traps) and the shared SemEval-2022 Arabic pairs (../shared/data/cluster: same_event
should join; related_other_event and Overall 3 or 4 should not; unclear and Overall 2 are left
out). In each of `--folds` folds (stratified, `--seeds` shuffles), a logistic regression of the
evidence components (cluster/similarity.py) is fitted on the other folds and the threshold set to
the lowest that keeps false joins within FALSE_JOIN_RATE of the training negatives; the held-out
fold is decided with them. Prints the pooled held-out precision/recall per set and seed
(`cv …`), their medians (`cv_summary …`), and the weights fitted on all pairs (`fit …`), from
which the shipped cluster.WEIGHTS / BIAS / THRESHOLD are taken (fingerprint.py says when a
refit was not taken, and why).

Ceiling. `--ceiling` says how far the evidence can go on one pair set (SemEval by default):
how many of its same-event pairs the stem gate and each rule refuse whatever the weights
(`stopped by=…`), and, for each fitted component alone and for a logistic regression fitted
on that set itself (in-sample, so an upper bound, not a result), the AUC over the pairs the
rules let through (`rank by=…`) and how many same-event pairs score above all but `--wrong`
of its other pairs (`at_wrong`). A recall target that the in-sample fit cannot reach needs
new evidence, not new weights.

Quality. For tests/fixtures/cluster/tuning-*.yaml (the pairs the threshold was tuned on) and
holdout-*.yaml (pairs written separately and never tuned on), prints precision, recall and F1
of `same_story` at the shipped THRESHOLD, plus a sweep over thresholds for both, so that the
choice can be checked. A line per missed or wrongly merged pair follows with `--verbose`.

Cost. Builds a 48-hour window of `--stories` stories in a database (a SQLite file by default;
with `--database postgresql://…` a temporary database on that server, dropped after), each
filed under its MinHash bands as the poller files them. The stories are synthetic but Arabic:
words of the fixture pairs drawn by their frequency there, with place names and numbers mixed
in, so that common beat words
(«داعش», «الأنبار», «هجوم») are shared by many stories of the window and rare ones by few.
Then `--new` more stories go through the poller's own save path (`Clusterer.save`:
canonical link, fingerprint, band lookup, exact comparison of the candidates, filing), one
transaction each: half are rewrites of a story in the window (a sentence dropped, the rest
reordered, a fifth of the words changed, the title reworded) and half are new. Printed per
repeat, then as medians: `ms_per_story` (median and p95 wall time of the save path per story),
`candidates` (median stories compared exactly), `lookup_ms` (median time of the band
lookup alone), `found` (share of rewrites joined to their own
original) and `false_joins` (new stories joined to something). The pure part alone
(fingerprint + bands) is timed apart, as `fingerprint_us`.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import math
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the shared doubles/ package

import sqlalchemy as sa  # noqa: E402
from ruamel.yaml import YAML  # noqa: E402
from sqlmodel import Session  # noqa: E402

from doubles.databases import temporary_pg_database  # noqa: E402
from postbot.cluster import fingerprint as cluster  # noqa: E402
from postbot.cluster.data import idf_table  # noqa: E402
from postbot.cluster.fingerprint import (  # noqa: E402
    THRESHOLD,
    band_keys,
    explain,
    gate,
    same_story,
    similarity,
)
from postbot.cluster.idf import IDF_FILE as IDF_NAME  # noqa: E402
from postbot.cluster.idf import format_idf  # noqa: E402
from postbot.cluster.similarity import COMPONENTS, digits_joined, grams, words_of  # noqa: E402
from postbot.feeds.story import Story  # noqa: E402
from postbot.match.normalize import normalize  # noqa: E402
from postbot.pipeline.ingest import Clusterer  # noqa: E402
from postbot.store import repo  # noqa: E402
from postbot.store.db import database_url, make_engine, upgrade_engine  # noqa: E402
from postbot.store.models import StoryBand, StoryRow  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "cluster"
SEMEVAL = ROOT.parent.parent / "shared" / "data" / "cluster" / "semeval2022-task8-ar-pairs.jsonl"
IDF_FILE = ROOT / "src" / "postbot" / "cluster" / IDF_NAME  # package data, gzip'd TSV
FALSE_JOIN_RATE = 0.015  # of the training negatives: "when in doubt, don't join" (at 0.02 the
# held-out folds wrongly join 4 SemEval pairs once the date rules took the top negatives out)
APART = timedelta(minutes=3)  # two feeds' copies of one story, as --pairs decides them
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
_PLACE_NAMES = """
الأنبار الرمادي الفلوجة هيت القائم الرطبة عكاشات كركوك الحويجة الطارمية سامراء تكريت
بيجي الموصل سنجار تلعفر ديالى بعقوبة خانقين المقدادية دير الزور البوكمال الميادين الرقة
الحسكة الشدادي تدمر السخنة البادية إدلب أربيل دهوك السليمانية البصرة كربلاء بابل
"""
PLACES = _PLACE_NAMES.split()


def fingerprint(title: str, summary: str, at: datetime | None = None) -> cluster.Fingerprint:
    """A story's fingerprint, its n-grams weighed by the shipped IDF table."""
    return cluster.fingerprint(title, summary, at, idf=idf_table())


def load(prefix: str) -> list[dict[str, Any]]:
    yaml = YAML(typ="safe")
    pairs: list[dict[str, Any]] = []
    for path in sorted(FIXTURES.glob(f"{prefix}-*.yaml")):
        pairs += yaml.load(path.read_text(encoding="utf-8"))
    return pairs


def semeval_path() -> Path:
    """The shared SemEval pairs (the worktree sits two levels below /work; main one level)."""
    for base in (ROOT.parent, ROOT.parent.parent):
        path = base / "shared" / "data" / "cluster" / SEMEVAL.name
        if path.exists():
            return path
    return SEMEVAL


def pair_sets() -> dict[str, list[dict[str, Any]]]:
    """Every labelled pair set in the --pairs format, by set name."""
    yaml = YAML(typ="safe")
    sets: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(FIXTURES.glob("*-*.yaml")):
        for pair in yaml.load(path.read_text(encoding="utf-8")):
            sets.setdefault(path.stem.split("-")[0], []).append(
                {
                    "id": pair["id"],
                    "same": pair["label"] == "same",
                    "a": {"title": pair["a"]["title"], "text": pair["a"].get("summary") or ""},
                    "b": {"title": pair["b"]["title"], "text": pair["b"].get("summary") or ""},
                }
            )
    path = semeval_path()
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if row["reading"] == "same_event":
                same = True
            elif row["reading"] == "related_other_event" or row["overall"] >= 3:
                same = False
            else:
                continue  # unclear, or Overall 2 (not labelled for events)
            pair = {"id": f"semeval-{row['pair']}", "same": same, "a": row["a"], "b": row["b"]}
            sets.setdefault("semeval", []).append(pair)
    return sets


def decide(pair: dict[str, Any]) -> tuple[bool, float]:
    """postbot's decision for a pair: two feeds' stories `APART` minutes apart."""
    a = fingerprint(pair["a"]["title"], pair["a"].get("text") or "", NOW)
    b = fingerprint(pair["b"]["title"], pair["b"].get("text") or "", NOW + APART)
    score = similarity(a, b)
    return same_story(a, b), score


def run_pairs(path: Path) -> None:
    tp = fp = fn = n = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        pair = json.loads(line)
        said, score = decide(pair)
        truth = bool(pair["same"])
        tp += said and truth
        fp += said and not truth
        fn += truth and not said
        n += 1
        print(f"pair={pair['id']} same={int(said)} score={score:.3f}")
    precision = tp / max(tp + fp, 1)
    recall = tp / max(tp + fn, 1)
    print(f"precision={precision:.2f} recall={recall:.2f} pairs={n}")


# -- cross-validation -------------------------------------------------------------------------


def features(pair: dict[str, Any]) -> list[float] | None:
    """The evidence components of a pair (None: the stem gate already says no)."""
    a = fingerprint(pair["a"]["title"], pair["a"].get("text") or "", NOW)
    b = fingerprint(pair["b"]["title"], pair["b"].get("text") or "", NOW + APART)
    if not gate(a, b):
        return None
    _, found = explain(a, b)
    assert found is not None
    if found.days_conflict or found.headline_conflict or found.places_conflict:
        return None  # the rules say no, whatever the weights
    if found.actions_conflict or found.dates_conflict or found.steps_conflict:
        return None  # the rules say no, whatever the weights
    return [v for name, v in zip(COMPONENTS, found.values(), strict=True) if name in FITTED]


RULES = (
    "days_conflict",
    "headline_conflict",
    "places_conflict",
    "actions_conflict",
    "dates_conflict",
    "steps_conflict",
    "hours_apart",
)  # not fitted (see cluster.explain)
FITTED = [name for name in COMPONENTS if name not in RULES]
Sample = tuple[list[float] | None, bool]


def logistic(data: list[Sample], l2: float = 0.01, steps: int = 1500) -> tuple[list[float], float]:
    """Class-balanced L2 logistic regression by gradient descent (gated pairs left out)."""
    rows = [(x, y) for x, y in data if x is not None]
    k = len(FITTED)
    weights, bias = [0.0] * k, 0.0
    positives = sum(1 for _, y in rows if y)
    if not positives or positives == len(rows):
        return weights, bias
    balance = {True: len(rows) / (2 * positives), False: len(rows) / (2 * (len(rows) - positives))}
    for _ in range(steps):
        grad, grad_bias = [0.0] * k, 0.0
        for x, y in rows:
            z = bias + sum(w * v for w, v in zip(weights, x, strict=True))
            error = (1 / (1 + math.exp(-z)) - y) * balance[y]
            for i in range(k):
                grad[i] += error * x[i]
            grad_bias += error
        weights = [w - 0.5 * (g / len(rows) + l2 * w) for w, g in zip(weights, grad, strict=True)]
        bias -= 0.5 * grad_bias / len(rows)
    return weights, bias


def _z(weights: list[float], bias: float, x: list[float] | None) -> float:
    if x is None:
        return -math.inf
    return bias + sum(w * v for w, v in zip(weights, x, strict=True))


def pick_threshold(scores: list[tuple[float, bool]], rate: float) -> float:
    """The lowest score threshold with at most `rate` of the negatives at or above it."""
    negatives = sorted((z for z, y in scores if not y), reverse=True)
    allowed = int(rate * len(negatives))
    if allowed >= len(negatives):
        return -math.inf
    return math.nextafter(negatives[allowed], math.inf)


def cross_validate(folds: int, seeds: int) -> None:
    sets = pair_sets()
    labelled = [(name, pair) for name, pairs in sets.items() for pair in pairs]
    data = [(features(pair), bool(pair["same"])) for _, pair in labelled]
    results: dict[str, list[tuple[float, float, int, int]]] = {}
    for seed in range(seeds):
        rng = random.Random(seed)
        # stratified: positives and negatives dealt to the folds in turn
        order: list[int] = []
        for label in (True, False):
            part = [i for i, (_, y) in enumerate(data) if y is label]
            rng.shuffle(part)
            order += part
        fold_of = {i: n % folds for n, i in enumerate(order)}
        decided: dict[int, bool] = {}
        for fold in range(folds):
            train = [data[i] for i in range(len(data)) if fold_of[i] != fold]
            weights, bias = logistic(train)
            threshold = pick_threshold(
                [(_z(weights, bias, x), y) for x, y in train], FALSE_JOIN_RATE
            )
            for i in range(len(data)):
                if fold_of[i] == fold:
                    decided[i] = _z(weights, bias, data[i][0]) >= threshold
        for name in [*sets, "all"]:
            idx = [i for i, (n, _) in enumerate(labelled) if name in (n, "all")]
            tp = sum(1 for i in idx if decided[i] and data[i][1])
            fp = sum(1 for i in idx if decided[i] and not data[i][1])
            pos = sum(1 for i in idx if data[i][1])
            precision, recall = tp / max(tp + fp, 1), tp / max(pos, 1)
            results.setdefault(name, []).append((precision, recall, fp, len(idx) - pos))
            print(
                f"cv set={name} seed={seed} folds={folds} pairs={len(idx)} same={pos} "
                f"precision={precision:.2f} recall={recall:.2f} tp={tp} fp={fp}"
            )
    for name, runs in results.items():
        print(
            f"cv_summary set={name} folds={folds} seeds={seeds} "
            f"precision={statistics.median(r[0] for r in runs):.2f} "
            f"recall={statistics.median(r[1] for r in runs):.2f} "
            f"false_joins={statistics.median(r[2] for r in runs):g}/{runs[0][3]}"
        )
    weights, bias = logistic(data)
    threshold = pick_threshold([(_z(weights, bias, x), y) for x, y in data], FALSE_JOIN_RATE)
    # rounded up, so that the printed threshold keeps the negatives the exact one kept out
    probability = math.ceil(1e4 / (1 + math.exp(-threshold))) / 1e4
    print(
        "fit "
        + " ".join(f"{name}={w:.4f}" for name, w in zip(FITTED, weights, strict=True))
        + f" bias={bias:.4f} threshold={probability:.4f}"
    )


def ceiling(name: str, wrong: int) -> None:
    """Per-component ranking of one pair set and the in-sample ceiling (see the docstring)."""
    pairs = pair_sets()[name]
    stopped: dict[str, int] = {}
    rows: list[tuple[list[float], bool]] = []
    for pair in pairs:
        same = bool(pair["same"])
        a = fingerprint(pair["a"]["title"], pair["a"].get("text") or "", NOW)
        b = fingerprint(pair["b"]["title"], pair["b"].get("text") or "", NOW + APART)
        _, found = explain(a, b)
        rule = "gate" if found is None else next((r for r in RULES if getattr(found, r)), None)
        if rule is not None:
            stopped[rule] = stopped.get(rule, 0) + same
            continue
        assert found is not None
        x = [v for n, v in zip(COMPONENTS, found.values(), strict=True) if n in FITTED]
        rows.append((x, same))
    positives = sum(1 for p in pairs if p["same"])
    for rule, count in stopped.items():
        print(f"stopped set={name} by={rule} same={count}/{positives}")
    weights, bias = logistic([(x, y) for x, y in rows])
    scored = {n: [(x[i], y) for x, y in rows] for i, n in enumerate(FITTED)}
    scored["fit_in_sample"] = [(_z(weights, bias, x), y) for x, y in rows]
    for key, values in scored.items():
        pos = [v for v, y in values if y]
        neg = sorted((v for v, y in values if not y), reverse=True)
        pairs_compared = max(len(pos) * len(neg), 1)
        auc = sum((p > q) + 0.5 * (p == q) for p in pos for q in neg) / pairs_compared
        bar = neg[wrong] if wrong < len(neg) else -math.inf
        above = sum(1 for v in pos if v > bar)
        print(
            f"rank set={name} by={key} auc={auc:.2f} at_wrong={wrong} "
            f"same={above}/{positives} recall={above / max(positives, 1):.2f}"
        )


def write_idf() -> None:
    """Count the fixed n-gram IDF table (cluster/ngram_idf.tsv.gz) over every article text."""
    docs: list[str] = []
    for pairs in pair_sets().values():
        for pair in pairs:
            docs += [f"{pair[s]['title']} . {pair[s].get('text') or ''}" for s in ("a", "b")]
    path = semeval_path()
    if path.exists():  # the SemEval articles in full, Overall 2 and unclear pairs included
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            docs += [f"{row[s]['title']} . {row[s]['text']}" for s in ("a", "b")]
    docs = list(dict.fromkeys(docs))
    df: dict[str, int] = {}
    for doc in docs:
        for gram in grams(words_of(digits_joined(normalize(doc)))):
            df[gram] = df.get(gram, 0) + 1
    n = len(docs)
    keep = {g: math.log((n + 1) / (c + 1)) + 1 for g, c in df.items() if c >= max(3, 0.02 * n)}
    # package data, read by postbot.cluster.data; mtime 0: the same counts, the same bytes
    data = format_idf(n, keep).encode("utf-8")
    IDF_FILE.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    print(f"idf documents={n} grams={len(keep)} file={IDF_FILE}")


def _fp(item: dict[str, Any]) -> cluster.Fingerprint:
    return fingerprint(item["title"], item.get("summary") or "")


def quality(prefix: str, verbose: bool) -> None:
    pairs = load(prefix)
    scored = [(similarity(_fp(p["a"]), _fp(p["b"])), p["label"] == "same", p) for p in pairs]
    same = sum(1 for _, truth, _ in scored if truth)

    def at(threshold: float) -> tuple[float, float, float, int, int, int]:
        tp = sum(1 for s, truth, _ in scored if s >= threshold and truth)
        fp = sum(1 for s, truth, _ in scored if s >= threshold and not truth)
        fn = same - tp
        precision = tp / max(tp + fp, 1)
        recall = tp / max(tp + fn, 1)
        f1 = 2 * precision * recall / max(precision + recall, 1e-9)
        return precision, recall, f1, tp, fp, fn

    p, r, f, tp, fp, fn = at(THRESHOLD)
    print(
        f"quality set={prefix} pairs={len(pairs)} same={same} different={len(pairs) - same} "
        f"threshold={THRESHOLD} precision={p:.2f} recall={r:.2f} f1={f:.2f} "
        f"tp={tp} fp={fp} fn={fn}"
    )
    sweep = " ".join(
        f"{t:.2f}:{at(t)[0]:.2f}/{at(t)[1]:.2f}" for t in (0.45, 0.50, 0.55, 0.60, 0.65, 0.70, 0.75)
    )
    print(f"sweep set={prefix} threshold:precision/recall {sweep}")
    if verbose:
        for score, truth, pair in sorted(scored, key=lambda x: x[0]):
            wrong = (score >= THRESHOLD) != truth
            if wrong:
                kind = "missed" if truth else "merged"
                print(f"  {kind} {score:.3f} {pair['id']} ({pair['kind']})")


# -- the cost with a full window --------------------------------------------------------------


def vocabulary() -> tuple[list[str], list[int]]:
    """The words of every fixture item and how often each occurs (Arabic, security beat)."""
    counts: dict[str, int] = {}
    for pair in load("tuning") + load("holdout"):
        for side in (pair["a"], pair["b"]):
            for word in f"{side['title']} {side.get('summary') or ''}".split():
                word = word.strip('.,،:؛"«»()')
                if word:
                    counts[word] = counts.get(word, 0) + 1
    words = sorted(counts)
    return words, [counts[w] for w in words]


class Writer:
    """Synthetic Arabic stories: words drawn by their frequency in the fixtures (so common
    words like «داعش» and «الأنبار» are shared by many stories, rare ones by few), places and
    numbers mixed in."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.words, self.weights = vocabulary()

    def _words(self, n: int) -> list[str]:
        words = self.rng.choices(self.words, self.weights, k=n)
        words[self.rng.randrange(n)] = self.rng.choice(PLACES)
        if self.rng.random() < 0.5:
            words[self.rng.randrange(n)] = str(self.rng.randint(2, 400))
        return words

    def story(self, feed: str, key: str) -> Story:
        title = " ".join(self._words(10))
        summary = " ".join(" ".join(self._words(14)) + "." for _ in range(3))
        return Story(feed, key, title, f"https://{feed}.example/{key}", summary, NOW)

    def rewrite(self, story: Story, key: str) -> Story:
        """Another outlet's copy: a sentence dropped, the rest reordered, a fifth of the words
        changed, the title reworded."""
        sentences = [x for x in story.summary.split(".") if x.strip()]
        if len(sentences) > 2:
            sentences.pop(self.rng.randrange(len(sentences)))
        self.rng.shuffle(sentences)
        words = " ".join(s.strip() + "." for s in sentences).split()
        for i in range(len(words)):
            if self.rng.random() < 0.2:
                words[i] = self.rng.choices(self.words, self.weights)[0]
        title = story.title.split()
        cut = max(1, len(title) // 3)
        title = title[cut:] + title[:cut]
        title[self.rng.randrange(len(title))] = self.rng.choices(self.words, self.weights)[0]
        return Story(
            "other", key, " ".join(title), f"https://other.example/{key}", " ".join(words), NOW
        )


def build_window(engine: sa.Engine, stories: list[Story]) -> None:
    with Session(engine) as session:
        repo.upsert_feeds(
            session=session,
            feeds=[
                repo.FeedSpec("window", "https://w.example/rss", "Window"),
                repo.FeedSpec("other", "https://o.example/rss", "Other"),
            ],
            now=NOW,
        )
        session.commit()
    batch = 500
    for start in range(0, len(stories), batch):
        with Session(engine) as session:
            for story in stories[start : start + batch]:
                fp = fingerprint(story.title, story.summary)
                row, _ = repo.save_story(session=session, story=story, now=NOW)
                assert row.id is not None
                repo.file_bands(session=session, story_id=row.id, bands=band_keys(fp), seen_at=NOW)
            session.commit()


class CountingCandidates:
    """Wraps repo.band_candidates to count the stories compared exactly."""

    def __init__(self) -> None:
        self.counts: list[int] = []
        self.seconds: list[float] = []
        self._real = repo.band_candidates

    def __call__(self, **kwargs: Any) -> list[StoryRow]:
        started = time.perf_counter()
        rows = self._real(**kwargs)
        self.seconds.append(time.perf_counter() - started)
        self.counts.append(len(rows))
        return rows


def cost(url: str | None, n_window: int, n_new: int, seed: int) -> dict[str, float]:
    rng = random.Random(seed)
    writer = Writer(rng)
    window = [writer.story("window", f"w{i}") for i in range(n_window)]
    with contextlib.ExitStack() as stack:
        tmp = stack.enter_context(tempfile.TemporaryDirectory())
        # PostgreSQL: a database of its own, created and dropped here (the server's admin URL)
        db_url = stack.enter_context(temporary_pg_database(database_url(url))) if url else None
        engine = make_engine(db_url or f"sqlite:///{tmp}/cluster.db")
        upgrade_engine(engine)
        build_window(engine, window)
        clusters = Clusterer()  # the poller's own, as its ingest uses it
        counter = CountingCandidates()
        repo.band_candidates = counter  # type: ignore[assignment]
        times, found, false_joins = [], 0, 0
        cpu_started = time.process_time()
        originals: dict[str, int] = {}
        with Session(engine) as session:
            rows = session.execute(sa.select(StoryRow.key, StoryRow.id)).all()  # type: ignore[call-overload]
            ids = {key: story_id for key, story_id in rows}
        try:
            for i in range(n_new):
                if i % 2 == 0:
                    original = rng.choice(window)
                    story = writer.rewrite(original, f"r{i}")
                    originals[story.key] = ids[original.key]
                else:
                    story = writer.story("other", f"n{i}")
                started = time.perf_counter()
                with Session(engine) as session:
                    repo.lock_clustering(session=session)
                    at = NOW + timedelta(minutes=1)
                    item = clusters.prepare(session, story, at, find_root=True)
                    saved = clusters.save(session, item, at, {})
                    assert saved is not None
                    root = saved.root.id if saved.root is not None else None
                    session.commit()
                times.append(time.perf_counter() - started)
                if story.key in originals:
                    found += root == originals[story.key]
                elif root is not None:
                    false_joins += 1
            cpu_ms = (time.process_time() - cpu_started) / max(n_new, 1) * 1000
        finally:
            repo.band_candidates = counter._real  # type: ignore[assignment]
        with Session(engine) as session:
            bands = int(
                session.execute(sa.select(sa.func.count()).select_from(StoryBand)).scalar_one()
            )  # type: ignore[call-overload]
        engine.dispose()
    started = time.perf_counter()
    for story in window[:2000]:
        band_keys(fingerprint(story.title, story.summary))
    pure_us = (time.perf_counter() - started) / 2000 * 1e6
    times.sort()
    return {
        "ms_per_story": statistics.median(times) * 1000,
        "cpu_ms": cpu_ms,
        "p95_ms": times[int(len(times) * 0.95)] * 1000,
        "candidates": statistics.median(counter.counts) if counter.counts else 0,
        "lookup_ms": statistics.median(counter.seconds) * 1000 if counter.seconds else 0.0,
        "found": found / max(len(originals), 1),
        "false_joins": false_joins,
        "fingerprint_us": pure_us,
        "band_rows": float(bands),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=10_000)
    parser.add_argument("--new", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--database",
        default=None,
        help="a PostgreSQL server URL; a temporary database is made on it (default: SQLite)",
    )
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--quality-only", action="store_true")
    parser.add_argument("--pairs", type=Path, help="decide the pairs of a JSONL file (see above)")
    parser.add_argument("--cv", action="store_true", help="cross-validate weights and threshold")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--write-idf", action="store_true", help="recount cluster/ngram_idf.tsv.gz")
    parser.add_argument("--ceiling", action="store_true", help="how far the evidence can go")
    parser.add_argument("--set", default="semeval", help="the pair set --ceiling reads")
    parser.add_argument("--wrong", type=int, default=3, help="wrong joins --ceiling allows")
    args = parser.parse_args()
    if args.pairs is not None:
        run_pairs(args.pairs)
        return
    if args.ceiling:
        ceiling(args.set, args.wrong)
        return
    if args.cv:
        cross_validate(args.folds, args.seeds)
        return
    if args.write_idf:
        write_idf()
        return
    for prefix in ("tuning", "holdout"):
        quality(prefix, args.verbose)
    if args.quality_only:
        return
    runs = []
    backend = "postgresql" if args.database else "sqlite"
    for n in range(args.repeat):
        result = cost(args.database, args.stories, args.new, seed=n)
        runs.append(result)
        print(
            f"cost run={n + 1} backend={backend} window={args.stories} new={args.new} "
            + " ".join(
                f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in result.items()
            )
        )
    keys = runs[0].keys()
    print(
        f"summary backend={backend} window={args.stories} repeats={args.repeat} "
        + " ".join(f"{k}={statistics.median(r[k] for r in runs):.3f}" for k in keys)
    )


if __name__ == "__main__":
    main()
