import unittest

from pkgcache.evict import Entry, plan_eviction
from pkgcache.keys import url_key


class EvictTest(unittest.TestCase):
    def test_evicts_least_recently_used_first(self):
        entries = [Entry("new", 40, 3.0), Entry("old", 50, 1.0), Entry("mid", 30, 2.0)]
        self.assertEqual(plan_eviction(entries, max_bytes=60), ["old", "mid"])

    def test_nothing_to_evict_under_the_limit(self):
        self.assertEqual(plan_eviction([Entry("a", 10, 1.0)], max_bytes=10), [])


class KeyTest(unittest.TestCase):
    def test_fragment_is_ignored(self):
        self.assertEqual(url_key("https://x.test/a.tgz#sha=1"), url_key("https://x.test/a.tgz"))


if __name__ == "__main__":
    unittest.main()
