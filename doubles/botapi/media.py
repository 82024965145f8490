"""sendPhoto, as strict as Telegram: an uploaded PNG or JPEG (or a file_id it issued), a caption
of at most 1,024 characters, and the PhotoSize list Telegram answers with."""

from __future__ import annotations

import hashlib
import socket
import struct
from typing import Any

from doubles.botapi.entities import utf16_len
from doubles.botapi.params import chat_id_param, str_param, validate_markup
from doubles.botapi.records import JSON, ApiError, bad_request
from doubles.botapi.state import ApiState

MAX_PHOTO_BYTES = 10 * 1024 * 1024  # Telegram: photos up to 10 MB
MAX_CAPTION_UTF16 = 1024
MAX_SIDES_SUM = 10_000  # width + height
MAX_RATIO = 20
SIZE_STEPS = (90, 320, 800, 1280)  # the longest side of each size Telegram keeps
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG or JPEG, read from its header; None for anything else."""
    if data.startswith(PNG_SIGNATURE) and len(data) >= 24 and data[12:16] == b"IHDR":
        width, height = struct.unpack(">II", data[16:24])
        return (width, height) if width and height else None
    if data.startswith(b"\xff\xd8"):
        at = 2
        while at + 9 <= len(data):
            if data[at] != 0xFF:
                return None
            marker = data[at + 1]
            length = int.from_bytes(data[at + 2 : at + 4], "big")
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[at + 5 : at + 9])
                return (width, height) if width and height else None
            at += 2 + length
    return None


def photo_sizes(file_key: str, width: int, height: int, size: int) -> list[JSON]:
    """The PhotoSize list for an upload: smaller copies, then the full size (up to 1280)."""
    sizes: list[JSON] = []
    longest = max(width, height)
    for step in SIZE_STEPS:
        scale = min(1.0, step / longest)
        w, h = max(1, round(width * scale)), max(1, round(height * scale))
        sizes.append(
            {
                "file_id": f"AgAC{file_key}_{step}",
                "file_unique_id": f"AQAD{file_key[:8]}{step}",
                "file_size": max(1, size * w * h // (width * height)),
                "width": w,
                "height": h,
            }
        )
        if scale == 1.0:
            break
    return sizes


class MediaMethods(ApiState):
    """`_api_sendphoto` and `_api_sendchataction`, and the photos stored (by file_id)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._photo_files: dict[str, tuple[list[JSON], bytes]] = {}
        self._chat_actions: list[tuple[int, str]] = []

    def _photo_param(self, params: JSON) -> tuple[list[JSON], bytes]:
        photo = params.get("photo")
        if isinstance(photo, bytes):
            if len(photo) > MAX_PHOTO_BYTES:
                raise ApiError(413, "Request Entity Too Large")
            dimensions = image_size(photo)
            if dimensions is None:
                raise bad_request("IMAGE_PROCESS_FAILED")
            width, height = dimensions
            if width + height > MAX_SIDES_SUM or max(width, height) > MAX_RATIO * min(
                width, height
            ):
                raise bad_request("PHOTO_INVALID_DIMENSIONS")
            key = hashlib.sha256(photo).hexdigest()[:24]
            sizes = photo_sizes(key, width, height, len(photo))
            with self._cond:
                for size in sizes:
                    self._photo_files[size["file_id"]] = (sizes, photo)
            return sizes, photo
        if isinstance(photo, str) and photo:
            if photo.startswith(("http://", "https://")):
                raise bad_request("failed to get HTTP URL content")
            with self._cond:
                known = self._photo_files.get(photo)
            if known is None:
                raise bad_request("wrong file identifier/HTTP URL specified")
            return known
        raise bad_request("there is no photo in the request")

    def _caption(self, params: JSON) -> tuple[str, str, list[JSON]]:
        caption = str_param(params, "caption") or ""
        if not caption:
            return "", "", []
        as_text = {**params, "text": caption, "entities": params.get("caption_entities")}
        raw, visible, entities, _ = self._formatted(as_text, empty_error="caption is empty")
        if utf16_len(visible) > MAX_CAPTION_UTF16:
            raise bad_request("message caption is too long")
        return raw, visible, entities

    def _api_sendchataction(self, params: JSON, sock: socket.socket) -> bool:
        chat_id = chat_id_param(params)
        action = str_param(params, "action") or ""
        if action not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        with self._cond:
            self._check_chat_access(chat_id)
            self._chat_actions.append((chat_id, action))
            self._cond.notify_all()
        return True

    @property
    def chat_actions(self) -> list[tuple[int, str]]:
        """Accepted sendChatAction calls: (chat_id, action), in order."""
        with self._cond:
            return list(self._chat_actions)

    def _api_sendphoto(self, params: JSON, sock: socket.socket) -> JSON:
        chat_id = chat_id_param(params)
        raw, visible, entities = self._caption(params)
        markup = validate_markup(params.get("reply_markup"), inline_only=False)
        sizes, photo = self._photo_param(params)
        with self._cond:
            self._check_chat_access(chat_id)
            now = self._book_send(chat_id)
            stored = self._store_sent(
                "sendPhoto",
                params,
                chat_id=chat_id,
                text=(raw, visible, entities),
                markup=markup,
                now=now,
                message_extra={"photo": tuple(sizes)},
                record_extra={"photo": photo},
            )
            self._cond.notify_all()
            return self._message_json(stored)
