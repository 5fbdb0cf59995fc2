"""The run's results table: one record per model in ``results.json`` and ``results.md``."""

from __future__ import annotations

import platform
from pathlib import Path

from digit_recognizer.catalog import DISPLAY_NAMES
from digit_recognizer.outputs.artifacts import read_record, write_json, write_text


def library_versions() -> dict[str, str]:
    import keras
    import numpy
    import sklearn
    import tensorflow

    return {
        "python": platform.python_version(),
        "tensorflow": tensorflow.__version__,
        "keras": keras.__version__,
        "numpy": numpy.__version__,
        "scikit-learn": sklearn.__version__,
    }


def load(path: Path) -> dict[str, dict]:
    """Existing records, so training one model updates its row and keeps the others'.

    A missing file is an empty table; a damaged one raises ``UserError`` rather than being rewritten
    with only this run's rows.
    """
    return read_record(path, lambda data: {name: _checked(name, row) for name, row in data["models"].items()}, {})


# What every row must hold, and of which kind, for the results table to be written from it.
ROW_FIELDS = ("train_accuracy", "val_accuracy", "test_accuracy", "test_loss", "parameters", "epochs", "lr",
              "batch_size", "train_seconds")


def _checked(name: str, row: dict) -> dict:
    """A row of ``results.json`` as the table needs it; checked before any training, not after."""
    if not isinstance(row, dict):
        raise ValueError(f"the row for {name} is not a JSON object")
    missing = [field for field in ROW_FIELDS if field not in row]
    if missing:
        raise ValueError(f"the row for {name} lacks {', '.join(missing)}")
    wrong = [field for field in ROW_FIELDS if isinstance(row[field], bool) or not isinstance(row[field], int | float)]
    if wrong:
        raise ValueError(f"the row for {name} has {', '.join(wrong)} that are not numbers")
    return dict(row)


def load_seeds(path: Path) -> dict[int, dict]:
    """The per-seed rows of a ``plots/{model}_seeds.json`` table by seed; empty when none was collected yet."""
    return read_record(path, lambda data: {row["seed"]: dict(row) for row in data["seeds"]}, {})


def save(records: dict[str, dict], json_path: Path, md_path: Path) -> str:
    """Write both files and return the Markdown table."""
    ordered = {name: records[name] for name in sorted(records, key=_order)}
    write_json(json_path, {"models": ordered})
    table = markdown_table(ordered)
    write_text(md_path, table)
    return table


def _order(name: str) -> tuple[int, str]:
    known = list(DISPLAY_NAMES)
    return (known.index(name) if name in known else len(known), name)


def markdown_table(records: dict[str, dict]) -> str:
    """Accuracies in percent with the settings and cost of each model."""
    header = (
        "| model | train acc % | val acc % | test acc % | test loss | parameters | epochs | lr | batch | "
        "train s |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    rows = []
    for name, record in records.items():
        rows.append(
            f"| {DISPLAY_NAMES.get(name, name)} | {100 * record['train_accuracy']:.2f} "
            f"| {100 * record['val_accuracy']:.2f} | {100 * record['test_accuracy']:.2f} "
            f"| {record['test_loss']:.4f} | {record['parameters']:,} | {record['epochs']} "
            f"| {record['lr']:g} | {record['batch_size']} | {record['train_seconds']:.0f} |"
        )
    return header + "\n".join(rows) + "\n"
