"""Shipping the recommended model from seed runs: the validation-best seed ships, later seeds join earlier ones."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from digit_recognizer.outputs.paths import REPO_ROOT
from digit_recognizer.training.config import RunConfig
from digit_recognizer.training.pipeline import run


def _seed_run(folder: Path, seed: int, data: Path) -> dict:
    run(RunConfig(models=["best_deskew"], epochs=1, limit=300, seed=seed, data=data, output_dir=folder, verbose=0))
    return json.loads((folder / "results.json").read_text())["models"]["best_deskew"]


def _collect(*args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tools.collect_best", "--model", "best_deskew", *map(str, args)],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_collects_seeds_and_adds_later_ones(tmp_path: Path, mnist_path: Path) -> None:
    rows = {seed: _seed_run(tmp_path / f"seed{seed}", seed, mnist_path) for seed in (1, 2, 3)}
    shipped = tmp_path / "shipped"
    done = _collect("--output-dir", shipped, tmp_path / "seed1", tmp_path / "seed2")
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads((shipped / "plots" / "best_deskew_seeds.json").read_text())["seeds"][1]["seed"] == 2

    done = _collect("--output-dir", shipped, tmp_path / "seed3")
    assert done.returncode == 0, done.stderr[-2000:]
    summary = json.loads((shipped / "plots" / "best_deskew_seeds.json").read_text())
    assert [row["seed"] for row in summary["seeds"]] == [1, 2, 3]
    tests = [rows[seed]["test_accuracy"] for seed in (1, 2, 3)]
    assert abs(summary["test_accuracy_mean"] - sum(tests) / 3) < 1e-9
    best = max(rows, key=lambda seed: rows[seed]["val_accuracy"])
    assert summary["shipped_seed"] == best
    for seed in (1, 2, 3):
        assert (shipped / "models" / f"best_deskew_seed{seed}.keras").is_file()
    shipped_bytes = (shipped / "models" / "best_deskew.keras").read_bytes()
    assert shipped_bytes == (tmp_path / f"seed{best}" / "models" / "best_deskew.keras").read_bytes()
    assert json.loads((shipped / "results.json").read_text())["models"]["best_deskew"]["seed"] == best

    table = shipped / "plots" / "best_deskew_seeds.json"
    table.write_text('{"seeds": [')
    done = _collect("--output-dir", shipped, tmp_path / "seed3")
    assert done.returncode != 0 and "is unreadable" in done.stderr and "Traceback" not in done.stderr
    assert table.read_text() == '{"seeds": ['

    table.write_text(json.dumps(summary))
    shipped_table = shipped / "results.json"
    shipped_table.write_text('{"models": ')
    (shipped / "models" / "best_deskew_seed3.keras").unlink()
    done = _collect("--output-dir", shipped, tmp_path / "seed3")
    assert done.returncode != 0 and f"{shipped_table} is unreadable" in done.stderr and "Traceback" not in done.stderr
    assert shipped_table.read_text() == '{"models": '
    assert not (shipped / "models" / "best_deskew_seed3.keras").exists()


def test_folder_without_a_run_is_refused(tmp_path: Path) -> None:
    done = _collect(tmp_path)
    assert done.returncode != 0
    assert f"{tmp_path} holds no finished `--models best_deskew` run" in done.stderr
    assert "Traceback" not in done.stderr
