"""Reading untrusted XML bytes into an lxml tree, refusing hostile documents early.

Every limit is checked before the memory it guards is spent:

* size: more than 10 MB is refused before anything is parsed;
* DTDs: a DOCTYPE (entity bombs, external entities, and declarations that cost memory
  even unexpanded) is refused by reading the prolog ourselves, before libxml2 sees it;
* attributes: every attribute and namespace declaration needs an '=', and libxml2
  builds all the attributes of a start tag at once, so the '=' signs are counted first;
* depth and element count: checked while parsing, 64 KiB at a time.

Nothing here reads a file or touches the network. Imports bpmn's errors only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml import etree

from lanes.bpmn.errors import BpmnError, Problem

MAX_BYTES = 10 * 1024 * 1024
MAX_DEPTH = 200
MAX_ELEMENTS = 100_000
# The largest real model we know has ~400 attributes; each one costs libxml2 ~210 bytes,
# so this keeps a document at every limit at once under about 40 MB.
MAX_ATTRIBUTES = 50_000
# Comments and processing instructions before the root element; a license header is ~1 KiB.
MAX_PROLOG = 64 * 1024
_CHUNK = 64 * 1024

_DTD_REFUSED = "DTDs and entity declarations are not allowed in BPMN documents"
_POSITION = re.compile(r", line \d+, column \d+\s*$")
_PARSE_HUGE_HINT = re.compile(r",? *(?:use|try) XML_PARSE_HUGE(?: option)?", re.IGNORECASE)
# XML 1.0 appendix F: the first bytes tell how the markup of the prolog is encoded.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\x00<\x00?", "utf-16-be"),
    (b"<\x00?\x00", "utf-16-le"),
    (b"\x4c\x6f\xa7\x94", "cp037"),
    (b"\xef\xbb\xbf", "utf-8"),
)
_SPACES = (" ", "\t", "\r", "\n")


def load_xml(data: bytes) -> etree._Element:
    """Parse `data` into an element tree or raise BpmnError saying why it was refused."""
    if not isinstance(data, bytes | bytearray):
        raise BpmnError("the document must be given as bytes")
    data = bytes(data)
    if len(data) > MAX_BYTES:
        raise BpmnError(f"the document is {len(data)} bytes; the limit is {MAX_BYTES} bytes")
    if not data.strip():
        raise BpmnError("the document is empty")
    _refuse_doctype(data)
    if data.count(b"=") > MAX_ATTRIBUTES:
        raise BpmnError(
            f"the document has more than {MAX_ATTRIBUTES} attributes ('=' signs); "
            "that is far beyond any process model"
        )
    parser = _pull_parser()
    limits = _Limits()
    try:
        for offset in range(0, len(data), _CHUNK):
            try:
                parser.feed(data[offset : offset + _CHUNK])
            finally:
                # Our own limits explain better than libxml2's, which may trip in the same chunk.
                limits.check(parser.read_events())
        root = parser.close()
    except etree.XMLSyntaxError as exc:
        raise BpmnError(_syntax_problem(exc)) from None
    _refuse_dtd(root)
    return root


def _pull_parser() -> etree.XMLPullParser:
    return etree.XMLPullParser(
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


class _Limits:
    """Depth and element count, checked on the parser's events as they arrive."""

    def __init__(self) -> None:
        self.depth = 0
        self.count = 0
        self.checked_doctype = False

    def check(self, events: Iterable[tuple[str, etree._Element]]) -> None:
        for event, element in events:
            if event == "end":
                self.depth -= 1
                continue
            if not self.checked_doctype:
                self.checked_doctype = True
                _refuse_dtd(element)
            self.depth += 1
            self.count += 1
            if self.depth > MAX_DEPTH:
                raise BpmnError(
                    Problem(
                        f"elements are nested more than {MAX_DEPTH} levels deep",
                        line=element.sourceline,
                    )
                )
            if self.count > MAX_ELEMENTS:
                raise BpmnError(f"the document has more than {MAX_ELEMENTS} elements")


def _refuse_doctype(data: bytes) -> None:
    """Refuse a DOCTYPE in the prolog, the only place XML allows one.

    libxml2 parses a whole internal subset at once and keeps every declaration, even
    with entities left unexpanded, so a DTD must be refused before the parser sees it.
    The prolog is read in the encoding its first bytes announce; a prolog too long to
    read cheaply is refused too, so that nothing can hide a DOCTYPE behind it.
    """
    window = data[: MAX_PROLOG * 4]
    prolog = window.decode(_prolog_codec(data), errors="replace")
    pos = 1 if prolog.startswith("\ufeff") else 0
    while pos <= MAX_PROLOG:
        while prolog[pos : pos + 1] in _SPACES:
            pos += 1
        if prolog.startswith("<!DOCTYPE", pos):
            raise BpmnError(_DTD_REFUSED)
        if prolog.startswith("<?", pos):
            closing = "?>"
        elif prolog.startswith("<!--", pos):
            closing = "-->"
        else:
            return  # the root element, or something libxml2 will refuse
        end = prolog.find(closing, pos + 2)
        if end < 0:
            if len(window) < len(data):
                break
            return  # an unterminated comment or PI: libxml2 reports it
        pos = end + len(closing)
    raise BpmnError(
        "the comments and processing instructions before the root element are longer "
        f"than {MAX_PROLOG} bytes"
    )


def _prolog_codec(data: bytes) -> str:
    """The codec of the prolog's markup; latin-1 stands for every ASCII-compatible one."""
    for signature, codec in _SIGNATURES:
        if data.startswith(signature):
            return codec
    return "latin-1"


def _refuse_dtd(element: etree._Element) -> None:
    # Kept behind _refuse_doctype: should a DOCTYPE ever slip past the prolog reading,
    # the document is still refused.
    info = element.getroottree().docinfo
    if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
        raise BpmnError(_DTD_REFUSED)


def _syntax_problem(exc: etree.XMLSyntaxError) -> Problem:
    """libxml2's message as a sentence, with its line; hints at parser options dropped."""
    message, line = exc.msg, exc.lineno
    last = exc.error_log.last_error
    if last is not None and (not line or last.line == line):
        # Some close() errors ("no element found", line 0) hide the real cause, which
        # the error log keeps.
        message, line = last.message, last.line
    message = _PARSE_HUGE_HINT.sub("", _POSITION.sub("", message)).strip().rstrip(",")
    return Problem(f"not well-formed XML: {message}", line=line or None)
