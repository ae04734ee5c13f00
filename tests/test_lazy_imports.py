"""Start-up stays light: the chart library is imported when a chart is drawn, not when the cogs load."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Drawn by matplotlib only; together about 45 MB resident, for a chart most sessions never draw.
CHART_ONLY = ("matplotlib", "numpy", "PIL")


def _loaded_after(code: str) -> list[str]:
    """The chart-only packages present in ``sys.modules`` after running ``code`` in a fresh interpreter."""
    probe = f"{code}\nimport sys\nprint(' '.join(m for m in {CHART_ONLY!r} if m in sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    return done.stdout.split()


def test_loading_every_cog_extension_imports_no_chart_library() -> None:
    """Importing each of cogs.EXTENSIONS, the app and the CLI leaves matplotlib, numpy and PIL unimported."""
    code = "import importlib, cogs, bot.app, bot.cli\nfor name in cogs.EXTENSIONS:\n    importlib.import_module(name)"
    assert _loaded_after(code) == []


def test_drawing_a_chart_imports_matplotlib_then() -> None:
    """The import is only deferred: the first chart drawn brings matplotlib in (and draws a PNG)."""
    code = (
        "from cogs._ui import charts\n"
        "import sys\n"
        "assert 'matplotlib' not in sys.modules\n"
        "figure = charts._figure(3)\n"
        "assert charts._png(figure).startswith(b'\\x89PNG')"
    )
    assert "matplotlib" in _loaded_after(code)
