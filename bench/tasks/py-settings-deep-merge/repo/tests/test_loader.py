import unittest

from layered import load_settings


class LoadSettingsTest(unittest.TestCase):
    def test_environment_wins_key_by_key(self):
        settings = load_settings({"debug": True}, {"APP_DATABASE__PORT": "5433", "HOME": "/root"})
        self.assertTrue(settings["debug"])
        self.assertEqual(settings["database"]["port"], "5433")
        self.assertEqual(settings["database"]["host"], "localhost")
        self.assertEqual(settings["database"]["pool"], {"min": 1, "max": 10})


if __name__ == "__main__":
    unittest.main()
