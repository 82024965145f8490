"""The IDF table ships as package data and is read once, at the edge of the matching core."""

from __future__ import annotations

import gzip
from importlib import resources

import pytest

from postbot.cluster.data import idf_table
from postbot.cluster.idf import IDF_FILE, format_idf, parse_idf


def test_the_shipped_table_is_read_once() -> None:
    table = idf_table()
    assert table is idf_table()
    # counted over 657 news items; only n-grams in 2% of them or more are listed
    assert table.documents == 657 and len(table) > 10_000
    assert table.idf(" ال") < table.idf("عكاش") == table.rare  # common; unlisted: rare
    assert max(table.table.values()) < table.rare


def test_the_package_data_is_a_gzipped_table() -> None:
    data = resources.files("postbot.cluster").joinpath(IDF_FILE).read_bytes()
    text = gzip.decompress(data).decode("utf-8")
    assert text.startswith("documents\t657\n")
    # written as it is read: the text form is the file's, to the byte
    assert format_idf(idf_table().documents, idf_table().table) == text


def test_parse_and_format_agree_and_keep_edge_spaces() -> None:
    text = format_idf(9, {" ال": 1.5, "قوات ": 2.25, "ه ": 3.0})
    table = parse_idf(text)
    assert table.table == {" ال": 1.5, "قوات ": 2.25, "ه ": 3.0}
    assert table.values[table.codes["قوات "]] == 2.25
    assert table.values[table.rare_code] == table.rare
    assert format_idf(table.documents, table.table) == text


def test_a_table_without_its_document_count_is_refused() -> None:
    with pytest.raises(ValueError):
        parse_idf("ال\t1.5\n")
