"""The hostile-input guard: what it refuses, with which sentence, and at what cost."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from lanes.bpmn import BpmnError, parse
from lanes.bpmn.xmlsafe import (
    MAX_ATTRIBUTES,
    MAX_BYTES,
    MAX_DEPTH,
    MAX_ELEMENTS,
    MAX_PROLOG,
    load_xml,
)

from .documents import START_END, definitions, process
from .hostile_documents import (
    BPMN_NS,
    DTD_REFUSED,
    HOSTILE,
    Hostile,
    external_dtd,
    external_entity,
    external_parameter_entity,
)

OPEN = b'<definitions xmlns="' + BPMN_NS + b'">'
CLOSE = b"</definitions>"
PASSWD = Path("/etc/passwd")
PROBE = Path(__file__).with_name("hostile_probe.py")
# "About 50 MB" is the budget for refusing any document. The hostile documents below cost
# well under half of it (the test report prints each figure); a document just inside every
# limit at once costs about 36 MB.
MEMORY_BUDGET_KIB = 50 * 1024
ON_LINUX = Path("/proc/self/status").exists() and Path("/proc/self/io").exists()


def refusal(data: bytes) -> BpmnError:
    with pytest.raises(BpmnError) as caught:
        parse(data)
    return caught.value


# -- every hostile document is refused with a clear sentence ---------------------------


@pytest.mark.parametrize("hostile", HOSTILE, ids=lambda h: h.name)
def test_hostile_document_is_refused_with_a_sentence_that_says_why(hostile: Hostile) -> None:
    error = refusal(hostile.build())

    assert hostile.refusal in str(error)
    assert error.problems and all(p.severity == "error" for p in error.problems)


def test_external_entity_naming_a_local_file_is_refused_and_its_content_never_shown() -> None:
    if not PASSWD.is_file():
        pytest.skip("no /etc/passwd here")
    first_line = PASSWD.read_text().splitlines()[0]

    for data in (
        external_entity(f"file://{PASSWD}"),
        external_entity(str(PASSWD)),
        external_parameter_entity(f"file://{PASSWD}"),
        external_dtd(str(PASSWD)),
    ):
        error = refusal(data)
        assert DTD_REFUSED in str(error)
        assert first_line not in str(error)
        assert all(first_line not in p.message for p in error.problems)


def test_doctype_after_comments_and_processing_instructions_is_refused() -> None:
    data = (
        b'<?xml version="1.0"?>\n<!-- exported -->\n<?modeler v1?>\n  \n'
        b'<!DOCTYPE definitions [<!ENTITY x "y">]>' + OPEN + b"&x;" + CLOSE
    )

    assert DTD_REFUSED in str(refusal(data))


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-16-le", "\ufeff"), ("utf-16-be", "\ufeff"), ("utf-16-be", ""), ("utf-8", "\ufeff")],
)
def test_doctype_is_refused_whatever_the_encoding_of_the_document(encoding: str, bom: str) -> None:
    declared = "UTF-8" if encoding == "utf-8" else "UTF-16"
    text = (
        f'{bom}<?xml version="1.0" encoding="{declared}"?>\n'
        f'<!DOCTYPE definitions [<!ENTITY x "y">]><definitions xmlns="{BPMN_NS.decode()}"/>'
    )

    assert DTD_REFUSED in str(refusal(text.encode(encoding)))


def test_a_doctype_spelled_in_lower_case_is_not_xml() -> None:
    error = refusal(b'<!doctype definitions [<!ENTITY x "y">]>' + OPEN + CLOSE)

    assert "not well-formed XML" in str(error)


def test_prolog_just_under_its_limit_is_read_to_the_end() -> None:
    comment = b"<!--" + b"x" * (MAX_PROLOG - 100) + b"-->"

    assert DTD_REFUSED in str(refusal(comment + b"<!DOCTYPE definitions>" + OPEN + CLOSE))
    assert load_xml(comment + OPEN + CLOSE).tag == f"{{{BPMN_NS.decode()}}}definitions"


def test_a_network_reference_is_never_followed() -> None:
    """DTDs, entities, XInclude and schema locations pointing at a listening socket."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        server.setblocking(False)
        url = f"http://127.0.0.1:{server.getsockname()[1]}"
        referencing = definitions(
            f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{url}/x.xml"/>',
            process(START_END),
        ).replace(
            b"<definitions ",
            f'<definitions xsi:schemaLocation="{BPMN_NS.decode()} {url}/BPMN20.xsd" '.encode(),
        )
        for data in (
            external_dtd(f"{url}/x.dtd"),
            external_entity(f"{url}/secret"),
            external_parameter_entity(f"{url}/secret"),
        ):
            refusal(data)
        assert set(parse(referencing).processes) == {"p"}

        with pytest.raises(BlockingIOError):
            server.accept()  # nobody ever connected


# -- the limits, at and just past each one -----------------------------------------------


def test_a_document_of_exactly_the_size_limit_is_read() -> None:
    indented = (b"<a/>" + b" " * 1_000_000) * 10  # libxml2 keeps text nodes under 10 MB
    data = OPEN + indented + b" " * (MAX_BYTES - len(OPEN) - len(indented) - len(CLOSE)) + CLOSE
    assert len(data) == MAX_BYTES

    assert "no executable process" in str(refusal(data))
    assert "limit" in str(refusal(data + b" "))


def test_nesting_at_the_depth_limit_is_accepted_and_one_deeper_is_refused() -> None:
    def nested(depth: int) -> bytes:  # the root counts as one level
        return OPEN + b"\n<a>" * (depth - 1) + b"</a>" * (depth - 1) + CLOSE  # level n on line n

    assert load_xml(nested(MAX_DEPTH)) is not None
    error = refusal(nested(MAX_DEPTH + 1))
    assert f"nested more than {MAX_DEPTH} levels deep" in str(error)
    assert error.problems[0].line == MAX_DEPTH + 1


