"""Telegram's HTML parse mode, as the real server applies it: visible text and entities."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from doubles.botapi.records import (
    JSON,
)


def utf16_len(text: str) -> int:
    """Length of `text` in UTF-16 code units, the unit Telegram counts in."""
    return len(text.encode("utf-16-le")) // 2


class HtmlParseError(Exception):
    def __init__(self, reason: str, source: str, index: int) -> None:
        offset = len(source[:index].encode("utf-8"))
        super().__init__(f"{reason} at byte offset {offset}")


_TEXT_RUN = re.compile(r"[^<&]+")
_CHAR_ENTITY = re.compile(r"&(?:(lt|gt|amp|quot)|#([0-9]{1,8})|#[xX]([0-9a-fA-F]{1,8}));")
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_TAG_NAME = re.compile(r"[a-zA-Z][a-zA-Z0-9-]*")
_ATTR_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_-]*")
_END_TAG = re.compile(r"</([a-zA-Z][a-zA-Z0-9-]*)\s*>")
_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
}
_TAG_ATTRS: dict[str, frozenset[str]] = {
    **{tag: frozenset() for tag in _SIMPLE_TAGS},
    "a": frozenset({"href"}),
    "code": frozenset({"class"}),
    "pre": frozenset(),
    "span": frozenset({"class"}),
    "blockquote": frozenset({"expandable"}),
    "tg-emoji": frozenset({"emoji-id"}),
}


@dataclass
class _OpenTag:
    name: str
    attrs: dict[str, str]
    start: int  # UTF-16 offset in the visible text
    index: int  # index in the source, for error offsets
    language: str | None = None


@dataclass
class ParsedText:
    text: str
    entities: list[JSON]
    bare_gt: bool


def _decode_entity(source: str, index: int) -> tuple[str, int]:
    match = _CHAR_ENTITY.match(source, index)
    if match is None:
        raise HtmlParseError("Character entity expected", source, index)
    named, decimal, hexadecimal = match.groups()
    if named:
        return _NAMED_ENTITIES[named], match.end()
    code = int(decimal) if decimal else int(hexadecimal, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        raise HtmlParseError("Invalid numeric character reference", source, index)
    return chr(code), match.end()


def _decode_attr_value(raw: str, source: str, index: int) -> str:
    out: list[str] = []
    i = 0
    while i < len(raw):
        if raw[i] == "&":
            try:
                char, end = _decode_entity(raw, i)
            except HtmlParseError:
                raise HtmlParseError("Character entity expected", source, index) from None
            out.append(char)
            i = end
        else:
            out.append(raw[i])
            i += 1
    return "".join(out)


def _parse_start_tag(source: str, index: int) -> tuple[str, dict[str, str], int]:
    """Parse `<name attr="v" ...>` at `index`; return name, attributes and the end index."""
    name_match = _TAG_NAME.match(source, index + 1)
    if name_match is None:
        raise HtmlParseError('Unsupported start tag ""', source, index)
    name = name_match.group().lower()
    if name not in _TAG_ATTRS:
        raise HtmlParseError(f'Unsupported start tag "{name}"', source, index)
    attrs: dict[str, str] = {}
    i = name_match.end()
    n = len(source)
    while True:
        while i < n and source[i].isspace():
            i += 1
        if i >= n:
            raise HtmlParseError("Unclosed start tag", source, index)
        if source[i] == ">":
            return name, attrs, i + 1
        if source[i] == "/":
            raise HtmlParseError(f'Unsupported self-closing tag "{name}"', source, index)
        attr_match = _ATTR_NAME.match(source, i)
        if attr_match is None:
            raise HtmlParseError(f'Malformed attribute in tag "{name}"', source, index)
        attr = attr_match.group().lower()
        if attr not in _TAG_ATTRS[name]:
            raise HtmlParseError(f'Unsupported attribute "{attr}" in tag "{name}"', source, index)
        i = attr_match.end()
        while i < n and source[i].isspace():
            i += 1
        value = ""
        if i < n and source[i] == "=":
            i += 1
            while i < n and source[i].isspace():
                i += 1
            if i >= n:
                raise HtmlParseError("Unclosed start tag", source, index)
            if source[i] in "\"'":
                close = source.find(source[i], i + 1)
                if close < 0:
                    raise HtmlParseError("Unclosed start tag", source, index)
                raw = source[i + 1 : close]
                i = close + 1
            else:
                start = i
                while i < n and not source[i].isspace() and source[i] != ">":
                    i += 1
                raw = source[start:i]
            value = _decode_attr_value(raw, source, index)
        attrs[attr] = value


def _entity_for(tag: _OpenTag, length: int) -> JSON | None:
    entity: JSON = {"offset": tag.start, "length": length}
    if tag.name in _SIMPLE_TAGS:
        entity["type"] = _SIMPLE_TAGS[tag.name]
    elif tag.name == "span":
        entity["type"] = "spoiler"
    elif tag.name == "a":
        entity["type"] = "text_link"
        entity["url"] = tag.attrs["href"]
    elif tag.name == "code":
        entity["type"] = "code"
    elif tag.name == "pre":
        entity["type"] = "pre"
        if tag.language:
            entity["language"] = tag.language
    elif tag.name == "blockquote":
        entity["type"] = "expandable_blockquote" if "expandable" in tag.attrs else "blockquote"
    elif tag.name == "tg-emoji":
        entity["type"] = "custom_emoji"
        entity["custom_emoji_id"] = tag.attrs["emoji-id"]
    return entity


def _check_tag_attrs(tag: _OpenTag, source: str) -> None:
    if tag.name == "a" and not tag.attrs.get("href", "").strip():
        raise HtmlParseError('Tag "a" must have a non-empty "href" attribute', source, tag.index)
    if tag.name == "span" and tag.attrs.get("class") != "tg-spoiler":
        raise HtmlParseError('Tag "span" must have class "tg-spoiler"', source, tag.index)
    if tag.name == "tg-emoji" and not tag.attrs.get("emoji-id", "").isdigit():
        raise HtmlParseError('Tag "tg-emoji" must have a numeric "emoji-id"', source, tag.index)


def parse_html(source: str) -> ParsedText:
    """Parse Telegram-flavoured HTML into visible text and entities, strictly."""
    out: list[str] = []
    pos = 0  # UTF-16 length of the visible text so far
    stack: list[_OpenTag] = []
    entities: list[JSON] = []
    bare_gt = False
    i = 0
    n = len(source)
    while i < n:
        char = source[i]
        if char == "&":
            decoded, i = _decode_entity(source, i)
            out.append(decoded)
            pos += utf16_len(decoded)
        elif char == "<":
            if source.startswith("</", i):
                end_match = _END_TAG.match(source, i)
                if end_match is None:
                    raise HtmlParseError("Unclosed end tag", source, i)
                name = end_match.group(1).lower()
                if not stack:
                    raise HtmlParseError(f'Unexpected end tag "</{name}>"', source, i)
                if stack[-1].name != name:
                    raise HtmlParseError(
                        f'Unmatched end tag, expected "</{stack[-1].name}>", found "</{name}>"',
                        source,
                        i,
                    )
                tag = stack.pop()
                i = end_match.end()
                language = tag.attrs.get("class", "")
                in_pre = bool(stack) and stack[-1].name == "pre"
                if tag.name == "code" and in_pre:
                    # <pre><code class="language-x"> is one pre entity with a language.
                    if language.startswith("language-"):
                        stack[-1].language = language.removeprefix("language-")
                    continue
                if pos > tag.start:
                    entity = _entity_for(tag, pos - tag.start)
                    if entity is not None:
                        entities.append(entity)
            else:
                name, attrs, end = _parse_start_tag(source, i)
                tag = _OpenTag(name=name, attrs=attrs, start=pos, index=i)
                _check_tag_attrs(tag, source)
                stack.append(tag)
                i = end
        else:
            run = _TEXT_RUN.match(source, i)
            assert run is not None
            chunk = run.group()
            bare_gt = bare_gt or ">" in chunk
            out.append(chunk)
            pos += utf16_len(chunk)
            i = run.end()
    if stack:
        tag = stack[-1]
        raise HtmlParseError(
            f'Can\'t find end tag corresponding to start tag "{tag.name}"', source, tag.index
        )
    return ParsedText(text="".join(out), entities=entities, bare_gt=bare_gt)


def trim_formatted(text: str, entities: Iterable[JSON]) -> tuple[str, list[JSON]]:
    """Strip surrounding whitespace as Telegram does, moving and clipping entities."""
    stripped = text.strip()
    if stripped == text:
        result = list(entities)
    else:
        lead = utf16_len(text[: len(text) - len(text.lstrip())])
        total = utf16_len(stripped)
        result = []
        for entity in entities:
            start = max(0, entity["offset"] - lead)
            end = min(total, entity["offset"] + entity["length"] - lead)
            if end > start:
                result.append({**entity, "offset": start, "length": end - start})
    result.sort(key=lambda e: (e["offset"], -e["length"]))
    return stripped, result
