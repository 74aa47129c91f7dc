"""The wire: content negotiation both ways, bodies that cannot be read, hostile XML,
and the three ways to authenticate."""

from __future__ import annotations

import base64

import pytest

from tests.e2e.api.cosminexus.conftest import Case, People
from tests.e2e.api.cosminexus.support import BASE, DECLARATION, Cosminexus
from tests.e2e.support import Api, token_of

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<Parameter><Target>&lol4;</Target></Parameter>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE p [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Parameter><Target>&xxe;</Target></Parameter>"""
PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE p [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/x.dtd"> %remote;]>
<Parameter/>"""
EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE Parameter SYSTEM "http://127.0.0.1:9/p.dtd">
<Parameter><Target>User002</Target></Parameter>"""


def _put(
    cx: Cosminexus,
    case: Case,
    people: People,
    body: bytes,
    content_type: str,
    accept: str = "application/xml",
) -> object:
    headers = {**people.user001, "Content-Type": content_type, "Accept": accept}
    return cx.client.put(BASE + case.path("reassign"), content=body, headers=headers)


@pytest.mark.parametrize(
    "body",
    [BILLION_LAUGHS, XXE, PARAMETER_ENTITY, EXTERNAL_DTD],
    ids=["billion-laughs", "xxe", "parameter-entity", "external-dtd"],
)
def test_hostile_xml_is_refused_at_once(
    cx: Cosminexus, people: People, case: Case, body: bytes
) -> None:
    response = _put(cx, case, people, body, "application/xml")
    assert response.status_code == 400, response.text  # type: ignore[attr-defined]
    message = cx.error(response, "xml")["Message"]
    assert "DTD" in message
    assert "root:" not in response.text  # type: ignore[attr-defined]
    item = cx.fields(cx.call("GET", case.path(), people.user001, "json"), "json")
    assert item["Participant"] == "User001"


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"<Parameter><Target>User002</Target>", "not well-formed"),
        (b"<Parameter><Target>&undefined;</Target></Parameter>", "not well-formed"),
        (b"<Params><Target>User002</Target></Params>", "<Parameter>"),
        (b"<Parameter><Target>a</Target><Target>b</Target></Parameter>", "more than once"),
        (b"<Parameter><Target><User>b</User></Target></Parameter>", "must hold text"),
        (b'<?xml version="1.0" encoding="ISO-8859-1"?><Parameter/>', "UTF-8"),
        (b"<Parameter><Target>\xff</Target></Parameter>", "UTF-8"),
        (b"<Parameter>" + b"<a>" * 40 + b"</a>" * 40 + b"</Parameter>", "nested"),
    ],
)
def test_malformed_xml_is_400_saying_what(
    cx: Cosminexus, people: People, case: Case, body: bytes, words: str
) -> None:
    response = _put(cx, case, people, body, "application/xml")
    assert response.status_code == 400, response.text  # type: ignore[attr-defined]
    assert words in cx.error(response, "xml")["Message"]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b'{"Target": "User002"', "not valid JSON"),
        (b'["Target"]', "object"),
        (b'{"Target": 5.5}', "string"),
        (b'{"Target": ["a"]}', "string"),
        (b'{"ProcessDataList": {"Key": "a"}}', "must be an array"),
        (b"\xff\xfe", "not valid JSON"),
    ],
)
def test_malformed_json_is_400_saying_what(
    cx: Cosminexus, people: People, case: Case, body: bytes, words: str
) -> None:
    response = _put(cx, case, people, body, "application/json", "application/json")
    assert response.status_code == 400, response.text  # type: ignore[attr-defined]
    assert words in cx.error(response, "json")["Message"]


def test_json_data_list_must_be_an_array_of_key_value(
    cx: Cosminexus, people: People, case: Case
) -> None:
    headers = {**people.user001, "Content-Type": "application/json"}
    for body in (
        b'{"ProcessDataList": {"Key": "a"}}',
        b'{"ProcessDataList": [{"Value": "a"}]}',
        b'{"ProcessDataList": [{"Key": 1}]}',
    ):
        response = cx.client.put(BASE + case.path("complete"), content=body, headers=headers)
        assert response.status_code == 400, response.text
        assert "ProcessDataList" in cx.error(response, "json")["Message"]


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", ""])
def test_a_body_of_another_type_is_415(
    cx: Cosminexus, people: People, case: Case, content_type: str
) -> None:
    headers = {**people.user001, "Accept": "application/xml"}
    if content_type:
        headers["Content-Type"] = content_type
    response = cx.client.put(
        BASE + case.path("reassign"), content=b"Target=User002", headers=headers
    )
    assert response.status_code == 415, response.text
    cx.error(response, "xml")


@pytest.mark.parametrize(
    ("accept", "xml"),
    [
        (None, False),
        ("application/json", False),
        ("application/xml", True),
        ("text/xml", True),
        ("*/*", False),
        ("application/json;q=0.5, application/xml", True),
        ("application/xml;q=0.2, application/json;q=0.9", False),
        ("text/html", False),
    ],
)
def test_accept_chooses_the_answer(
    cx: Cosminexus, people: People, case: Case, accept: str | None, xml: bool
) -> None:
    headers = dict(people.user001)
    if accept is not None:
        headers["Accept"] = accept
    response = cx.client.get(BASE + case.path(), headers=headers)
    assert response.status_code == 200
    assert response.text.startswith(DECLARATION) is xml
    assert response.headers["content-type"].startswith(
        "application/xml" if xml else "application/json"
    )


def test_errors_follow_accept_too(cx: Cosminexus, people: People, case: Case) -> None:
    missing = BASE + f"/work-item/{case.id}/999999"
    as_xml = cx.client.get(missing, headers={**people.user001, "Accept": "application/xml"})
    assert as_xml.status_code == 404
    assert as_xml.text.startswith(DECLARATION + "\n<Error><Code>not_found</Code><Message>")
    as_json = cx.client.get(missing, headers=people.user001)
    assert as_json.json() == {
        "Code": "not_found",
        "Message": f"case {case.id} has no work item 999999",
    }


def test_xml_bodies_with_charset_and_whitespace(cx: Cosminexus, people: People, case: Case) -> None:
    body = (
        '<?xml version="1.0" encoding="utf-8"?>\n<Parameter>\n'
        "  <UserDescription>説明</UserDescription>\n"
        "  <Target>User002</Target>\n</Parameter>\n"
    ).encode()
    response = _put(cx, case, people, body, "application/xml; charset=UTF-8")
    assert response.status_code == 200, response.text  # type: ignore[attr-defined]
    assert cx.fields(response, "xml")["Participant"] == "User002"


def test_answers_escape_what_they_carry(
    api: Api, cx: Cosminexus, people: People, case: Case
) -> None:
    body = {"Target": "a<b>&\"c'"}
    response = cx.call("PUT", case.path("reassign"), people.admin, "xml", body)
    assert response.status_code == 200, response.text
    assert "<Participant>a&lt;b&gt;&amp;\"c'</Participant>" in response.text
    assert cx.fields(response, "xml")["Participant"] == "a<b>&\"c'"


def test_the_three_ways_to_authenticate(
    api: Api, cx: Cosminexus, people: People, case: Case
) -> None:
    token = token_of(people.user001)
    basic = base64.b64encode(f"User001:{token}".encode()).decode()
    for headers in (
        {"Authorization": f"Bearer {token}"},
        {"X-Authorization-access_token": token},
        {"Authorization": f"Basic {basic}"},
    ):
        assert cx.client.get(BASE + case.path(), headers=headers).status_code == 200
    wrong = base64.b64encode(f"User002:{token}".encode()).decode()
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": f"Basic {wrong}"}):
        response = cx.client.get(
            BASE + case.path(), headers={**headers, "Accept": "application/xml"}
        )
        assert response.status_code == 401
        assert "Basic" in response.headers["WWW-Authenticate"]
        cx.error(response, "xml")


def test_native_errors_keep_their_envelope(api: Api) -> None:
    response = api.get("/process-instances/424242", api.admin)
    assert response.status_code == 404
    assert set(response.json()) == {"error"}


def test_a_body_over_the_limit_is_413(cx: Cosminexus, people: People, case: Case) -> None:
    body = (
        b"<Parameter><UserDescription>" + b"x" * (1024 * 1024) + b"</UserDescription></Parameter>"
    )
    response = _put(cx, case, people, body, "application/xml")
    assert response.status_code == 413, response.text  # type: ignore[attr-defined]
    cx.error(response, "xml")


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/nothing"), ("GET", "/work-item/1/2/reassign"), ("POST", "/work-item/allocate")],
)
def test_unknown_resources_are_404_documents(
    cx: Cosminexus, people: People, method: str, path: str
) -> None:
    response = cx.client.request(
        method, BASE + path, headers={**people.user001, "Accept": "application/xml"}
    )
    assert response.status_code == 404
    assert "there is no resource" in cx.error(response, "xml")["Message"]
