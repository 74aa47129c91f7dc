"""Label widths and wrapping: Latin words break at spaces, CJK characters anywhere."""

from __future__ import annotations

from lanes.diagram.text import is_wide, text_width, wrap


def test_cjk_characters_count_as_wide() -> None:
    assert is_wide("审") and is_wide("承") and is_wide("Ａ")
    assert not is_wide("a") and not is_wide("é")
    assert text_width("审批", 12) == 2 * text_width("a", 12) / 0.56


def test_latin_text_breaks_at_spaces_within_the_width() -> None:
    lines = wrap("Fill in the leave form", 80, 12)

    assert lines == ["Fill in the", "leave form"]
    assert all(text_width(line, 12) <= 80 for line in lines)


def test_chinese_text_breaks_between_characters() -> None:
    lines = wrap("部门经理审批请假申请", 50, 12)

    assert "".join(lines) == "部门经理审批请假申请"
    assert all(len(line) <= 4 for line in lines)


def test_mixed_text_keeps_latin_words_whole() -> None:
    lines = wrap("提交 OA approval 申请", 60, 12)

    assert "".join(lines).replace(" ", "") == "提交OAapproval申请"
    assert any("approval" in line for line in lines)


def test_a_word_longer_than_the_width_is_cut() -> None:
    lines = wrap("Supercalifragilisticexpialidocious", 60, 12)

    assert len(lines) > 1
    assert "".join(lines) == "Supercalifragilisticexpialidocious"
    assert all(text_width(line, 12) <= 60 for line in lines)


def test_explicit_newlines_and_blank_text() -> None:
    assert wrap("one\ntwo", 200, 12) == ["one", "two"]
    assert wrap("   ", 200, 12) == []
    assert wrap("", 200, 12) == []
