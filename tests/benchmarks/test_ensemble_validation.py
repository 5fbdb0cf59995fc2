"""The ensemble-selection arithmetic: averaged probabilities, and mean errors over every subset of seeds."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from benchmarks.ensemble_validation import errors, subsets
from digit_recognizer.training.data import RawMnist


def _votes(*digits: int) -> np.ndarray:
    """One member's probabilities: 0.6 on the given digit of each image, the rest spread evenly."""
    probabilities = np.full((len(digits), 10), 0.4 / 9)
    probabilities[np.arange(len(digits)), digits] = 0.6
    return probabilities


def test_averaging_fixes_what_most_members_read_right() -> None:
    labels = np.array([1, 2, 3])
    members = [_votes(1, 2, 9), _votes(1, 7, 3), _votes(4, 2, 3)]
    assert [errors([member], labels) for member in members] == [1, 1, 1]
    assert errors(members, labels) == 0


def test_subsets_average_over_every_choice_of_seeds() -> None:
    labels = np.array([1, 2])
    kinds = {"best": [_votes(1, 2), _votes(1, 5)], "best_deskew": [_votes(7, 2), _votes(7, 5)]}
    rows = {row["ensemble"]: row for row in subsets(kinds, labels)}
    assert rows["1 Best CNN"]["mean_errors"] == 0.5
    assert rows["1 Best CNN, deskewed"]["mean_errors"] == 1.5
    # 1 + 1: four pairs; ties between 0.6 on two digits go to the lower digit index.
    assert rows["1 of each kind"]["members"] == 2
    pairs = [errors([a, b], labels) for a in kinds["best"] for b in kinds["best_deskew"]]
    assert rows["1 of each kind"]["mean_errors"] == np.mean(pairs)
    assert rows["2 of each kind"]["mean_errors"] == errors(kinds["best"] + kinds["best_deskew"], labels)


def test_misread_digits_grid_shows_every_digit(tmp_path: Path, mnist: RawMnist) -> None:
    import matplotlib.image

    from digit_recognizer.outputs.plots import plot_digits

    shapes = {}
    for count in (8, 11):
        images = mnist.x_test[:count].astype("float32")[..., None] / 255
        captions = [f"{label} read {(label + 1) % 10}" for label in mnist.y_test[:count]]
        path = tmp_path / f"errors{count}.png"
        plot_digits(images, captions, [index % 2 == 0 for index in range(count)], f"{count} digits", path)
        picture = matplotlib.image.imread(path)
        assert picture[..., :3].min() < 0.2 and picture[..., :3].max() > 0.9
        shapes[count] = picture.shape
    # Eight digits fill one row; the ninth to eleventh start a second one.
    assert shapes[11][0] > 1.5 * shapes[8][0] and shapes[11][1] == shapes[8][1]
