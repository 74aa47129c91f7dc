"""Process diagrams: a definition as drawn, or a case with its highlights (active nodes,
completed nodes, flows taken), as SVG or PNG.

Completed and active nodes come from the activity history; the flows taken are kept on
the instance row. Rendering is lanes.diagram's; this module loads and authorizes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import orjson

from lanes.diagram import PngUnavailable, render_svg, svg_to_png
from lanes.services import history
from lanes.services.actor import Actor
from lanes.services.context import Services
from lanes.services.errors import NotFound, ServiceError
from lanes.store import runtime as repo

__all__ = ["Diagram", "DiagramFormat", "ImageUnavailable", "definition_diagram", "instance_diagram"]

DiagramFormat = Literal["svg", "png"]


class ImageUnavailable(ServiceError):
    """The image format cannot be produced on this server (415)."""

    status = 415
    code = "unsupported_media_type"


@dataclass(frozen=True, slots=True)
class Diagram:
    name: str  # e.g. leave.svg
    media_type: str
    image: bytes
    bpmn_xml: str
    active: list[str]
    completed: list[str]
    taken: list[str]


def definition_diagram(
    svc: Services, actor: Actor, definition_id: int, image_format: DiagramFormat = "svg"
) -> Diagram:
    """The definition as drawn, without highlights (any signed-in user may read it)."""
    with svc.db.read() as conn:
        row = repo.get_definition(conn, definition_id)
        if row is None:
            raise NotFound(f"process definition {definition_id} does not exist")
        resource = repo.definition_resource(conn, definition_id)
    definitions = svc.models.get(definition_id, lambda: resource)
    svg = render_svg(definitions)
    return _diagram(row.resource_name, row.key, resource, svg, image_format, [], [], [])


def instance_diagram(
    svc: Services, actor: Actor, instance_id: int, image_format: DiagramFormat = "svg"
) -> Diagram:
    """The case's diagram: where it rests, where it has been, the flows it took."""
    with svc.db.read() as conn:
        row = history.readable_case(conn, actor, instance_id)
        definition = repo.get_definition(conn, row.definition_id)
        if definition is None:
            raise NotFound(f"the definition of process instance {instance_id} has been removed")
        resource = repo.definition_resource(conn, row.definition_id)
        activities = repo.instance_activities(conn, instance_id)
    definitions = svc.models.get(row.definition_id, lambda: resource)
    active = sorted({a.node_id for a in activities if a.ended_at is None})
    completed = sorted({a.node_id for a in activities if a.ended_at is not None} - set(active))
    taken = sorted(orjson.loads(row.flows_taken)) if row.flows_taken else []
    svg = render_svg(definitions, active=active, completed=completed, taken=taken)
    return _diagram(
        definition.resource_name,
        definition.key,
        resource,
        svg,
        image_format,
        active,
        completed,
        taken,
    )


def _diagram(
    resource_name: str,
    key: str,
    resource: bytes,
    svg: str,
    image_format: DiagramFormat,
    active: list[str],
    completed: list[str],
    taken: list[str],
) -> Diagram:
    stem = resource_name.rsplit("/", 1)[-1]
    for suffix in (".bpmn20.xml", ".bpmn", ".xml"):
        if stem.endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    stem = stem or key
    if image_format == "png":
        try:
            image, media = svg_to_png(svg), "image/png"
        except PngUnavailable as exc:
            raise ImageUnavailable(f"this server cannot draw PNG diagrams: {exc}") from None
    else:
        image, media = svg.encode(), "image/svg+xml"
    return Diagram(
        f"{stem}.{image_format}",
        media,
        image,
        resource.decode("utf-8", errors="replace"),
        active,
        completed,
        taken,
    )
