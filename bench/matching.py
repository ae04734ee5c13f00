"""
Name matching alone: ``best_matches`` and ``resolve`` over 600 names, per keystroke, no Discord and no database.

Two lists of 600 names: the issue's (3 names x 200 numbered copies, ``Tom Barker 0`` .. ``Kevin Corran 199``, the
worst case for a typed full name, since every copy shares its words) and a realistic one (the benchmark's generated
campaign padded to 600 candidates). Each query is timed ``--repeats`` times; the table gives the median and the
worst, in ms.

    python -m bench.matching [--repeats 50]
"""

import argparse
import functools
import statistics
import sys
import time
from collections.abc import Callable

from bench._common import machine, table
from bench._data import template
from bot.domain import text
from bot.domain.text import best_matches, normalise, resolve

#: The issue's list: three names, two hundred numbered copies of each.
ISSUE_NAMES = [f"{base} {i}" for base in ("Tom Barker", "Kevin Corran", "Tom Smith") for i in range(200)]
ISSUE_QUERIES = ["t", "tom", "tom barker 1", "KEVIN CORRAN 0", "kevin coran 12", "barker", "zzz", "%"]


def _realistic_queries(names: list[str]) -> list[str]:
    first, middle = names[0], names[len(names) // 2]
    typo = middle[:3] + middle[4:]  # one letter dropped
    return [middle[:3].lower(), first, middle.upper(), typo, first.split()[-1], "qqq wxyz"]


def _cold(query: str, names: list[str]) -> None:
    """A keystroke on a list of names whose index is not cached (a guild not seen lately)."""
    clear = getattr(text._index_of, "cache_clear", None)  # absent before the index existed
    if clear is not None:
        clear()
    best_matches(query, names)


def _time(call: Callable[[], object], repeats: int) -> tuple[float, float]:
    call()  # warm the normalise() cache, as a running bot has it warm
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), max(samples)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.matching", description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=50, help="timed runs per query (default 50)")
    args = parser.parse_args(argv)
    print(f"Machine: {machine()}")
    realistic = list(dict.fromkeys(template(600).candidate_names))
    rows = []
    for label, names, queries in (
        ("issue", ISSUE_NAMES, ISSUE_QUERIES),
        ("realistic", realistic, _realistic_queries(realistic)),
    ):
        for query in queries:
            med, worst = _time(functools.partial(best_matches, query, names), args.repeats)
            rows.append([f"{label} ({len(names)})", "best_matches", repr(query), f"{med:.3f}", f"{worst:.3f}"])
        # The first keystroke on a list not seen before builds its index (normalise() already warm, as in a bot).
        first = functools.partial(_cold, queries[0], names)
        med, worst = _time(first, args.repeats)
        rows.append(
            [f"{label} ({len(names)})", "best_matches, index cold", repr(queries[0]), f"{med:.3f}", f"{worst:.3f}"]
        )
        target = names[len(names) // 3]
        med, worst = _time(functools.partial(resolve, target, names, normalise, what="name"), args.repeats)
        rows.append([f"{label} ({len(names)})", "resolve", repr(target), f"{med:.3f}", f"{worst:.3f}"])
    print(f"\nName matching over 600 names, ms ({args.repeats} runs per row after one warm-up run):")
    print(table(["names", "function", "query", "median", "worst"], rows, "lllrr"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
