"""Command line entry point: python3 backup_cli.py SOURCE --every 6h --timeout 90s"""

import argparse

from timeparse import humanize_ms, parse_duration


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="Back up a directory on a schedule.")
    parser.add_argument("source")
    parser.add_argument("--every", type=parse_duration, default=parse_duration("24h"))
    parser.add_argument("--timeout", type=parse_duration, default=parse_duration("5m"))
    return parser


def main(argv=None) -> str:
    args = build_parser().parse_args(argv)
    return f"backing up {args.source} every {humanize_ms(args.every)} (timeout {humanize_ms(args.timeout)})"


if __name__ == "__main__":
    print(main())
