"""CSV output."""

import csv
from typing import Iterable, TextIO

COLUMNS = ["date", "customer", "amount"]


def write_report(rows: Iterable[dict], out: TextIO, delimiter: str = ",") -> int:
    """Writes a header and one line per row, separated by `delimiter`; returns the row count."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    count = 0
    for row in rows:
        writer.writerow([row[column] for column in COLUMNS])
        count += 1
    return count
