"""Run every ``benchmarks/bench_*.py`` module's ``main()`` in turn (``make bench``)."""

from __future__ import annotations

import importlib
import pkgutil
import sys

import benchmarks


def main(names: list[str]) -> None:
    for info in sorted(pkgutil.iter_modules(benchmarks.__path__), key=lambda m: m.name):
        if not info.name.startswith("bench_"):
            continue
        if names and info.name.removeprefix("bench_") not in names and info.name not in names:
            continue
        print(f"== {info.name}")
        importlib.import_module(f"benchmarks.{info.name}").main()


if __name__ == "__main__":
    main(sys.argv[1:])
