"""Milliseconds back to a short human-readable duration."""


def humanize_ms(ms: int) -> str:
    """90_000 -> "1m30s", 500 -> "500ms", 0 -> "0s"."""
    if ms < 0:
        raise ValueError(f"duration must not be negative, got {ms}")
    if ms == 0:
        return "0s"
    parts = []
    for unit, size in (("h", 3_600_000), ("m", 60_000), ("s", 1_000), ("ms", 1)):
        count, ms = divmod(ms, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)
