"""The package is built in floors: the shared ground, then the models, then what reads, trains and shows. A module
imports only from its own floor or below, so each floor can be understood (and tested) without the ones above."""

from __future__ import annotations

import ast
from pathlib import Path

from digit_recognizer.outputs.paths import REPO_ROOT

PACKAGE = REPO_ROOT / "digit_recognizer"
# From the ground up; a top-level module or subpackage not named here is on the top floor.
FLOORS = (
    {"errors", "geometry", "datasets", "options", "tf_logs", "recipes", "catalog", "outputs"},
    {"models"},
    {"synthetic", "reading", "training"},
)


def floor(part: str) -> int:
    return next((level for level, parts in enumerate(FLOORS) if part in parts), len(FLOORS))


def imported_parts(path: Path) -> set[str]:
    """The package's first-level parts that a module imports, anywhere in it."""
    parts = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                 else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
        parts |= {name.split(".")[1] for name in names if name.startswith("digit_recognizer.")}
    return parts


def test_no_module_imports_from_a_floor_above_its_own() -> None:
    upward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        own = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
        upward += [f"{path.relative_to(REPO_ROOT)} imports digit_recognizer.{part}"
                   for part in sorted(imported_parts(path)) if floor(part) > floor(own)]
    assert not upward, upward
