"""1.x API: shallow merge.

1.x documented that a section given in an override replaces the whole section. Callers rely
on that to drop defaults, so this stays shallow. New code uses layered.merge.merge_settings.
"""


def merge_flat(defaults: dict, overrides: dict) -> dict:
    merged = dict(defaults)
    for key, value in overrides.items():
        merged[key] = value
    return merged
