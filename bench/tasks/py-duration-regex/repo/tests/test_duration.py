import unittest

from backup_cli import main
from timeparse import parse_duration


class ParseDurationTest(unittest.TestCase):
    def test_single_units(self):
        self.assertEqual(parse_duration("2h"), 7_200_000)
        self.assertEqual(parse_duration("45s"), 45_000)
        self.assertEqual(parse_duration(" 10M "), 600_000)

    def test_combined_units(self):
        self.assertEqual(parse_duration("1h30m"), 5_400_000)
        self.assertEqual(parse_duration("2m30s"), 150_000)

    def test_milliseconds(self):
        self.assertEqual(parse_duration("500ms"), 500)
        self.assertEqual(parse_duration("1s250ms"), 1_250)
        self.assertEqual(parse_duration("1m5ms"), 60_005)

    def test_rejects_garbage(self):
        for text in ["", "5", "h", "1.5h", "10 m", "3d"]:
            with self.subTest(text=text), self.assertRaisesRegex(ValueError, "invalid duration"):
                parse_duration(text)

    def test_cli(self):
        self.assertEqual(
            main(["/srv/data", "--every", "6h", "--timeout", "1500ms"]),
            "backing up /srv/data every 6h (timeout 1s500ms)",
        )


if __name__ == "__main__":
    unittest.main()
