"""Sentence splitting and extractive summaries."""

from __future__ import annotations

import random
import time

import pytest

from postbot.alerts.summarize import Sentence, split_sentences, summarize


def _texts(text: str) -> list[str]:
    return [text[s.start : s.end] for s in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("قال الوزير. وأضاف أن", ["قال الوزير.", "وأضاف أن"], id="full-stop-space"),
        pytest.param("قال الوزير.وأضاف أن", ["قال الوزير.", "وأضاف أن"], id="full-stop-no-space"),
        pytest.param("هل انتهى؟ نعم", ["هل انتهى؟", "نعم"], id="arabic-question"),
        pytest.param("هل انتهى؟نعم", ["هل انتهى؟", "نعم"], id="arabic-question-no-space"),
        pytest.param("يا للهول! ثم", ["يا للهول!", "ثم"], id="exclamation"),
        pytest.param("وهكذا… انتهى", ["وهكذا…", "انتهى"], id="ellipsis"),
        pytest.param("قال: نعم، لا؛ ربما", ["قال: نعم، لا؛ ربما"], id="no-split-on-،-؛-:"),
        pytest.param("بلغ 3.5 مليار", ["بلغ 3.5 مليار"], id="decimal"),
        pytest.param("نحو 2.500 جندي", ["نحو 2.500 جندي"], id="thousands-dot"),
        pytest.param("قال «انتهى.» ثم غادر", ["قال «انتهى.»", "ثم غادر"], id="closing-guillemet"),
        pytest.param("عنوان\nسطر ثان طويل", ["عنوان", "سطر ثان طويل"], id="line-break"),
        pytest.param("The U.S. Army left. Then", ["The U.S. Army left.", "Then"], id="us-abbrev"),
        pytest.param("He met Dr. Ali. Then", ["He met Dr. Ali.", "Then"], id="dr-abbrev"),
        pytest.param("It was in May. Then", ["It was in May.", "Then"], id="may-is-a-word"),
        pytest.param("see https://x.net/?p=1 now", ["see https://x.net/?p=1 now"], id="url"),
        pytest.param("أولاً!! ثانياً", ["أولاً!!", "ثانياً"], id="double-bang"),
        pytest.param("", [], id="empty"),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert _texts(text) == expected


def test_offset_shifts_spans() -> None:
    text = "جملة أولى. جملة ثانية"
    spans = split_sentences(text, offset=10)
    assert spans[0] == Sentence(10, 20)


def _doc(sentences: list[str]) -> tuple[str, list[Sentence]]:
    text = " ".join(sentences)
    return text, split_sentences(text)


def test_summary_prefers_sentences_with_terms() -> None:
    parts = [
        "افتتح الوزير مشروعا جديدا للطرق في المحافظة اليوم.",
        "وتحدث عن خطط الحكومة في قطاع النقل والمواصلات.",
        "وقال إن الطرق ستنجز خلال عامين بكلفة معقولة.",
        "وفي سياق آخر هاجم مسلحون من داعش نقطة للجيش ليلا.",
        "وأكدت مصادر أن الهجوم صُد دون خسائر في الأرواح.",
    ]
    text, sentences = _doc(parts)
    at = text.index("داعش")
    chosen = summarize(text, sentences, [(at, at + 4)])
    picked = [text[s.start : s.end] for s in chosen]
    assert parts[3] in picked
    assert parts[0] in picked  # the lead sentence is kept for context
    assert len(picked) == 2  # a third sentence without a matched term adds nothing
    assert [s.start for s in chosen] == sorted(s.start for s in chosen)


def test_summary_takes_three_when_three_carry_terms() -> None:
    parts = [
        "افتتح الوزير مشروعا جديدا للطرق في المحافظة اليوم.",
        "وقال مسؤول إن داعش نفذ هجوما على نقطة للجيش.",
        "وتحدث عن خطط الحكومة في قطاع النقل والمواصلات.",
        "وأضاف أن عين الأسد تعرضت لقصف صاروخي مساء أمس.",
    ]
    text, sentences = _doc(parts)
    spans = [(text.index(t), text.index(t) + len(t)) for t in ("داعش", "عين الأسد")]
    picked = [text[s.start : s.end] for s in summarize(text, sentences, spans)]
    assert picked == [parts[0], parts[1], parts[3]]


def test_summary_skips_headings_and_respects_length() -> None:
    parts = ["عنوان قصير", "x " * 200 + ".", "هذه جملة عادية من خمس كلمات أو أكثر."]
    text = "\n".join(parts)
    chosen = summarize(text, split_sentences(text), [], max_chars=300)
    picked = [text[s.start : s.end] for s in chosen]
    assert "عنوان قصير" not in picked
    assert sum(len(p) for p in picked) <= 300 or len(picked) == 1


def test_summary_of_one_short_sentence_keeps_it() -> None:
    text = "خبر قصير"
    assert [text[s.start : s.end] for s in summarize(text, split_sentences(text), [])] == [text]


def _story_text(kb: int) -> tuple[str, list[tuple[int, int]]]:
    """An Arabic text of about `kb` KB in which every third word is a highlighted term."""
    words = ["قاعدة", "الجنود", "داعش", "في", "الأنبار", "U.S.", "قال", "المسؤول", "إن"]
    rng = random.Random(kb)
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    size = 0
    while size < kb * 1024:
        word = rng.choice(words) + str(rng.randrange(50))
        sep = rng.choice([" ", " ", " ", ". ", "، ", "\n"])
        if len(parts) % 3 == 0:
            spans.append((pos, pos + len(word)))
        parts.append(word + sep)
        pos += len(word) + len(sep)
        size += len((word + sep).encode())
    return "".join(parts), spans


def _best_times(*texts: tuple[str, list[tuple[int, int]]]) -> list[float]:
    """The best of seven runs for each text, interleaved so that a busy spell hits all."""
    best = [float("inf")] * len(texts)
    for _ in range(7):
        for i, (text, spans) in enumerate(texts):
            started = time.process_time()  # CPU time: a busy machine does not inflate it
            summarize(text, split_sentences(text), spans)
            best[i] = min(best[i], time.process_time() - started)
    return best


def test_summarizing_is_linear_in_text_size() -> None:
    # four times the text: linear costs about 4x, the former sentences × highlights count 16x
    # (and a 600 KB item took 25 s). The bound leaves room for a busy machine.
    small, large = _best_times(_story_text(100), _story_text(400))
    assert large / small < 8.0, (small, large)
    assert large < 2.0  # seconds, for 400 KB with about 24,000 highlights


def test_many_abbreviations_on_one_line_stay_fast() -> None:
    text = "The U.S. and the U.K. and Dr. X " * 20_000  # one line, no sentence end
    started = time.perf_counter()
    sentences = split_sentences(text)
    assert time.perf_counter() - started < 2.0
    assert len(sentences) == 1
