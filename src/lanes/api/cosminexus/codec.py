"""The work-item dialect's wire formats: XML or JSON in, XML or JSON out.

Requests: `Content-Type` chooses (`application/xml`, `text/xml` or `application/json`);
a request without a body needs none, a body of any other type is 415. An XML body is a
`<Parameter>` root holding one element per field, and `ProcessDataList` holding
elements with `Key` and `Value`; JSON is the same fields flat, `ProcessDataList` an array
of `{"Key", "Value"}`. XML is read as UTF-8 only, and a body with a DOCTYPE or an
entity declaration is refused before any parser sees it (so no entity expansion or
external reference can happen), then parsed with entities, DTDs and the network off.

Responses: `Accept` chooses, JSON when absent. XML is written by hand, so every field
appears as `<Field>value</Field>` (`<Field></Field>` when unset), in the order given.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal
from xml.sax.saxutils import escape

import orjson
from fastapi import Request
from fastapi.responses import Response
from lxml import etree

__all__ = [
    "MAX_BODY",
    "BodyError",
    "Format",
    "parse_body",
    "render",
    "render_error",
    "render_list",
    "response_format",
]

Format = Literal["xml", "json"]
MAX_BODY = 1024 * 1024
MAX_ELEMENTS = 10_000
MAX_DEPTH = 16
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
_XML_TYPES = ("application/xml", "text/xml")
_JSON_TYPES = ("application/json",)
# characters XML 1.0 cannot carry, even escaped
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


class BodyError(Exception):
    """A request body the dialect cannot read: `status` 400, 413 or 415."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


# -- negotiation -------------------------------------------------------------------------------


def _media(value: str) -> str:
    return value.split(";", 1)[0].strip().lower()


