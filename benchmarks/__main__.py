"""`python -m benchmarks` runs every benchmark; `python -m benchmarks sweep --help` shows one's options."""

import sys

BENCHMARKS = {
    "sweep": "benchmarks.sweep",  # the deadline sweep at 100k and 1M cases (issue 4)
}


def main(argv):
    from importlib import import_module

    if argv and argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        print("Benchmarks:", ", ".join(BENCHMARKS))
        return 0
    if argv and argv[0] in BENCHMARKS:
        return import_module(BENCHMARKS[argv[0]]).main(argv[1:])
    if argv:
        print(f"Unknown benchmark {argv[0]!r}; known: {', '.join(BENCHMARKS)}", file=sys.stderr)
        return 2
    for module in BENCHMARKS.values():
        if status := import_module(module).main([]):
            return status
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
