"""Labels as SVG <text>: wrapped to a width, one <tspan> per line, escaped by lxml.

Each function returns the bounds its text is estimated to cover, so the view box can
hold it. Imports lanes.bpmn (for `Bounds`) only.
"""

from __future__ import annotations

from lxml import etree

from lanes.bpmn.model import Bounds
from lanes.diagram.geometry import gap_between
from lanes.diagram.svg import FONT_SIZE, clean, num, sub
from lanes.diagram.text import text_width, wrap

LINE_HEIGHT = 1.2  # in font sizes
ELLIPSIS = "…"
LABEL_REACH = 60.0  # a DI label farther from its shape is stale: drawn under the shape


def _text(
    parent: etree._Element,
    lines: list[str],
    cx: float,
    top: float,
    *,
    font_size: float = FONT_SIZE,
    anchor: str = "middle",
    transform: str | None = None,
) -> None:
    attrs: dict[str, str | float] = {
        "class": "label",
        "x": cx,
        "y": top,
        "font-size": font_size,
        "text-anchor": anchor,
        "fill": "#222222",
    }
    if transform:
        attrs["transform"] = transform
    text = sub(parent, "text", attrs)
    for i, line in enumerate(lines):
        baseline = top + font_size * (0.9 + i * LINE_HEIGHT)
        span = sub(text, "tspan", {"x": cx, "y": baseline})
        span.text = line


def _extent(lines: list[str], cx: float, top: float, font_size: float, anchor: str) -> Bounds:
    width = max((text_width(line, font_size) for line in lines), default=0.0)
    left = cx - width / 2 if anchor == "middle" else cx
    return Bounds(left, top, width, len(lines) * font_size * LINE_HEIGHT)


def inside(
    parent: etree._Element,
    name: str,
    box: Bounds,
    *,
    clear_top: float = 0.0,
    clear_bottom: float = 0.0,
) -> Bounds | None:
    """A name centred in `box` (a task), wrapped to its width.

    The text keeps `clear_top` and `clear_bottom` free (the type icon, loop markers) if it
    fits there, in a smaller font if need be; otherwise it takes the whole box. Lines that
    still do not fit are cut, the last one ending in an ellipsis.
    """
    text = clean(name)
    clear = Bounds(box.x, box.y + clear_top, box.width, box.height - clear_top - clear_bottom)
    attempts = [(clear, size) for size in (FONT_SIZE, FONT_SIZE - 1, FONT_SIZE - 2)]
    attempts += [(box, FONT_SIZE), (box, FONT_SIZE - 2)]
    for inner, font_size in attempts:  # the last attempt stands if none fits
        lines = wrap(text, box.width - 10, font_size)
        if len(lines) * font_size * LINE_HEIGHT <= inner.height - 4:
            break
    if not lines:
        return None
    line_height = font_size * LINE_HEIGHT
    room = max(int((inner.height - 4) // line_height), 1)
    if len(lines) > room:
        lines = lines[:room]
        last = lines[-1]
        while last and text_width(last + ELLIPSIS, font_size) > box.width - 10:
            last = last[:-1]
        lines[-1] = last + ELLIPSIS
    height = len(lines) * line_height
    cx, top = inner.x + inner.width / 2, inner.y + (inner.height - height) / 2
    _text(parent, lines, cx, top, font_size=font_size)
    return _extent(lines, cx, top, font_size, "middle")


def below(parent: etree._Element, name: str, shape: Bounds, label: Bounds | None) -> Bounds | None:
    """The name of an event or gateway: in its DI label bounds, else centred under it."""
    if label is not None and gap_between(label, shape) <= LABEL_REACH:
        width = max(label.width + 10, 90.0)
        cx, top = label.x + label.width / 2, label.y
    else:
        width = 100.0
        cx, top = shape.x + shape.width / 2, shape.y + shape.height + 4
    lines = wrap(clean(name), width, FONT_SIZE - 1)
    if not lines:
        return None
    _text(parent, lines, cx, top, font_size=FONT_SIZE - 1)
    return _extent(lines, cx, top, FONT_SIZE - 1, "middle")


def at(parent: etree._Element, name: str, cx: float, top: float, width: float) -> Bounds | None:
    """A free label (a sequence flow's) centred at `cx` from `top` down."""
    lines = wrap(clean(name), width, FONT_SIZE - 1)
    if not lines:
        return None
    _text(parent, lines, cx, top, font_size=FONT_SIZE - 1)
    return _extent(lines, cx, top, FONT_SIZE - 1, "middle")


def at_left(parent: etree._Element, name: str, x: float, top: float, width: float) -> Bounds | None:
    """A heading: one line, left-aligned at `x` from `top` down."""
    lines = wrap(clean(name), max(width, 200.0), FONT_SIZE + 1)[:1]
    if not lines:
        return None
    _text(parent, lines, x, top, font_size=FONT_SIZE + 1, anchor="start")
    return _extent(lines, x, top, FONT_SIZE + 1, "start")


def top_left(parent: etree._Element, name: str, box: Bounds) -> Bounds | None:
    """The name of an expanded subprocess, along its top edge."""
    lines = wrap(clean(name), box.width - 12, FONT_SIZE)[:2]
    if not lines:
        return None
    _text(parent, lines, box.x + 6, box.y + 5, anchor="start")
    return _extent(lines, box.x + 6, box.y + 5, FONT_SIZE, "start")


def band(parent: etree._Element, name: str, box: Bounds, *, horizontal: bool) -> None:
    """The name of a pool or lane in its header band: turned upright for a horizontal pool."""
    text = clean(name)
    if not text.strip():
        return
    if horizontal:
        cx, cy = box.x + 15, box.y + box.height / 2
        lines = wrap(text, box.height - 10, FONT_SIZE)[:2]
        top = cy - len(lines) * FONT_SIZE * LINE_HEIGHT / 2
        _text(parent, lines, cx, top, transform=f"rotate(-90 {num(cx)} {num(cy)})")
    else:
        lines = wrap(text, box.width - 10, FONT_SIZE)[:2]
        _text(parent, lines, box.x + box.width / 2, box.y + 6)


def block(parent: etree._Element, text: str, box: Bounds) -> Bounds | None:
    """Left-aligned text from the top of `box` (a text annotation), cut to its height."""
    lines = wrap(clean(text), max(box.width - 10, 40.0), FONT_SIZE - 1)
    room = max(int((box.height - 4) // ((FONT_SIZE - 1) * LINE_HEIGHT)), 1)
    lines = lines[: max(room, 1)] if len(lines) > room else lines
    if not lines:
        return None
    _text(parent, lines, box.x + 6, box.y + 3, font_size=FONT_SIZE - 1, anchor="start")
    return _extent(lines, box.x + 6, box.y + 3, FONT_SIZE - 1, "start")