def response_format(request: Request) -> Format:
    """XML when the client prefers it in `Accept`; JSON otherwise (and when absent)."""
    best: tuple[float, int, Format] | None = None
    for index, part in enumerate((request.headers.get("accept") or "").split(",")):
        media = _media(part)
        kind: Format | None = (
            "xml" if media in _XML_TYPES else "json" if media in _JSON_TYPES else None
        )
        if kind is None:
            continue
        quality = 1.0
        for param in part.split(";")[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality <= 0:
            continue
        candidate = (quality, -index, kind)
        if best is None or candidate[:2] > best[:2]:
            best = candidate
    return best[2] if best is not None else "json"


# -- request bodies ------------------------------------------------------------------------------


def parse_body(content_type: str | None, body: bytes) -> dict[str, Any]:
    """The fields of a request body: names -> text (JSON may also give numbers), with
    `ProcessDataList` as a list of (key, value). No body: no fields."""
    if not body.strip():
        return {}
    media = _media(content_type or "")
    if len(body) > MAX_BODY:
        raise BodyError(413, "too_large", f"the request body is larger than {MAX_BODY} bytes")
    if media in _XML_TYPES or (media.startswith("application/") and media.endswith("+xml")):
        return _parse_xml(body)
    if media in _JSON_TYPES or (media.startswith("application/") and media.endswith("+json")):
        return _parse_json(body)
    raise BodyError(
        415,
        "unsupported_media_type",
        f"send the body as application/xml or application/json, "
        f"not {content_type or 'without a Content-Type'}",
    )


def _parse_json(body: bytes) -> dict[str, Any]:
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise BodyError(400, "malformed_body", f"the body is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise BodyError(400, "malformed_body", "the JSON body must be an object of fields")
    fields: dict[str, Any] = {}
    for name, value in data.items():
        if value is None:
            continue
        if name == "ProcessDataList":
            fields[name] = _json_data_list(value)
        elif isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
            fields[name] = value
        else:
            raise BodyError(400, "malformed_body", f"{name} must be a string")
    return fields


def _json_data_list(value: Any) -> list[tuple[str, Any]]:
    if not isinstance(value, list):
        raise BodyError(400, "malformed_body", "ProcessDataList must be an array")
    pairs: list[tuple[str, Any]] = []
    for index, item in enumerate(value):
        where = f"ProcessDataList[{index}]"
        if not isinstance(item, dict) or set(item) - {"Key", "Value"} or "Key" not in item:
            raise BodyError(400, "malformed_body", f"{where} must be an object with Key and Value")
        if not isinstance(item["Key"], str):
            raise BodyError(400, "malformed_body", f"{where}.Key must be a string")
        value = item.get("Value")
        if isinstance(value, list | dict):
            raise BodyError(
                400, "malformed_body", f"{where}.Value must be a string, number, boolean or null"
            )
        pairs.append((item["Key"], value))
    return pairs


def _parse_xml(body: bytes) -> dict[str, Any]:
    declared = _ENCODING.match(body)
    encoding = declared.group(1).decode("ascii").lower() if declared is not None else "utf-8"
    if encoding not in ("utf-8", "utf8"):
        raise BodyError(400, "malformed_body", "XML bodies must be encoded in UTF-8")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BodyError(
            400, "malformed_body", f"the XML body is not UTF-8: byte {exc.start} is invalid"
        ) from None
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise BodyError(
            400, "malformed_body", "DTDs and entity declarations are not allowed in request bodies"
        )
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as exc:
        raise BodyError(400, "malformed_body", f"the body is not well-formed XML: {exc}") from None
    if sum(1 for _ in root.iter()) > MAX_ELEMENTS:
        raise BodyError(400, "malformed_body", f"the body has more than {MAX_ELEMENTS} elements")
    if root.tag != "Parameter":
        raise BodyError(
            400, "malformed_body", f"the root element must be <Parameter>, not <{root.tag}>"
        )
    fields: dict[str, Any] = {}
    for child in _elements(root):
        name = str(child.tag)
        if name in fields:
            raise BodyError(400, "malformed_body", f"<{name}> appears more than once")
        if name == "ProcessDataList":
            fields[name] = _xml_data_list(child)
            continue
        if len(_elements(child)):
            raise BodyError(400, "malformed_body", f"<{name}> must hold text, not elements")
        fields[name] = child.text or ""
    return fields


def _elements(parent: Any) -> list[Any]:
    found = [c for c in parent if isinstance(c.tag, str)]
    for child in parent:
        if isinstance(child.tag, str) and len(child) and _depth(child) > MAX_DEPTH:
            raise BodyError(400, "malformed_body", f"elements are nested deeper than {MAX_DEPTH}")
    return found


def _depth(element: Any) -> int:
    deepest, stack = 0, [(element, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        if level > MAX_DEPTH:
            return level
        stack.extend((c, level + 1) for c in node if isinstance(c.tag, str))
    return deepest


def _xml_data_list(container: Any) -> list[tuple[str, Any]]:
    pairs: list[tuple[str, Any]] = []
    for index, item in enumerate(_elements(container)):
        parts = {str(c.tag): c for c in _elements(item)}
        if "Key" not in parts or set(parts) - {"Key", "Value"}:
            raise BodyError(
                400,
                "malformed_body",
                f"item {index + 1} of <ProcessDataList> must hold <Key> and <Value>",
            )
        value = parts.get("Value")
        pairs.append((parts["Key"].text or "", value.text or "" if value is not None else None))
    return pairs


# -- responses -----------------------------------------------------------------------------------


def _xml_text(value: str) -> str:
    return escape(_NOT_XML.sub("\ufffd", value))


def _xml_fields(fields: Mapping[str, str]) -> str:
    return "".join(f"<{name}>{_xml_text(value)}</{name}>" for name, value in fields.items())


def render(
    fmt: Format,
    root: str,
    fields: Mapping[str, str],
    status: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """One resource: `<root>` with every field, or a flat JSON object of strings."""
    if fmt == "xml":
        content = f"{XML_DECLARATION}\n<{root}>{_xml_fields(fields)}</{root}>"
        return Response(
            content.encode(), status, dict(headers or {}), "application/xml; charset=utf-8"
        )
    return Response(orjson.dumps(dict(fields)), status, dict(headers or {}), "application/json")


def render_list(
    fmt: Format, root: str, item: str, items: Sequence[Mapping[str, str]], total: int
) -> Response:
    """A list: `<rootList>` of `<item>` elements, or a JSON array; `X-Total-Count`."""
    headers = {"X-Total-Count": str(total)}
    if fmt == "xml":
        inner = "".join(f"<{item}>{_xml_fields(one)}</{item}>" for one in items)
        content = f"{XML_DECLARATION}\n<{root}>{inner}</{root}>"
        return Response(content.encode(), 200, headers, "application/xml; charset=utf-8")
    return Response(orjson.dumps([dict(one) for one in items]), 200, headers, "application/json")


def render_error(
    fmt: Format, status: int, code: str, message: str, headers: Mapping[str, str] | None = None
) -> Response:
    """`<Error><Code/><Message/></Error>` or `{"Code", "Message"}`."""
    return render(fmt, "Error", {"Code": code, "Message": message}, status, headers)
