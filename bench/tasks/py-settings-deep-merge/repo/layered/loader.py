"""Builds the effective settings from all layers."""

from layered.merge import merge_settings

DEFAULTS = {
    "debug": False,
    "database": {"host": "localhost", "port": 5432, "pool": {"min": 1, "max": 10}},
    "cache": {"ttl_s": 300},
}


def env_layer(env: dict, prefix: str = "APP_") -> dict:
    """APP_DATABASE__PORT=5433 -> {"database": {"port": "5433"}} (values stay strings)."""
    layer: dict = {}
    for name, value in sorted(env.items()):
        if not name.startswith(prefix):
            continue
        keys = name[len(prefix):].lower().split("__")
        node = layer
        for key in keys[:-1]:
            node = node.setdefault(key, {})
        node[keys[-1]] = value
    return layer


def load_settings(file_layer: dict, env: dict) -> dict:
    """Defaults, then the settings file, then the environment."""
    settings = merge_settings(DEFAULTS, file_layer)
    return merge_settings(settings, env_layer(env))
