"""Labels are text: hostile names come out escaped, Chinese and Japanese as they are."""

from __future__ import annotations

from lanes.diagram import render_svg
from lanes.diagram.svg import clean

from .support import SVG, groups, model, render_tree, texts

HOSTILE = "<script>alert(1)</script>&\"'"
HOSTILE_XML = "&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;&apos;"


def test_a_hostile_label_is_text_not_markup() -> None:
    body = (
        f'<startEvent id="start" name="{HOSTILE_XML}"/>\n'
        f'<sequenceFlow id="f1" name="{HOSTILE_XML}" sourceRef="start" targetRef="task"/>\n'
        f'<userTask id="task" name="{HOSTILE_XML}"/>\n'
        '<sequenceFlow id="f2" sourceRef="task" targetRef="end"/>\n'
        '<endEvent id="end"/>\n'
    )
    svg = render_svg(model(body))
    tree = render_tree(svg)

    assert not list(tree.iter(f"{SVG}script", "script"))
    assert "<script>" not in svg
    for group in ("node", "flow"):
        for element_id, (g,) in groups(tree, group).items():
            if element_id in ("start", "task", "f1"):
                (text,) = g.iter(f"{SVG}text")
                assert "".join(text.itertext()) == HOSTILE
    titles = [t.text for t in tree.iter(f"{SVG}title")]
    assert titles.count(HOSTILE) == 2


def test_chinese_and_japanese_labels_are_drawn_as_text() -> None:
    body = (
        '<startEvent id="start" name="开始"/>\n'
        '<sequenceFlow id="f1" name="同意" sourceRef="start" targetRef="task"/>\n'
        '<userTask id="task" name="部门经理审批"/>\n'
        '<sequenceFlow id="f2" sourceRef="task" targetRef="jp"/>\n'
        '<userTask id="jp" name="承認する"/>\n'
        '<sequenceFlow id="f3" sourceRef="jp" targetRef="end"/>\n'
        '<endEvent id="end" name="結束"/>\n'
    )
    found = texts(render_tree(render_svg(model(body))))

    for label in ("开始", "同意", "部门经理审批", "承認する", "結束"):
        assert label in found


def test_a_long_chinese_name_wraps_inside_its_task() -> None:
    name = "请部门经理和人力资源部共同审批本次请假申请并填写意见"
    body = (
        '<startEvent id="start"/>\n'
        '<sequenceFlow id="f1" sourceRef="start" targetRef="task"/>\n'
        f'<userTask id="task" name="{name}"/>\n'
    )
    tree = render_tree(render_svg(model(body)))
    (text,) = (t for t in tree.iter(f"{SVG}text") if "请部门" in "".join(t.itertext()))
    lines = [span.text or "" for span in text.iter(f"{SVG}tspan")]

    assert len(lines) >= 3
    assert all(len(line) <= 8 for line in lines)


def test_a_hostile_id_stays_inside_its_attribute() -> None:
    hostile_id = 'x"><script>alert(1)</script>'
    body = (
        '<startEvent id="start"/>\n'
        '<sequenceFlow id="f1" sourceRef="start" '
        'targetRef="x&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"/>\n'
        '<userTask id="x&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" name="T"/>\n'
    )
    tree = render_tree(render_svg(model(body), active=[hostile_id]))

    assert not list(tree.iter(f"{SVG}script", "script"))
    (g,) = groups(tree, "node")[hostile_id]
    assert "active" in (g.get("class") or "")


def test_characters_xml_cannot_hold_are_dropped_from_labels() -> None:
    assert clean("a\x00b\x1fc\ufffed") == "abcd"
    assert clean("tab\tand\nnewline") == "tab\tand\nnewline"
