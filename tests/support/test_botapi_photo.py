"""sendPhoto in the Bot API double, as Telegram answers it: over plain HTTP and through PTB."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterator
from typing import Any

import httpx
import matplotlib.image
import pytest
import telegram
from telegram.constants import ParseMode
from telegram.error import BadRequest

from support.botapi import BotApiDouble

CHAT = 4242


def png(width: int, height: int) -> bytes:
    """A real (grey) PNG of this size."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def double() -> Iterator[BotApiDouble]:
    # one message a second to a private chat, as Telegram: off, these tests send several at once
    with BotApiDouble(private_per_second=None) as running:
        running.register_chat(CHAT)
        yield running
        assert running.internal_errors == []


def send(double: BotApiDouble, files: dict[str, Any] | None, **data: Any) -> httpx.Response:
    with httpx.Client(base_url=f"{double.url}/bot{double.token}/", trust_env=False) as client:
        return client.post("sendPhoto", data={"chat_id": CHAT, **data}, files=files)


def test_an_uploaded_png_is_stored_with_its_sizes_and_caption(double: BotApiDouble) -> None:
    image = png(1200, 672)
    answer = send(
        double,
        {"photo": ("chart.png", image, "image/png")},
        caption="<b>داعش</b>: 12 خبراً",
        parse_mode="HTML",
    ).json()
    assert answer["ok"], answer
    message = answer["result"]
    assert "text" not in message and message["caption"] == "داعش: 12 خبراً"
    assert message["caption_entities"] == [{"type": "bold", "offset": 0, "length": 4}]
    sizes = [(s["width"], s["height"]) for s in message["photo"]]
    assert sizes == [(90, 50), (320, 179), (800, 448), (1200, 672)]  # largest last, up to 1280
    (record,) = double.sent
    assert record.method == "sendPhoto" and record.photo == image and record.text == "داعش: 12 خبراً"
    # the same photo again by the file_id Telegram gave
    again = send(double, None, photo=message["photo"][-1]["file_id"]).json()
    assert again["ok"] and again["result"]["photo"] == message["photo"]
    assert "caption" not in again["result"]


@pytest.mark.parametrize(
    ("files", "data", "description"),
    [
        pytest.param(None, {}, "Bad Request: there is no photo in the request", id="no-photo"),
        pytest.param(
            {"photo": ("x.png", b"not an image", "image/png")},
            {},
            "Bad Request: IMAGE_PROCESS_FAILED",
            id="not-an-image",
        ),
        pytest.param(
            {"photo": ("x.png", png(2100, 100), "image/png")},
            {},
            "Bad Request: PHOTO_INVALID_DIMENSIONS",
            id="ratio-over-20",
        ),
        pytest.param(
            None,
            {"photo": "AgACnot-a-file"},
            "Bad Request: wrong file identifier/HTTP URL specified",
            id="unknown-file-id",
        ),
        pytest.param(
            {"photo": ("x.png", png(10, 10), "image/png")},
            {"caption": "x" * 1025},
            "Bad Request: message caption is too long",
            id="caption-1025",
        ),
        pytest.param(
            {"photo": ("x.png", png(10, 10), "image/png")},
            {"caption": "<b>open", "parse_mode": "HTML"},
            None,
            id="bad-caption-html",
        ),
    ],
)
def test_what_telegram_refuses_the_double_refuses(
    double: BotApiDouble,
    files: dict[str, Any] | None,
    data: dict[str, Any],
    description: str | None,
) -> None:
    response = send(double, files, **data)
    body = response.json()
    assert response.status_code == 400 and body["ok"] is False
    if description is None:
        assert body["description"].startswith("Bad Request: can't parse entities")
    else:
        assert body["description"] == description
    assert double.sent == []


async def test_ptb_uploads_bytes_and_a_photo_has_no_text_to_edit(double: BotApiDouble) -> None:
    image = png(640, 360)
    async with telegram.Bot(double.token, base_url=double.base_url) as bot:
        sent = await bot.send_photo(
            CHAT, image, caption="<i>trend</i>", parse_mode=ParseMode.HTML, filename="t.png"
        )
        assert sent.caption == "trend" and sent.photo[-1].width == 640
        with pytest.raises(BadRequest, match="no text in the message to edit"):
            await bot.edit_message_text("new", chat_id=CHAT, message_id=sent.message_id)
    (record,) = double.sent
    assert record.photo is not None
    decoded = matplotlib.image.imread(io.BytesIO(record.photo), format="png")
    assert decoded.shape[:2] == (360, 640)


def test_chat_actions_are_checked_and_recorded(double: BotApiDouble) -> None:
    with httpx.Client(base_url=f"{double.url}/bot{double.token}/", trust_env=False) as client:
        ok = client.post("sendChatAction", json={"chat_id": CHAT, "action": "upload_photo"})
        assert ok.json() == {"ok": True, "result": True}
        wrong = client.post("sendChatAction", json={"chat_id": CHAT, "action": "dancing"})
        assert wrong.json()["description"] == "Bad Request: wrong parameter action in request"
    assert double.chat_actions == [(CHAT, "upload_photo")]
    assert double.sent == []  # an action is not a message
