"""python3 -m pkgcache.cli info"""

import os
import sys

from pkgcache.evict import DEFAULT_MAX_BYTES
from pkgcache.paths import cache_dir


def info(env) -> str:
    max_mb = int(env.get("PKGCACHE_MAX_MB", DEFAULT_MAX_BYTES // 1024**2))
    return f"cache: {cache_dir(env)}\nlimit: {max_mb} MB"


if __name__ == "__main__":
    if sys.argv[1:] != ["info"]:
        sys.exit("usage: python3 -m pkgcache.cli info")
    print(info(os.environ))
