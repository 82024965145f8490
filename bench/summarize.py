"""Summarizing cost against text size: is it linear?

    python bench/summarize.py [--sizes 100,200] [--repeat 5] [--terms 4]

Builds synthetic Arabic texts of each size (KB of UTF-8) from the seed article's sentences,
highlights every occurrence of `--terms` frequent words (thousands of highlights, as a story
matching many watches has), and times `split_sentences` + `summarize` (the summary step of every
alert) `--repeat` times. For comparison it times, in the same run, the former way of counting a
sentence's matched terms (every highlight checked against every sentence), which was quadratic.

Prints one line per size:
`size_kb=S chars=C sentences=N highlights=H median_ms=M baseline_ms=B`
and a last line `ratio_last_first=R baseline_ratio_last_first=RB` (time at the largest size
over time at the smallest: about the size ratio when the cost is linear).
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from collections.abc import Sequence
from pathlib import Path

from postbot.alerts.summarize import Sentence, split_sentences, summarize

SEED = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "seed-article-ar.txt"
TERMS = ("داعش", "قاعدة", "السوداني", "التحالف", "عين", "الأسد", "العراقية", "سوريا")


def synthetic(size_kb: int) -> str:
    """An Arabic text of about `size_kb` KB of UTF-8 made of the seed article's lines."""
    lines = [line for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
    out: list[str] = []
    total = 0
    i = 0
    while total < size_kb * 1024:
        line = lines[i % len(lines)]
        out.append(line)
        total += len(line.encode("utf-8")) + 1
        i += 1
    return "\n".join(out)


def highlights(text: str, terms: Sequence[str]) -> list[tuple[int, int]]:
    """Every occurrence of each term, as matcher spans are."""
    pattern = re.compile("|".join(re.escape(t) for t in terms))
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


def quadratic_hits(
    text: str, sentences: Sequence[Sentence], spans: Sequence[tuple[int, int]]
) -> int:
    """The former per-sentence count: every highlight against every sentence."""
    total = 0
    for s in sentences:
        total += len({text[a:b] for a, b in spans if a >= s.start and b <= s.end})
    return total


def timed(fn: object, repeat: int) -> float:
    """Median milliseconds of `repeat` calls."""
    assert callable(fn)
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - started) * 1000)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--sizes", default="100,200", help="text sizes in KB, comma-separated")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--terms", type=int, default=4, help="how many words are highlighted")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    medians: list[float] = []
    baselines: list[float] = []
    for size in sizes:
        text = synthetic(size)
        spans = highlights(text, TERMS[: args.terms])
        sentences = split_sentences(text)

        def current(text: str = text, spans: list[tuple[int, int]] = spans) -> None:
            summarize(text, split_sentences(text), spans)

        def former(
            text: str = text,
            spans: list[tuple[int, int]] = spans,
            sentences: list[Sentence] = sentences,
        ) -> None:
            quadratic_hits(text, sentences, spans)

        median = timed(current, args.repeat)
        baseline = timed(former, max(1, min(args.repeat, 3)))
        medians.append(median)
        baselines.append(baseline)
        print(
            f"size_kb={size} chars={len(text)} sentences={len(sentences)} "
            f"highlights={len(spans)} median_ms={median:.1f} baseline_ms={baseline:.1f}",
            flush=True,
        )
    print(
        f"ratio_last_first={medians[-1] / medians[0]:.2f} "
        f"baseline_ratio_last_first={baselines[-1] / baselines[0]:.2f}"
    )


if __name__ == "__main__":
    main()
