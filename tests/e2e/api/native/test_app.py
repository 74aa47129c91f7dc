"""The application around the routes: wiring, OpenAPI, authentication, the error envelope."""

from __future__ import annotations

import base64
import logging
import time
from pathlib import Path

import pytest
from anyio import to_thread
from fastapi import FastAPI

from lanes.api.app import MAX_BODY_BYTES, create_app
from lanes.config import Settings
from lanes.services.context import Services
from lanes.store.db import Database
from tests.e2e.support import ADMIN_TOKEN, Api, TestClient, bearer, bpmn, error_of, token_of


def basic(user: str, token: str) -> dict[str, str]:
    encoded = base64.b64encode(f"{user}:{token}".encode()).decode()
    return {"Authorization": f"Basic {encoded}"}


# -- wiring -------------------------------------------------------------------------------


def test_create_app_migrates_a_new_database_and_seeds_the_admin(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    with TestClient(create_app(Settings(database_url=url, admin_token="t0ken"))) as client:
        response = client.get("/api/v1/users/admin", headers=bearer("t0ken"))
    assert response.status_code == 200
    assert response.json()["admin"] is True


def test_create_app_reads_settings_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANES_DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    monkeypatch.setenv("LANES_ADMIN_TOKEN", "from-env")
    with TestClient(create_app()) as client:
        assert client.get("/api/v1/users/admin", headers=bearer("from-env")).status_code == 200


@pytest.mark.parametrize("threads", [None, 3])
def test_requests_run_on_as_many_threads_as_the_settings_say(
    database_url: str, threads: int | None
) -> None:
    app = create_app(Settings(database_url=database_url, threads=threads))
    with TestClient(app) as client:
        tokens = client.portal.call(lambda: to_thread.current_default_thread_limiter().total_tokens)
    app.state.services.db.dispose()
    if threads is not None:
        assert tokens == threads
    elif database_url.startswith("sqlite"):
        assert tokens == 1  # one writer, one interpreter lock at a time
    else:
        assert tokens == 40


def test_create_app_uses_services_it_is_given(database_url: str) -> None:
    db = Database(database_url)
    try:
        services = Services(db)
        app = create_app(Settings(database_url="sqlite:///unused.db"), services=services)
        assert app.state.services is services
        with TestClient(app) as client:
            assert client.get("/api/v1/users/admin", headers=bearer("x")).status_code == 401
    finally:
        db.dispose()
    assert not Path("unused.db").exists()


def test_without_an_admin_token_no_one_is_let_in(database_url: str) -> None:
    with TestClient(create_app(Settings(database_url=database_url))) as client:
        response = client.get("/api/v1/users/admin", headers=bearer(ADMIN_TOKEN))
    assert response.status_code == 401


def test_a_new_admin_token_replaces_the_old_one(database_url: str) -> None:
    create_app(Settings(database_url=database_url, admin_token="old")).state.services.db.dispose()
    app = create_app(Settings(database_url=database_url, admin_token="new"))
    with TestClient(app) as client:
        assert client.get("/api/v1/users/admin", headers=bearer("new")).status_code == 200
        assert client.get("/api/v1/users/admin", headers=bearer("old")).status_code == 401


def test_the_server_fires_timers_while_it_runs(database_url: str) -> None:
    settings = Settings(database_url=database_url, admin_token="t", job_poll_seconds=0.05)
    timer = bpmn(
        "later",
        """<startEvent id="start"/>
    <intermediateCatchEvent id="wait">
      <timerEventDefinition><timeDuration>PT1S</timeDuration></timerEventDefinition>
    </intermediateCatchEvent>
    <userTask id="after" name="After"/>
    <endEvent id="end"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>
    <sequenceFlow id="f2" sourceRef="wait" targetRef="after"/>
    <sequenceFlow id="f3" sourceRef="after" targetRef="end"/>""",
    )
    with TestClient(create_app(settings)) as client:
        api = Api(client)
        api.admin = bearer("t")
        api.deploy(timer)
        instance = api.start("later", api.admin)
        assert instance["active_nodes"] == ["wait"]
        deadline = time.monotonic() + 30  # a bound for a stuck executor, not a speed test
        while time.monotonic() < deadline:
            state = api.get(f"/process-instances/{instance['id']}", api.admin).json()
            if state["active_nodes"] == ["after"]:
                break
            time.sleep(0.05)
        assert state["active_nodes"] == ["after"]


def test_openapi_describes_the_native_api(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert spec["info"]["title"] == "lanes"
    assert "snake_case" in spec["info"]["description"]
    assert "/api/v1/tasks/{task_id}/complete" in spec["paths"]
    assert "/api/v1/deployments" in spec["paths"]
    schemes = spec["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}
    deploy = spec["paths"]["/api/v1/deployments"]["post"]["requestBody"]["content"]
    assert {"multipart/form-data", "application/xml", "text/xml"} <= set(deploy)
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "text/html" in docs.headers["content-type"]


# -- authentication -----------------------------------------------------------------------


def test_each_token_form_authenticates(api: Api) -> None:
    token = token_of(api.user("bob"))
    forms = [
        bearer(token),
        {"Authorization": f"bearer {token}"},
        {"X-Authorization-access_token": token},
        basic("bob", token),
    ]
    for headers in forms:
        response = api.get("/users/bob", headers)
        assert response.status_code == 200, headers
        assert response.json()["id"] == "bob"


def test_missing_or_wrong_credentials_are_401_with_a_challenge(api: Api) -> None:
    token = token_of(api.user("bob"))
    api.user("ann")
    refused = [
        {},
        bearer("not-a-token"),
        {"X-Authorization-access_token": "not-a-token"},
        basic("bob", "not-a-token"),
        basic("ann", token),  # bob's token under ann's name
        basic("bob", ""),
        {"Authorization": "Basic !!!not-base64!!!"},
        {"Authorization": "Token " + token},
        {"Authorization": "Bearer"},
        {**bearer(token), "X-Authorization-access_token": ADMIN_TOKEN},
    ]
    for headers in refused:
        response = api.get("/users/bob", headers)
        assert response.status_code == 401, headers
        assert "Bearer" in response.headers["www-authenticate"], headers
        assert error_of(response)["code"] == "unauthorized"


def test_the_same_token_in_both_headers_is_accepted(api: Api) -> None:
    token = token_of(api.user("bob"))
    headers = {**bearer(token), "X-Authorization-access_token": token}
    assert api.get("/users/bob", headers).status_code == 200


# -- the error envelope -------------------------------------------------------------------


def test_an_unknown_route_is_404_in_the_envelope(api: Api) -> None:
    response = api.get("/no-such-thing", api.admin)
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
    assert api.client.get("/elsewhere").status_code == 404


def test_a_wrong_method_is_405_in_the_envelope(api: Api) -> None:
    response = api.patch("/tasks", api.admin)
    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"
    assert "GET" in response.headers["allow"]


def test_malformed_json_is_400_saying_why(api: Api) -> None:
    response = api.post(
        "/users", {**api.admin, "Content-Type": "application/json"}, content=b'{"id": "x",'
    )
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "malformed_json"
    assert error["message"].startswith("the body is not valid JSON: ")


def test_a_body_that_is_not_json_is_415(api: Api) -> None:
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "application/xml"):
        response = api.post(
            "/users", {**api.admin, "Content-Type": content_type}, content=b"id=x&name=y"
        )
        assert response.status_code == 415, content_type
        assert error_of(response)["code"] == "unsupported_media_type"
    no_type = api.post("/users", api.admin, content=b'{"id": "x", "name": "X"}')
    assert no_type.status_code == 415


def test_a_json_suffix_media_type_is_json(api: Api) -> None:
    response = api.post(
        "/users",
        {**api.admin, "Content-Type": "application/merge-patch+json; charset=utf-8"},
        content=b'{"id": "x", "name": "X"}',
    )
    assert response.status_code == 201


def test_schema_violations_are_422_naming_each_field(api: Api) -> None:
    response = api.post("/process-instances", api.admin, json={"variables": [], "extra": 1})
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "validation_failed"
    locations = {e["location"] for e in error["details"]["errors"]}
    assert locations == {"body.variables", "body.extra"}
    assert "body.variables" in error["message"]
    path = api.get("/tasks/abc", api.admin)
    assert path.status_code == 422
    assert error_of(path)["details"]["errors"][0]["location"] == "path.task_id"
    query = api.get("/tasks", api.admin, params={"limit": 0})
    assert error_of(query)["details"]["errors"][0]["location"] == "query.limit"


def test_a_body_over_the_limit_is_413_before_it_is_read(api: Api) -> None:
    big = b" " * (MAX_BODY_BYTES + 1)
    for path, media in (("/deployments", "application/xml"), ("/users", "application/json")):
        response = api.post(path, {**api.admin, "Content-Type": media}, content=big)
        assert response.status_code == 413, path
        error = error_of(response)
        assert error["code"] == "too_large"
        assert error["details"] == {"max_bytes": MAX_BODY_BYTES}


def test_a_streamed_body_over_the_limit_is_413(api: Api) -> None:
    chunk = b" " * (1024 * 1024)

    def chunks() -> object:
        for _ in range(MAX_BODY_BYTES // len(chunk) + 2):
            yield chunk

    for headers in (
        {**api.admin, "Content-Type": "application/xml"},
        {**api.admin, "Content-Type": "multipart/form-data; boundary=xyz"},
    ):
        response = api.post("/deployments", headers, content=chunks())
        assert response.status_code == 413, headers
        assert error_of(response)["code"] == "too_large"
    json_route = api.post(
        "/users", {**api.admin, "Content-Type": "application/json"}, content=chunks()
    )
    assert json_route.status_code == 413


def test_an_unexpected_error_is_logged_and_answered_with_a_generic_500(
    app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    def boom() -> None:
        raise RuntimeError("secret detail")

    app.add_api_route("/boom", boom)
    with (
        TestClient(app, raise_server_exceptions=False) as client,
        caplog.at_level(logging.ERROR, logger="lanes.api"),
    ):
        response = client.get("/boom")
    assert response.status_code == 500
    error = error_of(response)
    assert error["code"] == "internal_error"
    assert "secret" not in response.text
    assert "secret detail" in caplog.text
