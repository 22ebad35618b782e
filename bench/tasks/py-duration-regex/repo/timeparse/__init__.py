"""Parsing and formatting of human-written durations."""

from timeparse.duration import parse_duration
from timeparse.humanize import humanize_ms

__all__ = ["parse_duration", "humanize_ms"]
