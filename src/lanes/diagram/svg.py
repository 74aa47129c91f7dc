"""SVG element building: the namespace, number formatting, colours and text that is safe.

Elements are built with lxml, so labels are escaped by the serializer, never by hand.
Every shape carries its colours as presentation attributes (any viewer, cairosvg
included, draws them) and a CSS class a client may restyle. Imports lxml only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from lxml import etree

SVG_NS = "http://www.w3.org/2000/svg"
FONT_FAMILY = "Arial, Helvetica, 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif"
FONT_SIZE = 12.0

# Characters XML 1.0 cannot carry (lxml refuses them): dropped from labels.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class Paint:
    """Stroke and fill of a shape in one state."""

    stroke: str
    fill: str


PLAIN = Paint(stroke="#222222", fill="#ffffff")
ACTIVE = Paint(stroke="#e8590c", fill="#fff4e6")
COMPLETED = Paint(stroke="#2b8a3e", fill="#ebfbee")
CONTAINER = Paint(stroke="#222222", fill="none")

STYLESHEET = (
    f".lanes-diagram text{{font-family:{FONT_FAMILY}}}"
    f".node.active .outline{{stroke:{ACTIVE.stroke}}}"
    f".node.completed:not(.active) .outline{{stroke:{COMPLETED.stroke}}}"
    f".flow.taken .line,.flow.taken .head{{stroke:{COMPLETED.stroke}}}"
)


def num(value: float) -> str:
    """A coordinate as short text: at most two decimals, no trailing zeros, never "-0"."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def points(pts: Iterable[tuple[float, float]]) -> str:
    return " ".join(f"{num(x)},{num(y)}" for x, y in pts)


def clean(text: str) -> str:
    """Text with the characters XML cannot hold removed; escaping is lxml's job."""
    return _NOT_XML.sub("", text)


def sub(
    parent: etree._Element, tag: str, attrs: Mapping[str, str | float] | None = None
) -> etree._Element:
    """A new SVG child of `parent`; float attribute values are formatted with `num`."""
    element = etree.SubElement(parent, f"{{{SVG_NS}}}{tag}")
    for name, value in (attrs or {}).items():
        element.set(name, num(value) if isinstance(value, float | int) else value)
    return element


def new_root() -> etree._Element:
    return etree.Element(f"{{{SVG_NS}}}svg", nsmap={None: SVG_NS})


def to_string(root: etree._Element) -> str:
    return str(etree.tostring(root, encoding="unicode"))
