import copy
import unittest

from layered.merge import merge_settings


class MergeSettingsTest(unittest.TestCase):
    def test_top_level_keys(self):
        self.assertEqual(merge_settings({"a": 1, "b": 2}, {"b": 3, "c": 4}), {"a": 1, "b": 3, "c": 4})

    def test_nested_sections_merge_key_by_key(self):
        defaults = {"database": {"host": "localhost", "port": 5432, "pool": {"min": 1, "max": 10}}}
        merged = merge_settings(defaults, {"database": {"port": 5433, "pool": {"max": 50}}})
        self.assertEqual(
            merged,
            {"database": {"host": "localhost", "port": 5433, "pool": {"min": 1, "max": 50}}},
        )

    def test_a_value_replaces_a_section_and_vice_versa(self):
        self.assertEqual(merge_settings({"cache": {"ttl_s": 300}}, {"cache": None}), {"cache": None})
        self.assertEqual(merge_settings({"cache": False}, {"cache": {"ttl_s": 5}}), {"cache": {"ttl_s": 5}})

    def test_arguments_are_not_modified(self):
        defaults = {"database": {"host": "localhost", "pool": {"max": 10}}}
        overrides = {"database": {"pool": {"max": 50}}}
        before = (copy.deepcopy(defaults), copy.deepcopy(overrides))
        merge_settings(defaults, overrides)
        self.assertEqual((defaults, overrides), before)


if __name__ == "__main__":
    unittest.main()
