"""Cache keys."""

import hashlib


def url_key(url: str) -> str:
    """A stable key for a download URL; fragments do not change what is downloaded."""
    return hashlib.sha256(url.split("#", 1)[0].encode("utf-8")).hexdigest()
