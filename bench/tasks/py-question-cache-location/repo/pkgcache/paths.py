"""Where the cache lives."""

from pathlib import Path
from typing import Mapping

APP_NAME = "pkgcache"


def cache_dir(env: Mapping[str, str]) -> Path:
    """The cache directory.

    PKGCACHE_DIR wins when set; otherwise the XDG base directory spec applies.
    """
    override = env.get("PKGCACHE_DIR", "").strip()
    if override:
        return Path(override).expanduser()
    xdg = env.get("XDG_CACHE_HOME", "").strip()
    if xdg:
        return Path(xdg) / APP_NAME
    return Path(env.get("HOME", "~")).expanduser() / ".cache" / APP_NAME


def entry_path(root: Path, key: str) -> Path:
    """Entries are sharded by the first two characters of their key: ab/abcdef…"""
    return root / key[:2] / key
