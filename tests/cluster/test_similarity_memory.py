"""The prepared stories the poller keeps are compact and bounded (issue #11 item 13), and the
compact vectors give the very same scores as the dict[str, float] vectors they replaced."""

from __future__ import annotations

import gc
import math
import tracemalloc
from collections.abc import Mapping
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from postbot.cluster import fingerprint as cluster
from postbot.cluster import similarity
from postbot.cluster import vectors as ngram_vectors
from postbot.cluster.data import idf_table
from postbot.cluster.similarity import cosine, grams, tfidf, vector, vectors, words_of

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "cluster"
IDF = idf_table()


def _stories() -> list[tuple[str, str]]:
    yaml = YAML(typ="safe")
    found: list[tuple[str, str]] = []
    for path in sorted(FIXTURES.glob("*-*.yaml")):
        for pair in yaml.load(path.read_text(encoding="utf-8")):
            for side in ("a", "b"):
                found.append((pair[side]["title"], pair[side].get("summary") or ""))
    return found


def _dict_cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """The cosine of the dict vectors the compact ones replaced (the reference)."""
    if len(a) > len(b):
        a, b = b, a
    return min(1.0, math.fsum(v * b[g] for g, v in a.items() if g in b))


TEXTS = [
    "مقتل جنديين عراقيين بانفجار عبوة ناسفة في الرطبة",
    "هجوم هجوم هجوم هجوم على دورية في هيت",  # counts above one: sublinear TF
    "حصيلة الهجوم ترتفع إلى 12 قتيلا في حديثة غربي الأنبار",
    "Iraqi army says 3 soldiers killed near Rutba",
    "عكاشات " * 300,  # a count above 255: a wider count array
    "",
    "في من على",  # function words only: empty
    "ا ب ت",  # words shorter than an n-gram still have padded grams
]


@pytest.mark.parametrize("text", TEXTS)
def test_compact_weights_are_the_tfidf_doubles(text: str) -> None:
    counts = grams(words_of(text))
    expected = {hash(g): w for g, w in tfidf(counts, IDF).items()}
    assert vector(counts, IDF).as_dict() == expected  # == on floats: bit for bit
    assert len(vector(counts, IDF)) == len(expected)


@pytest.mark.parametrize("head_text", TEXTS)
def test_head_vector_kept_as_positions_gives_its_own_weights(head_text: str) -> None:
    head_words = words_of(head_text)
    item_words = head_words + words_of("وأصيب ثالث بجروح اليوم الثلاثاء في صحراء الرطبة")
    head, item = vectors(grams(head_words), grams(item_words), IDF)
    assert head.as_dict() == {hash(g): w for g, w in tfidf(grams(head_words), IDF).items()}
    assert item.as_dict() == {hash(g): w for g, w in tfidf(grams(item_words), IDF).items()}
    assert bool(head) == bool(head_words and tfidf(grams(head_words), IDF))


def test_cosine_is_the_dict_cosine_bit_for_bit_on_every_fixture_pair() -> None:
    stories = _stories()
    prepared = [similarity.prepare(t, s, idf=IDF) for t, s in stories]
    for i in range(0, len(stories) - 1, 2):  # each fixture pair, and the next story over
        for j in (i + 1, i + 2):
            if j >= len(stories):
                continue
            found = similarity.evidence(prepared[i], prepared[j])  # both cosines at once
            for part in ("head", "item"):
                a_words, b_words = (_words(stories[k], part) for k in (i, j))
                want = _dict_cosine(tfidf(grams(a_words), IDF), tfidf(grams(b_words), IDF))
                got = cosine(getattr(prepared[i], part), getattr(prepared[j], part))
                assert got == want, (i, j, part)
                assert cosine(getattr(prepared[j], part), getattr(prepared[i], part)) == want
                assert getattr(found, part) == want, (i, j, part)


def _words(story: tuple[str, str], part: str) -> list[str]:
    """The words prepare() builds the `part` vector from."""
    title, summary = story
    summary = " ".join(summary.split())[: similarity.ITEM_CHARS]
    title = " ".join(title.split())
    lead = similarity.split_lead(summary)
    title_n = similarity.digits_joined(similarity.normalize(title))
    summary_n = similarity.digits_joined(similarity.normalize(summary))
    head = words_of(f"{title_n} . {summary_n[: len(lead)]}")
    return head if part == "head" else head + words_of(summary_n[len(lead) :])


# The dict vectors held ~64 KB per cached story (fingerprint's text, measured the same way);
# the compact ones ~12 KB. The bound leaves room for other fields, not for a return to dicts.
BYTES_PER_STORY = 20 * 1024


def test_retained_memory_per_cached_story_is_bounded() -> None:
    stories = [(f"{t} {i}", s) for i, (t, s) in enumerate(_stories())]
    cluster.PREPARED.clear()
    for title, summary in stories:  # warm the word → n-gram cache: not per story
        similarity.prepare(title, summary, idf=IDF)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        held = [cluster.fingerprint(t, s, idf=IDF) for t, s in stories]
        fingerprints = tracemalloc.get_traced_memory()[0]
        for fp in held:
            assert not fp.text.empty or not fp.words
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
        cluster.PREPARED.clear()
    assert fingerprints > before  # the measure sees allocations at all
    per_story = (after - fingerprints) / len(stories)
    assert 0 < per_story < BYTES_PER_STORY, per_story


def test_prepared_cache_is_bounded() -> None:
    cluster.PREPARED.clear()
    title, summary = _stories()[0]
    try:
        for i in range(cluster.PREPARED_CACHE + 50):
            assert not cluster.fingerprint(f"{title} {i}", summary, idf=IDF).text.empty
        assert len(cluster.PREPARED) == cluster.PREPARED_CACHE == cluster.PREPARED.size
        assert cluster.PREPARED_CACHE * BYTES_PER_STORY <= 64 * 1024 * 1024  # tens of MB
    finally:
        cluster.PREPARED.clear()


def test_word_gram_cache_is_bounded() -> None:
    limit = ngram_vectors._GRAM_CACHE_LIMIT
    assert limit <= 20_000  # ~1.5 KB a word (its n-gram strings): a few tens of MB at most
    for i in range(limit + 100):
        ngram_vectors.word_grams(f"كلمة{i}")
        assert len(ngram_vectors._GRAM_CACHE) <= limit
    # a word's n-grams are the same whether cached or not
    ngram_vectors._GRAM_CACHE.clear()
    first = ngram_vectors.word_grams("الرطبة")
    assert ngram_vectors.word_grams("الرطبة") == first
    assert first == tuple(
        " الرطبة "[i : i + n]
        for n in range(ngram_vectors.MIN_GRAM, ngram_vectors.MAX_GRAM + 1)
        for i in range(len(" الرطبة ") - n + 1)
    )
