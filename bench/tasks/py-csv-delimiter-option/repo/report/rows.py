"""Selecting and ordering the records that go into a report."""

from typing import Optional


def select_rows(records: list[dict], since: Optional[str] = None) -> list[dict]:
    """Records dated on or after `since` (ISO date), oldest first, then by customer."""
    chosen = [record for record in records if since is None or record["date"] >= since]
    return sorted(chosen, key=lambda record: (record["date"], record["customer"]))
