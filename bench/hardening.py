"""
One command for the hardening summary: runs the fuzz and fault tests and prints what was tried.

    python -m bench.hardening

The tests write their counts to the JSON file named by SLATEBOT_HARDENING_REPORT; this prints them as a table,
with the tests' own pass/fail line. Exit status is pytest's.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = ["tests/e2e/test_fuzz.py", "tests/test_faults.py"]


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "hardening.json"
        env = {**os.environ, "SLATEBOT_HARDENING_REPORT": str(report)}
        result = subprocess.run(  # noqa: S603 - our own test suite
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *TESTS],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        counts = json.loads(report.read_text()) if report.exists() else {}
    print("Hardening summary")
    print(f"{'section':<28} counts")
    print(f"{'-' * 28} {'-' * 50}")
    for section in sorted(counts):
        values = counts[section]
        shown = ", ".join(f"{k} {v}" for k, v in values.items() if not isinstance(v, dict | list))
        print(f"{section:<28} {shown}")
    last = [line for line in result.stdout.splitlines() if line.strip()][-1:] or ["(no pytest output)"]
    print(f"tests: {last[0]}")
    return result.returncode


if __name__ == "__main__":
    raise SystemExit(main())
