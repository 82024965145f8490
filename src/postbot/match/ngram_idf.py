"""The fixed IDF estimate of character n-grams (data in ngram_idf.tsv, read once).

Counted by `bench/cluster.py --write-idf` over the 657 distinct Arabic news items it had: the
484 SemEval-2022 Task 8 Arabic articles in full (general news: health, economy, sport,
politics) and the hand-written security-beat items of tests/fixtures/cluster. Only n-grams in
at least 2% of them are listed, as `gram<TAB>idf` with idf = ln((N + 1) / (df + 1)) + 1; any
other n-gram is rarer and gets the largest weight. No labels are used, only word counts.
"""

from __future__ import annotations

from importlib import resources


def _load() -> tuple[int, dict[str, float]]:
    text = resources.files("postbot.match").joinpath("ngram_idf.tsv").read_text(encoding="utf-8")
    lines = text.split("\n")
    documents = int(lines[0].split("\t")[1])  # first line: "documents<TAB>N"
    table: dict[str, float] = {}
    for line in lines[1:]:
        if line:
            gram, value = line.rsplit("\t", 1)
            table[gram] = float(value)
    return documents, table


DOCUMENTS, IDF_TABLE = _load()
