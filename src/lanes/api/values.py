"""Checks on input values that every API dialect shares: what the store can hold.

Ids fit in 64 bits, text carries no NUL character and no lone UTF-16 surrogate, times are
stored in UTC, and variables are plain JSON nested at most MAX_JSON_DEPTH levels. Each
raises ValueError with the end of a sentence, for pydantic to put after the field name.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

__all__ = ["MAX_ID", "MAX_JSON_DEPTH", "as_utc", "check_json", "plain_text"]

MAX_ID = 2**63 - 1
MAX_JSON_DEPTH = 32


def plain_text(value: str) -> str:
    """Text the databases can store: no NUL character, no lone UTF-16 surrogate."""
    if "\x00" in value:
        raise ValueError("must not contain the NUL character")
    try:
        value.encode()
    except UnicodeEncodeError:
        raise ValueError("is not valid Unicode text (it holds a lone surrogate)") from None
    return value


def as_utc(value: datetime) -> datetime:
    """Naive times are UTC (the store keeps UTC); aware ones are converted to it."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("is out of the range of dates lanes can store") from None


def check_json(value: Any, depth: int = 0) -> Any:
    """`value` itself, when it is plain JSON lanes can store."""
    if depth > MAX_JSON_DEPTH:
        raise ValueError(f"is nested deeper than {MAX_JSON_DEPTH} levels")
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        if not -(2**63) <= value <= MAX_ID:
            raise ValueError("holds an integer that does not fit in 64 bits")
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("holds a number that is not finite")
    elif isinstance(value, str):
        plain_text(value)
    elif isinstance(value, list):
        for item in value:
            check_json(item, depth + 1)
    elif isinstance(value, dict):
        for key, item in value.items():
            plain_text(key)
            check_json(item, depth + 1)
    return value
