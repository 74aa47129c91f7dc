"""Reading untrusted XML bytes into an lxml tree, refusing hostile documents early.

DTDs (and so entity bombs and external entities) are refused outright; size, depth and
element count are checked while parsing so a hostile file is dropped before it costs
memory. Nothing here reads a file or touches the network.
"""

from __future__ import annotations

from lxml import etree

from lanes.bpmn.errors import BpmnError, Problem

MAX_BYTES = 10 * 1024 * 1024
MAX_DEPTH = 200
MAX_ELEMENTS = 100_000
_CHUNK = 64 * 1024


def load_xml(data: bytes) -> etree._Element:
    """Parse `data` into an element tree or raise BpmnError saying why it was refused."""
    if not isinstance(data, bytes | bytearray):
        raise BpmnError("the document must be given as bytes")
    if len(data) > MAX_BYTES:
        raise BpmnError(f"the document is {len(data)} bytes; the limit is {MAX_BYTES} bytes")
    if not data.strip():
        raise BpmnError("the document is empty")
    parser = etree.XMLPullParser(
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    depth = 0
    count = 0
    checked_prolog = False
    try:
        for offset in range(0, len(data), _CHUNK):
            parser.feed(bytes(data[offset : offset + _CHUNK]))
            for event, element in parser.read_events():
                if event == "end":
                    depth -= 1
                    continue
                if not checked_prolog:
                    checked_prolog = True
                    _refuse_dtd(element)
                depth += 1
                count += 1
                if depth > MAX_DEPTH:
                    raise BpmnError(
                        Problem(
                            f"elements are nested more than {MAX_DEPTH} levels deep",
                            line=element.sourceline,
                        )
                    )
                if count > MAX_ELEMENTS:
                    raise BpmnError(f"the document has more than {MAX_ELEMENTS} elements")
        root = parser.close()
    except etree.XMLSyntaxError as exc:
        _refuse_dtd_text(data)
        raise BpmnError(Problem(f"not well-formed XML: {exc.msg}", line=exc.lineno)) from None
    if not checked_prolog:
        _refuse_dtd(root)
    return root


def _refuse_dtd(element: etree._Element) -> None:
    info = element.getroottree().docinfo
    if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
        raise BpmnError("DTDs and entity declarations are not allowed in BPMN documents")


def _refuse_dtd_text(data: bytes) -> None:
    # A syntax error inside a DTD (an entity bomb libxml2 gave up on, say) should still
    # be reported as the DTD it is, not as an obscure parse error.
    if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data[:4096]:
        raise BpmnError("DTDs and entity declarations are not allowed in BPMN documents")
