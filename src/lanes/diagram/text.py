"""Label text: estimated widths and greedy line wrapping (CJK characters count as wide).

No fonts are measured: the server has none to measure with, and the viewer's fonts draw
the text. Widths are estimates good enough to keep labels inside their boxes.
"""

from __future__ import annotations

import unicodedata

_NARROW_RATIO = 0.56  # average advance of a Latin character, in font sizes
_WIDE_RATIO = 1.0  # CJK ideographs, kana, hangul, full-width forms


def is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def text_width(text: str, font_size: float) -> float:
    """The estimated drawn width of `text`."""
    return sum((_WIDE_RATIO if is_wide(c) else _NARROW_RATIO) for c in text) * font_size


def wrap(text: str, max_width: float, font_size: float) -> list[str]:
    """Lines of `text` no wider than `max_width` (a word longer than that is cut).

    Lines break at spaces and explicit newlines, and between two wide characters, since
    Chinese and Japanese are written without spaces.
    """
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for token in _tokens(paragraph.strip()):
            candidate = (line + token) if line else token.lstrip()
            if not candidate:
                continue
            if text_width(candidate.rstrip(), font_size) <= max_width or not line.strip():
                line = candidate
            else:
                lines.append(line.rstrip())
                line = token.lstrip()
            while text_width(line.rstrip(), font_size) > max_width and len(line) > 1:
                cut = _fitting_prefix(line, max_width, font_size)
                lines.append(line[:cut].rstrip())
                line = line[cut:].lstrip()
        if line.strip():
            lines.append(line.rstrip())
    return lines


def _tokens(paragraph: str) -> list[str]:
    """Words with their leading space, and each wide character on its own."""
    tokens: list[str] = []
    current = ""
    for char in paragraph:
        if is_wide(char):
            if current:
                tokens.append(current)
            tokens.append(char)
            current = ""
        elif char == " " and current.strip():
            tokens.append(current)
            current = char
        else:
            current += char
    if current:
        tokens.append(current)
    return tokens


def _fitting_prefix(line: str, max_width: float, font_size: float) -> int:
    """How many characters of `line` fit in `max_width` (at least one)."""
    width = 0.0
    for i, char in enumerate(line):
        width += (_WIDE_RATIO if is_wide(char) else _NARROW_RATIO) * font_size
        if width > max_width:
            return max(i, 1)
    return len(line)
