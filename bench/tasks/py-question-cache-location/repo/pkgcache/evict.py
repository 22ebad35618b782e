"""Size-based eviction."""

from typing import Iterable, NamedTuple

#: Default size limit, overridable with PKGCACHE_MAX_MB.
DEFAULT_MAX_BYTES = 2 * 1024**3


class Entry(NamedTuple):
    key: str
    size: int
    last_used: float


def plan_eviction(entries: Iterable[Entry], max_bytes: int = DEFAULT_MAX_BYTES) -> list[str]:
    """Keys to delete, least recently used first, until the rest fits in max_bytes."""
    ordered = sorted(entries, key=lambda entry: entry.last_used)
    total = sum(entry.size for entry in ordered)
    doomed = []
    for entry in ordered:
        if total <= max_bytes:
            break
        doomed.append(entry.key)
        total -= entry.size
    return doomed
