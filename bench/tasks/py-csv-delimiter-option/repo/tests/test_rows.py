import unittest

from report.rows import select_rows

RECORDS = [
    {"date": "2024-02-01", "customer": "Zed", "amount": "5.00"},
    {"date": "2023-12-31", "customer": "Old", "amount": "1.00"},
    {"date": "2024-02-01", "customer": "Acme", "amount": "12.50"},
]


class SelectRowsTest(unittest.TestCase):
    def test_orders_by_date_then_customer(self):
        self.assertEqual([r["customer"] for r in select_rows(RECORDS)], ["Old", "Acme", "Zed"])

    def test_since_is_inclusive(self):
        self.assertEqual([r["customer"] for r in select_rows(RECORDS, since="2024-02-01")], ["Acme", "Zed"])


if __name__ == "__main__":
    unittest.main()
