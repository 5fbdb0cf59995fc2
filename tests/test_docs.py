"""The README and the docs tell the truth: every link, named file, module and option they mention exists."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from digit_recognizer.outputs.paths import REPO_ROOT

PAGES = [REPO_ROOT / "README.md", *sorted((REPO_ROOT / "docs").glob("*.md"))]
# The front page stays a front page.
README_LIMIT = 8_000
COMMAND = re.compile(r"(?:^|`|\$ |\s)((?:\.venv/bin/)?python "
                     r"(?:-m [\w.]+(?: (?:train|predict|study))?|[\w/]+\.py)[^`\n#]*)")
MODULE_PATH = re.compile(r"`((?:digit_recognizer|benchmarks|tools|tests|ANN|CNN|VGG16|docs|plots|models)/[\w./-]*)`")


def _text(page: Path) -> str:
    return page.read_text(encoding="utf-8")


def test_readme_is_a_front_page() -> None:
    size = len((REPO_ROOT / "README.md").read_bytes())
    assert size <= README_LIMIT, f"README.md is {size:,} bytes; move topics to docs/"


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_links_and_named_paths_exist(page: Path) -> None:
    text = _text(page)
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
        if not target.startswith(("http://", "https://", "mailto:")):
            assert (page.parent / target).exists(), f"{page.name} links to missing {target}"
    for path in MODULE_PATH.findall(text):
        if "*" in path or "NAME" in path or "<" in path:
            continue
        assert (REPO_ROOT / path.rstrip("/")).exists(), f"{page.name} names missing {path}"


def _commands() -> dict[tuple[str, ...], set[str]]:
    """Each documented command (interpreter argument list up to its subcommand) → the options it is shown with."""
    found: dict[tuple[str, ...], set[str]] = {}
    for page in PAGES:
        for line in COMMAND.findall(_text(page)):
            words = shlex.split(line.replace("[", " ").replace("]", " ").replace("|", " "), posix=True)
            program = words[1:4] if words[1] == "-m" else words[1:2]
            if words[1] == "-m" and program[-1] not in ("train", "predict", "study"):
                program = program[:2]
            options = {word.split("=")[0] for word in words if word.startswith("--")}
            # benchmarks.NAME stands for any of them.
            if not any(part.isupper() for word in program for part in word.split(".")):
                found.setdefault(tuple(program), set()).update(options)
    return found


@cache
def _help(program: tuple[str, ...]) -> str:
    done = subprocess.run([sys.executable, *program, "--help"], cwd=REPO_ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, f"{' '.join(program)} --help failed: {done.stderr[-500:]}"
    return done.stdout


COMMANDS = _commands()


def test_the_docs_show_the_main_commands() -> None:
    assert ("test.py",) in COMMANDS and ("-m", "digit_recognizer", "predict") in COMMANDS


@pytest.mark.parametrize("program", sorted(COMMANDS), ids=lambda program: " ".join(program))
def test_each_documented_command_runs_and_takes_its_options(program: tuple[str, ...]) -> None:
    text = _help(program)
    missing = sorted(option for option in COMMANDS[program] if option not in text)
    assert not missing, f"`python {' '.join(program)}` has no {', '.join(missing)}"


def test_the_layout_page_names_every_module_of_the_package() -> None:
    """docs/layout.md is the map of the package: a module added without its row there fails here."""
    layout = _text(REPO_ROOT / "docs" / "layout.md")
    named = set(re.findall(r"`([\w/]+\.py)`", layout))
    package = REPO_ROOT / "digit_recognizer"
    missing = [str(path.relative_to(REPO_ROOT)) for path in sorted(package.rglob("*.py"))
               if path.name != "__init__.py" and path.name not in named
               and str(path.relative_to(REPO_ROOT)) not in named]
    assert not missing, f"docs/layout.md does not name {missing}"


def test_the_readme_table_names_every_folder_and_subpackage() -> None:
    """The front page's "Where things live" covers the tree: each tracked top-level folder and each subpackage."""
    readme = _text(REPO_ROOT / "README.md")
    table = readme[readme.index("## Where things live"):readme.index("## Results")]
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO_ROOT, capture_output=True, text=True).stdout.split()
    folders = {path.split("/")[0] for path in tracked if "/" in path and not path.startswith(".")}
    folders |= {"/".join(path.split("/")[:2]) for path in tracked
                if path.startswith("digit_recognizer/") and path.count("/") >= 2}
    missing = sorted(folder for folder in folders - {"docs", "digit_recognizer"} if f"`{folder}/`" not in table)
    assert not missing, f"the README's layout table does not name {missing}"
