"""Layered application settings."""

from layered.loader import load_settings
from layered.merge import merge_settings

__all__ = ["load_settings", "merge_settings"]
