"""Hostile inputs for the XML guard, each with the words its refusal must contain.

Shared by `test_xmlsafe.py` (refused, with a clear sentence) and `hostile_probe.py` (refused
within a memory bound, reading no file and opening no socket). Every document is built
from a fixed recipe: no randomness that differs between runs.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass

from lanes.bpmn.xmlsafe import MAX_ATTRIBUTES, MAX_BYTES, MAX_DEPTH, MAX_ELEMENTS, MAX_PROLOG

BPMN_NS = b"http://www.omg.org/spec/BPMN/20100524/MODEL"
_OPEN = b'<definitions xmlns="' + BPMN_NS + b'">'
_CLOSE = b"</definitions>"
DTD_REFUSED = "DTDs and entity declarations are not allowed"


@dataclass(frozen=True)
class Hostile:
    name: str
    build: Callable[[], bytes]
    refusal: str  # words the BpmnError message must contain


def _billion_laughs() -> bytes:
    entities = [b'<!ENTITY lol0 "lol">']
    for level in range(1, 10):
        entities.append(b'<!ENTITY lol%d "%s">' % (level, b"&lol%d;" % (level - 1) * 10))
    return (
        b'<?xml version="1.0"?>\n<!DOCTYPE definitions [\n'
        + b"\n".join(entities)
        + b"\n]>\n"
        + _OPEN
        + b"<documentation>&lol9;</documentation>"
        + _CLOSE
    )


def _quadratic_blowup() -> bytes:
    # One big entity used many times: no nesting for a naive "depth" guard to catch.
    return (
        b'<!DOCTYPE definitions [<!ENTITY a "'
        + b"x" * 50_000
        + b'">]>'
        + _OPEN
        + b"<documentation>"
        + b"&a;" * 50_000
        + b"</documentation>"
        + _CLOSE
    )


def _dtd_declarations() -> bytes:
    # Never expanded, yet libxml2 would keep all ~450k declarations (~100 MB) in memory.
    declarations = b"".join(b"<!ELEMENT e%d ANY>" % i for i in range(450_000))
    return b"<!DOCTYPE definitions [" + declarations + b"]>" + _OPEN + _CLOSE


def external_entity(path: str) -> bytes:
    """XXE: an external general entity naming a local file, used in the document."""
    return (
        b'<?xml version="1.0"?>\n<!DOCTYPE definitions [\n'
        b'<!ENTITY secret SYSTEM "file://'
        + path.encode()
        + b'">\n]>\n'
        + _OPEN
        + b'<process id="p"><documentation>&secret;</documentation></process>'
        + _CLOSE
    )


def external_parameter_entity(uri: str) -> bytes:
    return (
        b'<!DOCTYPE definitions [<!ENTITY % secret SYSTEM "'
        + uri.encode()
        + b'"> %secret;]>'
        + _OPEN
        + _CLOSE
    )


def external_dtd(url: str) -> bytes:
    return b'<!DOCTYPE definitions SYSTEM "' + url.encode() + b'">' + _OPEN + _CLOSE


def _over_size_limit() -> bytes:
    filler = b"<!-- padding -->" * (MAX_BYTES // 16 + 1)
    return _OPEN + filler + _CLOSE


def _deep_nesting() -> bytes:
    return _OPEN + b"<a>" * (MAX_DEPTH + 50) + b"</a>" * (MAX_DEPTH + 50) + _CLOSE


def _very_deep_nesting() -> bytes:
    # Three million open tags, never closed: far past libxml2's own limit of 256.
    return _OPEN + b"<a>" * 3_000_000


def _too_many_elements() -> bytes:
    return _OPEN + b"<a/>" * 2_000_000 + _CLOSE


def _attribute_bomb() -> bytes:
    # One start tag: libxml2 builds all its attributes before anyone sees the element.
    attributes = b" ".join(b"a%d=''" % i for i in range(600_000))
    return b'<definitions xmlns="' + BPMN_NS + b'" ' + attributes + b"/>"


def _namespace_bomb() -> bytes:
    declarations = b" ".join(b'xmlns:n%d="urn:%d"' % (i, i) for i in range(300_000))
    return b'<definitions xmlns="' + BPMN_NS + b'" ' + declarations + b"/>"


def _random_bytes() -> bytes:
    return random.Random(20100524).randbytes(1024 * 1024)


def _utf16_garbage() -> bytes:
    return ("this is not XML ☃ " * 20_000).encode("utf-16")


def _json_document() -> bytes:
    process = {"id": "p", "nodes": [{"id": f"t{i}", "type": "userTask"} for i in range(20_000)]}
    return json.dumps({"definitions": {"process": process}}).encode()


def _wrong_root() -> bytes:
    return b"<html><body>" + b"<p>not a process</p>" * (MAX_ELEMENTS // 2) + b"</body></html>"


def _wrong_namespace() -> bytes:
    return b'<definitions xmlns="http://example.com/not-bpmn"><process id="p"/></definitions>'


def _long_prolog() -> bytes:
    # A DOCTYPE hidden behind more comment than the guard reads.
    comment = b"<!--" + b"x" * (MAX_PROLOG * 5) + b"-->"
    return comment + b'<!DOCTYPE definitions [<!ENTITY a "b">]>' + _OPEN + _CLOSE


HOSTILE: tuple[Hostile, ...] = (
    Hostile("billion laughs", _billion_laughs, DTD_REFUSED),
    Hostile("quadratic blowup", _quadratic_blowup, DTD_REFUSED),
    Hostile("dtd declarations", _dtd_declarations, DTD_REFUSED),
    Hostile("xxe /etc/passwd", lambda: external_entity("file:///etc/passwd"), DTD_REFUSED),
    Hostile(
        "xxe parameter entity", lambda: external_parameter_entity("file:///etc/passwd"), DTD_REFUSED
    ),
    Hostile("external dtd", lambda: external_dtd("file:///etc/passwd"), DTD_REFUSED),
    Hostile("over 10 MB", _over_size_limit, f"the limit is {MAX_BYTES} bytes"),
    Hostile("deep nesting", _deep_nesting, f"nested more than {MAX_DEPTH} levels deep"),
    Hostile("very deep nesting", _very_deep_nesting, f"nested more than {MAX_DEPTH} levels"),
    Hostile("too many elements", _too_many_elements, f"more than {MAX_ELEMENTS} elements"),
    Hostile("attribute bomb", _attribute_bomb, f"more than {MAX_ATTRIBUTES} attributes"),
    Hostile("namespace bomb", _namespace_bomb, f"more than {MAX_ATTRIBUTES} attributes"),
    Hostile("random bytes", _random_bytes, "not well-formed XML"),
    Hostile("empty", lambda: b"", "the document is empty"),
    Hostile("whitespace only", lambda: b" \n\t\r\n", "the document is empty"),
    Hostile("utf-16 garbage", _utf16_garbage, "not well-formed XML"),
    Hostile("json document", _json_document, "not well-formed XML"),
    Hostile("wrong root", _wrong_root, "the root element is <html>, not a BPMN 2.0"),
    Hostile("wrong namespace", _wrong_namespace, "not a BPMN 2.0 <definitions> in namespace"),
    Hostile("long prolog", _long_prolog, f"longer than {MAX_PROLOG} bytes"),
)
