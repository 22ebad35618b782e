import unittest
from decimal import Decimal

from shop.pricing import line_total
from shop.pricing_legacy import legacy_line_total


class LineTotalTest(unittest.TestCase):
    def test_no_discount_below_threshold(self):
        self.assertEqual(line_total(Decimal("2.50"), 9), Decimal("22.50"))

    def test_discount_from_ten_units(self):
        self.assertEqual(line_total(Decimal("2.50"), 10), Decimal("22.50"))
        self.assertEqual(line_total(Decimal("2.50"), 12), Decimal("27.00"))

    def test_rounds_half_up_to_cents(self):
        self.assertEqual(line_total(Decimal("0.335"), 1), Decimal("0.34"))

    def test_rejects_negative_quantities(self):
        with self.assertRaises(ValueError):
            line_total(Decimal("1.00"), -1)


class LegacyTest(unittest.TestCase):
    def test_2019_invoices_are_reproduced(self):
        self.assertEqual(legacy_line_total(Decimal("2.50"), 10), Decimal("25.00"))
        self.assertEqual(legacy_line_total(Decimal("2.50"), 11), Decimal("26.13"))


if __name__ == "__main__":
    unittest.main()
