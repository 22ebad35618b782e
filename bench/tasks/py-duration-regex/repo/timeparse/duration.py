"""Durations written like "1h30m", "45s" or "500ms"."""

import re

_TOKEN = re.compile(r"(\d+)(h|m|s|ms)")
_UNIT_MS = {"h": 3_600_000, "m": 60_000, "s": 1_000, "ms": 1}


def parse_duration(text: str) -> int:
    """Returns the duration in milliseconds. Raises ValueError for anything else."""
    cleaned = text.strip().lower()
    if not cleaned:
        raise ValueError(f"invalid duration: {text!r}")
    total = 0
    pos = 0
    while pos < len(cleaned):
        match = _TOKEN.match(cleaned, pos)
        if not match:
            raise ValueError(f"invalid duration: {text!r}")
        total += int(match.group(1)) * _UNIT_MS[match.group(2)]
        pos = match.end()
    return total
