"""Guards that keep the code's shape: the import contracts in pyproject.toml and a size limit on modules.

Both run with the rest of the suite, so CI fails when a change breaks the layout DESIGN.md describes.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PRODUCT_PACKAGES = ("evalforge_assets", "evalforge_api", "demo_app")
MAX_LINES = 500

# Modules allowed past MAX_LINES, each with why one module reads better than several. Keep this short: a new
# entry needs a reason a reviewer would accept, and an entry whose module shrinks below the limit must go.
LARGE_MODULES: dict[str, str] = {}


def _lint_imports() -> Path:
    # The console script sits beside the interpreter in the project's virtual environment.
    script = Path(sys.executable).with_name("lint-imports")
    if not script.exists():
        pytest.fail(f"lint-imports is not installed at {script}; run `uv sync` to install the dev dependencies.")
    return script


def test_import_contracts_hold() -> None:
    result = subprocess.run([str(_lint_imports())], check=False, cwd=ROOT, capture_output=True, text=True,
                            timeout=240)
    assert result.returncode == 0, (
        "import-linter found imports that break the architecture contracts in pyproject.toml "
        f"([tool.importlinter]):\n{result.stdout}\n{result.stderr}"
    )
    # A contract that silently stopped being checked would also exit 0.
    assert "0 broken" in result.stdout and "kept" in result.stdout, result.stdout


def _line_count(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for _ in handle)


def _product_modules() -> list[Path]:
    return sorted(path for package in PRODUCT_PACKAGES for path in (ROOT / package).rglob("*.py"))


def test_no_product_module_is_over_the_size_limit_without_a_reason() -> None:
    modules = _product_modules()
    assert len(modules) > 50, "the product packages were not found; the test would check nothing"
    too_long = {
        str(path.relative_to(ROOT)): lines
        for path in modules
        if (lines := _line_count(path)) > MAX_LINES and str(path.relative_to(ROOT)) not in LARGE_MODULES
    }
    assert not too_long, (
        f"These modules are over {MAX_LINES} lines: split each into cohesive modules, or add it to "
        f"LARGE_MODULES in {Path(__file__).name} with the reason it should stay whole: {too_long}"
    )


def test_every_large_module_exception_is_still_needed() -> None:
    stale = [name for name in LARGE_MODULES
             if not (ROOT / name).exists() or _line_count(ROOT / name) <= MAX_LINES]
    assert not stale, f"Remove these from LARGE_MODULES; they are gone or no longer over {MAX_LINES} lines: {stale}"
