"""The fixed IDF estimate of character n-grams, as a value the comparison is given (pure).

The table is counted by `bench/cluster.py --write-idf` over the Arabic news items at hand and
shipped as package data (`ngram_idf.tsv.gz`: `documents<TAB>N` on the first line, then one
`gram<TAB>idf` a line, idf = ln((N + 1) / (df + 1)) + 1, only n-grams in at least 2% of the
items). An n-gram it does not list is rarer than any it does and gets the largest weight. The
file is read at the edge (`postbot.cluster.data`); this module only parses and holds it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

IDF_FILE = "ngram_idf.tsv.gz"  # in the postbot.cluster package


class IdfTable:
    """n-gram → IDF, the weight of an unlisted (rare) n-gram, and each distinct value's small
    code: the table has a few hundred distinct values, so a vector keeps a code per n-gram."""

    def __init__(self, documents: int, table: Mapping[str, float]) -> None:
        self.documents = documents
        self.table = dict(table)
        # n-grams the table does not list occur in under 2% of its documents
        self.rare = math.log((documents + 1) / 1.0) + 1.0
        self.values = sorted({*self.table.values(), self.rare})
        code = {v: i for i, v in enumerate(self.values)}
        self.code_type = "B" if len(self.values) <= 256 else "H"
        self.codes = {g: code[v] for g, v in self.table.items()}  # one look-up, not two
        self.rare_code = code[self.rare]

    def __len__(self) -> int:
        return len(self.table)

    def idf(self, gram: str) -> float:
        """The IDF estimate of an n-gram (unlisted: rare)."""
        return self.table.get(gram, self.rare)


def parse_idf(text: str) -> IdfTable:
    """The table from its text form (see the module docstring)."""
    lines = text.strip("\n").split("\n")
    label, documents = lines[0].split("\t")
    if label != "documents":
        raise ValueError("an IDF table starts with documents<TAB>N")
    table: dict[str, float] = {}
    for line in lines[1:]:
        gram, value = line.rsplit("\t", 1)  # a gram may start or end with a space, never a tab
        table[gram] = float(value)
    return IdfTable(int(documents), table)


def format_idf(documents: int, table: Mapping[str, float]) -> str:
    """The text form of a table (values rounded to 2 decimals, n-grams sorted)."""
    lines = [f"documents\t{documents}"] + [f"{g}\t{v:.2f}" for g, v in sorted(table.items())]
    return "\n".join(lines) + "\n"
