"""Plane geometry on BPMN bounds: centres, routes between shapes, arrowheads, extents.

Imports lanes.bpmn (for `Bounds`) only.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence

from lanes.bpmn.model import Bounds

Point = tuple[float, float]


def center(b: Bounds) -> Point:
    return (b.x + b.width / 2, b.y + b.height / 2)


def moved(b: Bounds, dx: float, dy: float) -> Bounds:
    return Bounds(b.x + dx, b.y + dy, b.width, b.height)


def union(boxes: Iterable[Bounds]) -> Bounds | None:
    """The smallest bounds holding every box, or None for none."""
    items = list(boxes)
    if not items:
        return None
    left = min(b.x for b in items)
    top = min(b.y for b in items)
    right = max(b.x + b.width for b in items)
    bottom = max(b.y + b.height for b in items)
    return Bounds(left, top, right - left, bottom - top)


def of_points(pts: Sequence[Point]) -> Bounds:
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    return Bounds(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))


def route(
    source: Bounds,
    target: Bounds,
    *,
    source_is_gateway: bool = False,
    target_is_gateway: bool = False,
) -> tuple[Point, ...]:
    """Orthogonal waypoints from `source` to `target` for a flow that has no DI.

    Forward flows leave on the right and enter on the left, with one vertical stretch; a
    gateway's outgoing branches leave from its top or bottom corner, and an incoming
    branch enters a gateway from above or below. A flow going backwards (a loop) runs
    underneath both shapes.
    """
    sx, sy = center(source)
    tx, ty = center(target)
    s_right, t_left = source.x + source.width, target.x
    if tx + 1 < sx or t_left < s_right:
        below = max(source.y + source.height, target.y + target.height) + 25
        return (
            (sx, source.y + source.height),
            (sx, below),
            (tx, below),
            (tx, target.y + target.height),
        )
    if abs(sy - ty) < 1:
        return ((s_right, sy), (t_left, sy))
    if source_is_gateway:
        edge_y = source.y if ty < sy else source.y + source.height
        return ((sx, edge_y), (sx, ty), (t_left, ty))
    if target_is_gateway:
        edge_y = target.y if sy < ty else target.y + target.height
        return ((s_right, sy), (tx, sy), (tx, edge_y))
    mid = (s_right + t_left) / 2
    return ((s_right, sy), (mid, sy), (mid, ty), (t_left, ty))


def arrowhead(
    tail: Point, tip: Point, length: float = 10, half_width: float = 4
) -> tuple[Point, ...]:
    """The three corners of an arrowhead pointing from `tail` to `tip`."""
    dx, dy = tip[0] - tail[0], tip[1] - tail[1]
    norm = math.hypot(dx, dy) or 1.0
    ux, uy = dx / norm, dy / norm
    bx, by = tip[0] - ux * length, tip[1] - uy * length
    return (
        tip,
        (bx - uy * half_width, by + ux * half_width),
        (bx + uy * half_width, by - ux * half_width),
    )


def along(tail: Point, head: Point, distance: float) -> Point:
    """The point `distance` from `tail` towards `head`."""
    dx, dy = head[0] - tail[0], head[1] - tail[1]
    norm = math.hypot(dx, dy) or 1.0
    return (tail[0] + dx / norm * distance, tail[1] + dy / norm * distance)


def direction(tail: Point, head: Point) -> Point:
    dx, dy = head[0] - tail[0], head[1] - tail[1]
    norm = math.hypot(dx, dy) or 1.0
    return (dx / norm, dy / norm)


def midpoint(pts: Sequence[Point]) -> Point:
    """The point halfway along a polyline."""
    lengths = [math.dist(a, b) for a, b in itertools.pairwise(pts)]
    half = sum(lengths) / 2
    for (a, b), length in zip(itertools.pairwise(pts), lengths, strict=True):
        if half <= length and length > 0:
            return along(a, b, half)
        half -= length
    return pts[-1]


def distance_to_polyline(point: Point, pts: Sequence[Point]) -> float:
    """The shortest distance from `point` to any segment of the polyline `pts`."""
    best = math.inf
    px, py = point
    for (ax, ay), (bx, by) in itertools.pairwise(pts):
        dx, dy = bx - ax, by - ay
        length2 = dx * dx + dy * dy
        t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
        best = min(best, math.hypot(px - (ax + t * dx), py - (ay + t * dy)))
    return best


def gap_between(a: Bounds, b: Bounds) -> float:
    """How far apart two boxes are (0 when they touch or overlap)."""
    dx = max(a.x - (b.x + b.width), b.x - (a.x + a.width), 0.0)
    dy = max(a.y - (b.y + b.height), b.y - (a.y + a.height), 0.0)
    return math.hypot(dx, dy)


def first_segment(pts: Sequence[Point]) -> tuple[Point, Point]:
    """The first point and the next one apart from it (waypoints may repeat)."""
    for point in pts[1:]:
        if point != pts[0]:
            return pts[0], point
    return pts[0], (pts[0][0] + 1, pts[0][1])


def last_segment(pts: Sequence[Point]) -> tuple[Point, Point]:
    """The last point apart from the end, and the end: where an arrowhead points."""
    for point in reversed(pts[:-1]):
        if point != pts[-1]:
            return point, pts[-1]
    return (pts[-1][0] - 1, pts[-1][1]), pts[-1]
