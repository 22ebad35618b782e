import unittest

from layered.merge_flat import merge_flat


class MergeFlatTest(unittest.TestCase):
    def test_sections_are_replaced_whole(self):
        merged = merge_flat({"db": {"host": "a", "port": 1}}, {"db": {"port": 2}})
        self.assertEqual(merged, {"db": {"port": 2}})


if __name__ == "__main__":
    unittest.main()
