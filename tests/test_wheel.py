"""
The built wheel works on its own: installed outside the checkout, ``slatebot console`` finds its sample data.

The wheel is built from a copy of the project's sources (so the checkout gets no ``build/``) and installed with
``--no-deps`` into a fresh virtual environment. Its dependencies come from this interpreter's site-packages
through a ``.pth`` file, so nothing is downloaded; the environment's own site-packages come first on
``sys.path``, so the installed ``bot``, ``cogs``, ``storage`` and ``standin`` are the wheel's (checked), never
the checkout's.
"""

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("pyproject.toml", "README.md", "bot", "cogs", "storage", "standin")
# Settings the console would otherwise read from this process's environment.
SETTINGS = ("DISCORD_TOKEN", "DATABASE_URL", "DISCORD_API_BASE", "DEV_GUILD_ID", "LOG_LEVEL", "DEFAULT_TIMEZONE")

pytestmark = pytest.mark.wheel


def _run(
    args: list[str | Path], *, cwd: Path, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a command to completion; its output is in the assertion message when it fails."""
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, input=stdin, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done


def _build_wheel(tmp_path: Path) -> Path:
    """The project's wheel, built from a copy of its sources."""
    source = tmp_path / "source"
    source.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=ignore)
        else:
            shutil.copy2(ROOT / name, source / name)
    dist = tmp_path / "dist"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", dist, source], cwd=tmp_path)
    [wheel] = dist.glob("slatebot-*.whl")
    return wheel


def _fresh_venv(tmp_path: Path, wheel: Path) -> Path:
    """A new virtual environment with the wheel installed, its dependencies borrowed from this interpreter."""
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=tmp_path)
    python = venv / "bin" / "python"
    inner = Path(
        _run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=tmp_path).stdout.strip()
    )
    outer = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (inner / "_borrowed_dependencies.pth").write_text("\n".join(sorted(outer)) + "\n", encoding="utf-8")
    _run(
        [sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps", "--no-index", wheel],
        cwd=tmp_path,
    )
    return venv


def test_the_wheel_carries_the_console_and_its_sample(tmp_path: Path) -> None:
    """Installed from the wheel, outside the checkout, `printf '/ballot\\n' | slatebot console` shows NEC 2025."""
    wheel = _build_wheel(tmp_path)
    names = zipfile.ZipFile(wheel).namelist()
    assert "standin/sample/nec_2025.yaml" in names
    assert "storage/migrations/sqlite/0001_initial.sql" in names
    assert "storage/migrations/postgresql/0001_initial.sql" in names
    assert not any(n.startswith(("tests/", "examples/")) for n in names)

    venv = _fresh_venv(tmp_path, wheel)
    elsewhere = tmp_path / "elsewhere"  # no ../shared here, no examples/, no checkout
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS and k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env.pop("DISCORD_API_SPEC", None)

    where = _run(
        [venv / "bin" / "python", "-c", "import bot, standin; print(bot.__file__); print(standin.__file__)"],
        cwd=elsewhere,
        env=env,
    )
    for path in where.stdout.split():
        assert Path(path).resolve().is_relative_to(venv.resolve()), where.stdout

    done = _run([venv / "bin" / "slatebot", "console"], cwd=elsewhere, env=env, stdin="/ballot\n")
    assert "NEC 2025: ballot timetable" in done.stdout, done.stdout + done.stderr
    assert "Ballot opens:" in done.stdout
