"""decode_feed: bytes to text whatever the header or prolog claims."""

from __future__ import annotations

import codecs
import random

import pytest

from postbot.feeds.decode import decode_feed, looks_like_cp1256

from .conftest import FIXTURES

TITLE = "قاعدة عين الأسد: نحو 250 مستشاراً"
PROLOG_1256 = '<?xml version="1.0" encoding="windows-1256"?>'
PROLOG_UTF8 = '<?xml version="1.0" encoding="utf-8"?>'


def doc(prolog: str = "") -> str:
    return f"{prolog}<rss><channel><title>{TITLE}</title></channel></rss>"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        pytest.param(doc(PROLOG_UTF8).encode(), None, id="utf8-declared"),
        pytest.param(doc().encode(), None, id="utf8-undeclared"),
        pytest.param(doc(PROLOG_1256).encode(), None, id="utf8-prolog-says-1256"),
        pytest.param(doc().encode(), "text/xml; charset=windows-1256", id="utf8-header-says-1256"),
        pytest.param(codecs.BOM_UTF8 + doc(PROLOG_1256).encode(), None, id="utf8-bom"),
        pytest.param(doc(PROLOG_1256).encode("cp1256"), None, id="1256-declared"),
        pytest.param(doc().encode("cp1256"), None, id="1256-undeclared"),
        pytest.param(doc(PROLOG_UTF8).encode("cp1256"), None, id="1256-prolog-says-utf8"),
        pytest.param(doc().encode("cp1256"), "text/xml; charset=utf-8", id="1256-header-says-utf8"),
        pytest.param(
            doc().encode("cp1256"), "text/xml; charset=ISO-8859-1", id="1256-header-latin1"
        ),
        pytest.param(doc().encode("cp1256"), 'text/xml; charset="cp1256"', id="1256-header-quoted"),
        pytest.param(doc().encode("cp1256"), "text/xml; charset=x-no-such", id="unknown-charset"),
        pytest.param(
            doc(PROLOG_UTF8).encode("iso-8859-6"), "text/xml;charset=iso-8859-6", id="iso-8859-6"
        ),
        pytest.param(codecs.BOM_UTF16_LE + doc().encode("utf-16-le"), None, id="utf16le-bom"),
        pytest.param(codecs.BOM_UTF16_BE + doc().encode("utf-16-be"), None, id="utf16be-bom"),
        pytest.param(doc().encode("utf-16-le"), None, id="utf16le-no-bom"),
        pytest.param(codecs.BOM_UTF32_LE + doc().encode("utf-32-le"), None, id="utf32le-bom"),
    ],
)
def test_arabic_comes_out_right(body: bytes, content_type: str | None) -> None:
    text = decode_feed(body, content_type)
    assert TITLE in text
    assert not text.startswith("\ufeff")


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        pytest.param("café".encode("latin-1"), None, "café", id="latin1-guess"),
        pytest.param(
            "Ça coûte 5 €".encode("cp1252"),
            "text/xml; charset=windows-1252",
            "Ça coûte 5 €",
            id="1252",
        ),
        pytest.param(b"caf\xe9", "text/xml; charset=us-ascii", "café", id="ascii-lies-latin1"),
        pytest.param(b"", None, "", id="empty"),
    ],
)
def test_western_text(body: bytes, content_type: str | None, expected: str) -> None:
    assert decode_feed(body, content_type) == expected


@pytest.mark.parametrize(
    ("body", "expected_prolog"),
    [
        pytest.param(doc(PROLOG_1256).encode(), PROLOG_UTF8, id="double-quotes"),
        pytest.param(
            b"<?xml version='1.0' encoding='WINDOWS-1256' standalone='yes'?><rss/>",
            "<?xml version='1.0' encoding='utf-8' standalone='yes'?>",
            id="single-quotes",
        ),
        pytest.param(doc(PROLOG_1256).encode("cp1256"), PROLOG_UTF8, id="after-transcoding"),
        pytest.param(b'<?xml version="1.0"?><rss/>', '<?xml version="1.0"?>', id="no-encoding"),
    ],
)
def test_prolog_is_rewritten_to_utf8(body: bytes, expected_prolog: str) -> None:
    assert decode_feed(body).startswith(expected_prolog)


def test_header_charset_beats_prolog() -> None:
    body = doc('<?xml version="1.0" encoding="koi8-r"?>').encode("cp1256")
    assert TITLE in decode_feed(body, "text/xml; charset=windows-1256")


def test_prolog_charset_beats_guess() -> None:
    body = '<?xml version="1.0" encoding="koi8-r"?><title>Новости</title>'.encode("koi8-r")
    assert "Новости" in decode_feed(body)


def test_encoding_word_outside_prolog_is_left_alone() -> None:
    body = b'<rss><title>encoding="windows-1256"</title></rss>'
    assert decode_feed(body) == body.decode()


def test_captured_cp1256_fixture_equals_utf8_fixture() -> None:
    utf8 = decode_feed((FIXTURES / "sample-ar.xml").read_bytes())
    cp1256 = decode_feed((FIXTURES / "sample-ar-cp1256.xml").read_bytes())
    assert cp1256 == utf8


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("content_type", [None, "text/xml; charset=utf-16", "charset=rot13"])
def test_binary_junk_never_raises(seed: int, content_type: str | None) -> None:
    junk = random.Random(seed).randbytes(2048)
    assert isinstance(decode_feed(junk, content_type), str)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(TITLE.encode("cp1256"), True, id="arabic"),
        pytest.param("Très élégant café à Genève".encode("latin-1"), False, id="french"),
        pytest.param("Größe über Straße".encode("latin-1"), False, id="german"),
        pytest.param("ÀÉÎ".encode("latin-1"), False, id="too-few-bytes"),
        pytest.param(b"plain ascii", False, id="ascii"),
    ],
)
def test_looks_like_cp1256(body: bytes, expected: bool) -> None:
    assert looks_like_cp1256(body) is expected
