"""Without jsonschema (a test dependency) the stand-in says once that bodies are not checked, and checks limits."""

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Run apart: a ``None`` in sys.modules makes ``import jsonschema`` fail, which must not leak into other tests.
SCRIPT = textwrap.dedent(
    """
    import asyncio, logging, sys
    sys.modules["jsonschema"] = None
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(name)s: %(message)s")

    import aiohttp
    from standin import SpecChecker, StandIn
    from standin.spec import body_checks_installed

    SPEC = {"paths": {"/channels/{channel_id}/messages": {"post": {"requestBody": {"content": {
        "application/json": {"schema": {"type": "object", "properties": {"content": {"type": "string"}}}}}}}}}}

    async def main() -> None:
        assert not body_checks_installed()
        checker = SpecChecker(SPEC)
        assert checker.report("POST", "/channels/1/messages", {"content": 5}).violations == []
        assert not checker.available
        async with StandIn(spec=SpecChecker(SPEC)) as discord_, aiohttp.ClientSession() as http:
            url = f"{discord_.api_base}/channels/1100/messages"
            auth = {"Authorization": f"Bot {discord_.token}"}
            async with http.post(url, json={"content": "x" * 2001}, headers=auth) as answer:
                print("too long:", answer.status, (await answer.json())["code"])
            async with http.post(url, json={"content": "hello"}, headers=auth) as answer:
                print("fine:", answer.status)
            print("violations:", [v.kind for v in discord_.violations])

    asyncio.run(main())
    """
)


def test_without_jsonschema_limits_are_still_checked_and_one_line_says_bodies_are_not() -> None:
    """The checker degrades: no spec verdicts, one warning, Discord's limits still refused with 400 / 50035."""
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "too long: 400 50035" in done.stdout
    assert "fine: 200" in done.stdout
    assert "violations: ['limit']" in done.stdout
    assert done.stderr.count("jsonschema is not installed: request bodies are not checked") == 1
