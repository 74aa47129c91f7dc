"""PrefixRouter turns away paths outside its roots and routes the rest as APIRouter does."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from lanes.api.prefix_router import PrefixRouter, _route_path


def _app() -> FastAPI:
    inner = PrefixRouter(roots=("/a/",))

    @inner.get("/items/{item_id}")
    def item(item_id: int) -> dict[str, int]:
        return {"item": item_id}

    outer = PrefixRouter(roots=("/b/",))

    @outer.get("/items/{item_id}")
    def other(item_id: int) -> dict[str, int]:
        return {"other": item_id}

    app = FastAPI()
    app.include_router(inner, prefix="/a")
    app.include_router(outer, prefix="/b")
    return app


def test_a_path_under_a_root_is_routed_with_its_parameters() -> None:
    client = TestClient(_app())
    assert client.get("/a/items/7").json() == {"item": 7}
    assert client.get("/b/items/8").json() == {"other": 8}


def test_a_path_under_no_root_is_not_found() -> None:
    client = TestClient(_app())
    assert client.get("/c/items/7").status_code == 404
    assert client.get("/items/7").status_code == 404


def test_a_wrong_method_under_a_root_is_still_405() -> None:
    assert TestClient(_app()).post("/a/items/7").status_code == 405


def test_behind_a_root_path_the_roots_are_below_it() -> None:
    client = TestClient(_app(), root_path="/proxy")
    assert client.get("/proxy/a/items/3").json() == {"item": 3}
    assert client.get("/proxy/c/items/3").status_code == 404


def test_route_path_strips_the_root_path_only_at_a_segment_boundary() -> None:
    assert _route_path({"path": "/a/x", "root_path": ""}) == "/a/x"
    assert _route_path({"path": "/proxy/a/x", "root_path": "/proxy"}) == "/a/x"
    assert _route_path({"path": "/proxy", "root_path": "/proxy"}) == ""
    assert _route_path({"path": "/proxyish/a", "root_path": "/proxy"}) == "/proxyish/a"
    assert _route_path({"path": "/elsewhere", "root_path": "/proxy"}) == "/elsewhere"
