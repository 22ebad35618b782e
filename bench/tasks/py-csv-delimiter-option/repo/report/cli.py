"""python3 -m report.cli SALES.json [--since DATE] [--delimiter SEP]"""

import argparse
import json
import sys
from pathlib import Path
from typing import Callable, Optional, TextIO

from report.rows import select_rows
from report.writer import write_report

_NAMED_DELIMITERS = {"comma": ",", "semicolon": ";", "tab": "\t"}


def parse_delimiter(value: str) -> str:
    """A single character, or one of the names comma, semicolon, tab."""
    delimiter = _NAMED_DELIMITERS.get(value.lower(), value)
    if len(delimiter) != 1:
        raise argparse.ArgumentTypeError(f"delimiter must be one character or comma/semicolon/tab, got {value!r}")
    return delimiter


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sales-report")
    parser.add_argument("input", help="JSON file with the sales records")
    parser.add_argument("--since", help="only records on or after this ISO date")
    parser.add_argument("--delimiter", type=parse_delimiter, default=",", help="field separator")
    return parser


def run(argv: list[str], out: TextIO, read_text: Optional[Callable[[str], str]] = None) -> int:
    args = build_parser().parse_args(argv)
    read = read_text or (lambda path: Path(path).read_text(encoding="utf-8"))
    rows = select_rows(json.loads(read(args.input)), since=args.since)
    write_report(rows, out)
    return 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:], sys.stdout))
