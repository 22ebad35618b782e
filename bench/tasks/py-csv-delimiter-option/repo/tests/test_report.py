import io
import json
import unittest

from report.cli import run
from report.writer import write_report

SALES = json.dumps(
    [
        {"date": "2024-01-02", "customer": "Acme", "amount": "12.50"},
        {"date": "2024-01-03", "customer": "Bolt; Sons", "amount": "3.10"},
    ]
)


def report(*argv: str) -> str:
    out = io.StringIO()
    run(["sales.json", *argv], out, read_text=lambda path: SALES)
    return out.getvalue()


class WriterTest(unittest.TestCase):
    def test_comma_by_default(self):
        out = io.StringIO()
        self.assertEqual(write_report([{"date": "d", "customer": "c", "amount": "1"}], out), 1)
        self.assertEqual(out.getvalue(), "date,customer,amount\nd,c,1\n")

    def test_custom_delimiter(self):
        out = io.StringIO()
        write_report([{"date": "d", "customer": "c", "amount": "1"}], out, delimiter=";")
        self.assertEqual(out.getvalue(), "date;customer;amount\nd;c;1\n")


class CliTest(unittest.TestCase):
    def test_default_is_comma(self):
        self.assertEqual(report(), "date,customer,amount\n2024-01-02,Acme,12.50\n2024-01-03,Bolt; Sons,3.10\n")

    def test_semicolon_quotes_fields_that_contain_it(self):
        self.assertEqual(
            report("--delimiter", "semicolon"),
            'date;customer;amount\n2024-01-02;Acme;12.50\n2024-01-03;"Bolt; Sons";3.10\n',
        )

    def test_tab(self):
        self.assertEqual(report("--delimiter", "tab", "--since", "2024-01-03"), "date\tcustomer\tamount\n2024-01-03\tBolt; Sons\t3.10\n")


if __name__ == "__main__":
    unittest.main()
