"""Merging of settings layers."""


def merge_settings(defaults: dict, overrides: dict) -> dict:
    """Returns a new dict: `defaults` updated with `overrides`.

    Nested sections (dicts) are merged key by key, so overriding `database.port` keeps
    `database.host`. Neither argument is modified.
    """
    merged = dict(defaults)
    for key, value in overrides.items():
        merged[key] = value
    return merged
