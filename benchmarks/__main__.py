"""`python -m benchmarks NAME [ARGS…]` runs benchmarks/NAME.py's main(ARGS); without a name, runs them all."""

import importlib
import pkgutil
import sys

import benchmarks


def available():
    return sorted(m.name for m in pkgutil.iter_modules(benchmarks.__path__) if not m.name.startswith("_"))


def main(argv):
    if not argv:
        return max([importlib.import_module(f"benchmarks.{name}").main([]) or 0 for name in available()] or [0])
    if argv[0] not in available():
        print("usage: python -m benchmarks [NAME [ARGS…]]; NAME is one of:", ", ".join(available()))
        return 2
    return importlib.import_module(f"benchmarks.{argv[0]}").main(argv[1:]) or 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
