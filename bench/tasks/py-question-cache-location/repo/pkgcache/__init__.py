"""A download cache for build tools."""
