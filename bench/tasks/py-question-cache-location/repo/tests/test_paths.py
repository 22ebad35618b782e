import unittest
from pathlib import Path

from pkgcache.paths import cache_dir, entry_path


class CacheDirTest(unittest.TestCase):
    def test_override_wins(self):
        env = {"PKGCACHE_DIR": "/srv/cache", "XDG_CACHE_HOME": "/xdg", "HOME": "/home/u"}
        self.assertEqual(cache_dir(env), Path("/srv/cache"))

    def test_xdg(self):
        self.assertEqual(cache_dir({"XDG_CACHE_HOME": "/xdg", "HOME": "/home/u"}), Path("/xdg/pkgcache"))

    def test_home_fallback(self):
        self.assertEqual(cache_dir({"HOME": "/home/u"}), Path("/home/u/.cache/pkgcache"))

    def test_entries_are_sharded(self):
        self.assertEqual(entry_path(Path("/c"), "abcdef"), Path("/c/ab/abcdef"))


if __name__ == "__main__":
    unittest.main()
