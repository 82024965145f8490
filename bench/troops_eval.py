"""Troop-count quality over the hand-written fixtures in tests/fixtures/troops/cases.jsonl.

    python bench/troops_eval.py [--fixtures PATH] [--show-misses] [--speed]

Each case is one sentence with a gold answer: does it state a troop count (`match`), and which
figures (`figures`: [{low, high}], null/null for a vague count). A case matches when the
extractor finds at least one count. Prints one line:
`cases=N precision=P recall=R figures_exact=F cases_exact=C`
where figures_exact is the share of gold figures found with the right low/high (among the
cases that should match) and cases_exact the share of those cases whose figure list is exactly
the gold one (order ignored). --show-misses lists each case that is wrong, with what was found.
--speed adds a line `troop_us_per_story=T` (CPU time, median of 5 passes, so that other
processes on the machine matter less) for extraction alone over bench/match.py's 3,000 stories.
To measure another checkout's extractor, put its src first: `PYTHONPATH=/other/src python ...`.
The blind check set (written before reading the rules) is measured with
`--fixtures tests/fixtures/troops/blind.jsonl`.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from postbot.match.troops import extract_troop_counts

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "troops" / "cases.jsonl"

Figure = tuple[int | None, int | None]


def load(path: Path) -> list[dict[str, object]]:
    """The fixture cases, one JSON object per non-empty line."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def gold_figures(case: dict[str, object]) -> list[Figure]:
    figures = case["figures"]
    assert isinstance(figures, list)
    return [(f["low"], f["high"]) for f in figures]


def speed() -> float:
    """CPU microseconds per bench/match.py story for troop extraction alone (median of 5)."""
    sys.path.insert(0, str(ROOT / "bench"))
    import match as bench_match
    from postbot.match.matcher import make_document

    rng = random.Random(7)
    names = bench_match.make_names(rng, 400)
    stories = bench_match.make_stories(rng, 3000, names)
    texts = [make_document(title, body).text for title, body in stories]
    runs = []
    for _ in range(5):
        began = time.process_time()
        for text in texts:
            extract_troop_counts(text)
        runs.append((time.process_time() - began) / len(texts) * 1e6)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixtures", type=Path, default=FIXTURES)
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument("--speed", action="store_true")
    args = parser.parse_args()
    cases = load(args.fixtures)
    tp = fp = fn = 0
    gold_total = gold_found = exact_cases = positives = 0
    for case in cases:
        found = extract_troop_counts(str(case["text"]))
        got: list[Figure] = [(c.low, c.high) for c in found]
        gold = gold_figures(case)
        want, have = bool(case["match"]), bool(got)
        tp += want and have
        fp += have and not want
        fn += want and not have
        exact = Counter(got) == Counter(gold)
        if want:
            positives += 1
            gold_total += len(gold)
            gold_found += sum((Counter(got) & Counter(gold)).values())
            exact_cases += exact
        if args.show_misses and (want != have or (want and not exact)):
            print(f"MISS {case['id']}: want {gold if want else 'none'}, got {got}")
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    print(
        f"cases={len(cases)} precision={precision:.3f} recall={recall:.3f}"
        f" figures_exact={gold_found / max(gold_total, 1):.3f}"
        f" cases_exact={exact_cases / max(positives, 1):.3f}"
    )
    if args.speed:
        print(f"troop_us_per_story={speed():.1f}")


if __name__ == "__main__":
    main()
