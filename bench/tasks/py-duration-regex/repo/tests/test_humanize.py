import unittest

from timeparse import humanize_ms


class HumanizeTest(unittest.TestCase):
    def test_units(self):
        self.assertEqual(humanize_ms(90_000), "1m30s")
        self.assertEqual(humanize_ms(3_600_500), "1h500ms")
        self.assertEqual(humanize_ms(0), "0s")


if __name__ == "__main__":
    unittest.main()
