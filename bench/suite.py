"""Benchmark: where the test suite's time goes, from the JUnit XML that `make test` writes.

`make test` writes test-artifacts/junit-parallel.xml (the two xdist workers) and junit-serial.xml. This
prints the seconds per test file (summed over both workers: the suite's wall time is about half the
parallel total), its share, the number of tests, and the slowest tests.

Usage: python bench/suite.py [test-artifacts/junit-parallel.xml ...] [--top 15]
"""

from __future__ import annotations

import argparse
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def cases(paths: list[Path]):
    for path in paths:
        for case in ET.parse(path).getroot().iter("testcase"):
            name = case.get("classname", "").split(".")[-1] or "?"
            yield name, case.get("name", ""), float(case.get("time", 0) or 0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    files = args.files or sorted((ROOT / "test-artifacts").glob("junit-*.xml"))
    if not files:
        print("no JUnit files: run `make test` first (it writes test-artifacts/junit-*.xml)", file=sys.stderr)
        return 2
    per_file: dict[str, list[float]] = defaultdict(list)
    every = []
    for module, name, seconds in cases(files):
        per_file[module].append(seconds)
        every.append((seconds, f"{module}::{name}"))
    total = sum(sum(v) for v in per_file.values())
    print(f"{'test file':<32}{'tests':>7}{'seconds':>10}{'share':>8}")
    for module, times in sorted(per_file.items(), key=lambda kv: -sum(kv[1])):
        print(f"{module:<32}{len(times):>7}{sum(times):>10.1f}{100 * sum(times) / total:>7.1f}%")
    print(f"{'all':<32}{len(every):>7}{total:>10.1f}")
    print(f"\nslowest {args.top} tests (set-up included: a shared fixture is counted in the first test that uses it)")
    for seconds, what in sorted(every, reverse=True)[: args.top]:
        print(f"{seconds:>9.1f}  {what[:110]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