def test_nesting_past_libxml2s_own_limit_gets_the_same_sentence() -> None:
    error = refusal(OPEN + b"<a>" * 300 + b"</a>" * 300 + CLOSE)

    assert str(error).startswith(f"elements are nested more than {MAX_DEPTH} levels deep")
    assert "XML_PARSE_HUGE" not in str(error)


def test_element_count_at_the_limit_is_accepted_and_one_more_is_refused() -> None:
    at_limit = OPEN + b"<a/>" * (MAX_ELEMENTS - 1) + CLOSE

    assert len(load_xml(at_limit)) == MAX_ELEMENTS - 1
    past = at_limit.replace(CLOSE, b"<b/>" + CLOSE)
    assert f"more than {MAX_ELEMENTS} elements" in str(refusal(past))


def test_attribute_count_at_the_limit_is_accepted_and_one_more_is_refused() -> None:
    at_limit = OPEN + b'<a b="1"/>' * (MAX_ATTRIBUTES - 1) + CLOSE

    assert len(load_xml(at_limit)) == MAX_ATTRIBUTES - 1
    past = OPEN + b'<a b="1"/>' * MAX_ATTRIBUTES + CLOSE
    assert f"more than {MAX_ATTRIBUTES} attributes" in str(refusal(past))


def test_a_parser_limit_of_libxml2_is_reported_without_its_option_names() -> None:
    error = refusal(OPEN + b"<documentation>" + b"x" * 10_100_000 + b"</documentation>" + CLOSE)

    assert "not well-formed XML" in str(error)
    assert "XML_PARSE_HUGE" not in str(error)


# -- well-formedness errors name the cause and the line --------------------------------


def test_a_syntax_error_names_its_line() -> None:
    error = refusal(OPEN + b"\n<process id='p'>\n</proces>\n" + CLOSE)

    assert "not well-formed XML: Opening and ending tag mismatch" in str(error)
    assert error.problems[0].line == 3


def test_an_undeclared_entity_is_named_with_its_line() -> None:
    error = refusal(OPEN + b"\n\n<documentation>&nbsp;</documentation>" + CLOSE)

    assert "Entity 'nbsp' not defined" in str(error)
    assert error.problems[0].line == 3


def test_a_truncated_document_is_not_well_formed() -> None:
    data = definitions(process(START_END))

    assert "not well-formed XML" in str(refusal(data[: len(data) // 2]))


def test_only_bytes_are_accepted() -> None:
    text: Any = definitions(process(START_END)).decode()

    assert "must be given as bytes" in str(refusal(text))
    assert set(parse(bytearray(text.encode())).processes) == {"p"}  # type: ignore[arg-type]


def test_a_bpmn_document_in_utf16_parses() -> None:
    text = definitions(process(START_END)).decode().replace('encoding="UTF-8"', 'encoding="UTF-16"')

    assert set(parse(text.encode("utf-16")).processes) == {"p"}


# -- cost: memory, files and sockets, measured in a fresh interpreter ------------------


def probe(tmp_path: Path, data: bytes) -> dict[str, Any]:
    """Parse `data` in a child interpreter; its report (see hostile_probe.py)."""
    source = tmp_path / "input.xml"
    source.write_bytes(data)
    done = subprocess.run(
        [sys.executable, str(PROBE), str(source)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,  # a hang guard only; time is never asserted
    )
    report: dict[str, Any] = json.loads(done.stdout)
    return report


@pytest.mark.skipif(not ON_LINUX, reason="memory and reads are measured through /proc")
@pytest.mark.parametrize("hostile", HOSTILE, ids=lambda h: h.name)
def test_hostile_document_is_refused_within_the_memory_budget_reading_nothing(
    hostile: Hostile, tmp_path: Path
) -> None:
    report = probe(tmp_path, hostile.build())
    print(f"{hostile.name}: {report['added_kib']} KiB")  # shown with -s

    assert report["refusal"] is not None and hostile.refusal in report["refusal"]
    assert report["added_kib"] <= MEMORY_BUDGET_KIB
    assert report["touched"] == []
    assert report["read_bytes"] < 1024  # reading /proc/self/io itself costs ~120 bytes


@pytest.mark.skipif(not ON_LINUX, reason="memory is measured through /proc")
def test_a_document_just_inside_every_limit_stays_within_the_memory_budget(
    tmp_path: Path,
) -> None:
    elements = [b'<a b="1">text</a>'] * (MAX_ATTRIBUTES - 1)
    elements += [b"<a>text</a>"] * (MAX_ELEMENTS - MAX_ATTRIBUTES)
    report = probe(tmp_path, OPEN + b"".join(elements) + CLOSE)
    print(f"at every limit: {report['added_kib']} KiB")

    assert report["refusal"] == "the document holds no executable process"
    assert report["added_kib"] <= MEMORY_BUDGET_KIB


@pytest.mark.skipif(not ON_LINUX, reason="reads are counted through /proc")
def test_a_file_named_by_the_document_is_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-" + "s" * 1024 * 1024)
    uri = secret.as_uri()
    xinclude = definitions(
        f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{uri}" parse="text"/>',
        process(START_END),
    )

    for data in (
        external_entity(uri),
        external_parameter_entity(uri),
        external_dtd(uri),
        xinclude,
    ):
        report = probe(tmp_path, data)
        assert "TOP-SECRET" not in (report["refusal"] or "")
        assert report["touched"] == []
        assert report["read_bytes"] < 1024
