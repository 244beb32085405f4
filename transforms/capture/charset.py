"""The charset a page was written in: from its HTTP header, a byte order mark, a <meta> (or XML)
declaration anywhere before its body, else detected from its bytes; so a page that declares none, or
declares it late, is not read as windows-1252."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from email.message import Message

from charset_normalizer import from_bytes

BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16le"), (codecs.BOM_UTF16_BE, "utf-16be"))
# A declaration inside the document: <meta charset=...>, <meta http-equiv=Content-Type content="...;
# charset=...">, or an XML declaration's encoding. Browsers look only before the body starts.
META = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([a-z0-9._:-]+)|^\s*<\?xml[^>]*?encoding\s*=\s*["']([a-z0-9._:-]+)""",
    re.IGNORECASE,
)
BODY_START = re.compile(rb"<body[\s>]", re.IGNORECASE)
SCAN_BYTES = 65_536  # of the document, for a declaration
DETECT_BYTES = 2_000_000  # of the document, for the detector
# Python codec names (as codecs.lookup spells them) -> the WHATWG label a browser knows them by.
WEB_LABELS = {
    "ascii": "utf-8",  # a superset, byte for byte
    "latin-1": "windows-1252",
    "utf-16-le": "utf-16le",
    "utf-16-be": "utf-16be",
    "cp932": "shift_jis",
    "euc_jp": "euc-jp",
    "euc_kr": "euc-kr",
    "cp949": "euc-kr",
    "gb2312": "gbk",
    "hz": "gbk",
    "big5hkscs": "big5",
    "mac-roman": "macintosh",
    "cp866": "ibm866",
    "cp874": "windows-874",
    "tis-620": "windows-874",
    "iso2022_jp": "iso-2022-jp",
}


@dataclass(frozen=True)
class Charset:
    """`name` as a browser knows it; `how` it was found: header, bom, meta, detected, or default."""

    name: str
    how: str

    @property
    def declared(self) -> bool:
        return self.how in ("header", "bom", "meta")


def header_charset(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header value, or None."""
    if not content_type:
        return None
    message = Message()
    message["content-type"] = content_type
    charset = message.get_param("charset")
    return charset.strip().lower() if isinstance(charset, str) and charset.strip() else None


def meta_charset(body: bytes) -> str | None:
    """The charset a page declares before its body starts, or None."""
    head = body[:SCAN_BYTES]
    body_at = BODY_START.search(head)
    found = META.search(head, 0, body_at.start() if body_at else len(head))
    if not found:
        return None
    return (found.group(1) or found.group(2)).decode("ascii").lower()


def web_label(codec: str) -> str:
    """A Python codec name as the label a browser understands (windows-1252, shift_jis, euc-jp...)."""
    name = codecs.lookup(codec).name
    if name in WEB_LABELS:
        return WEB_LABELS[name]
    if re.fullmatch(r"cp125\d", name):
        return "windows-" + name[2:]
    if name.startswith("iso8859-"):
        return "iso-8859-" + name.split("-", 1)[1]
    return name.replace("_", "-")


def detected_charset(body: bytes) -> Charset:
    """The charset of undeclared bytes: UTF-8 when they decode as such, else what charset-normalizer
    finds most likely; utf-8 (default) when it finds nothing (binary)."""
    sample = body[:DETECT_BYTES]
    try:
        sample.decode("utf-8")
        return Charset("utf-8", "detected")
    except UnicodeDecodeError as exc:
        if len(sample) == DETECT_BYTES and exc.start >= len(sample) - 3:  # cut inside a character
            return Charset("utf-8", "detected")
    best = from_bytes(sample).best()
    if best is None:
        return Charset("utf-8", "default")
    return Charset(web_label(best.encoding), "detected")


def page_charset(body: bytes, content_type: str | None = None) -> Charset:
    """The charset a browser should read `body` in, by the order browsers use: a byte order mark,
    the HTTP header, a declaration in the page, else detection."""
    for bom, name in BOMS:
        if body.startswith(bom):
            return Charset(name, "bom")
    for how, found in (("header", header_charset(content_type)), ("meta", meta_charset(body))):
        if found:
            return Charset(found, how)
    return detected_charset(body)


def served_content_type(content_type: str, body: bytes) -> str:
    """The Content-Type to serve an HTML page with: as it was when its header names the charset or
    the page starts with a byte order mark, else with the charset the page declares or was detected
    in. (A browser reads a <meta> only in the first 1024 bytes; the header makes a later one count.)"""
    charset = page_charset(body, content_type)
    if charset.how in ("header", "bom"):
        return content_type
    return f"{content_type.split(';')[0].strip()}; charset={charset.name}"
