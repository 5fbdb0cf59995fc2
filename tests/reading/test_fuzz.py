"""Property-based tests: any 2-D or 3-D pixel array gives valid candidate digits or the documented UserError."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from digit_recognizer.errors import UserError
from digit_recognizer.geometry import MNIST_SIZE
from digit_recognizer.reading.drawing import MIN_DIGIT_SIZE
from digit_recognizer.reading.segment import choose, propose

SIDES = st.integers(min_value=0, max_value=96)
SHAPES = st.one_of(
    st.tuples(SIDES, SIDES),
    st.tuples(SIDES, SIDES, st.integers(min_value=0, max_value=5)),
)
DTYPES = st.sampled_from([np.uint8, np.float32, np.float64])


def _pixel_arrays() -> st.SearchStrategy[np.ndarray]:
    """Blank, random and blocky images; floats include NaN, infinities and values far outside [0, 1]."""
    return st.tuples(DTYPES, SHAPES).flatmap(lambda spec: arrays(spec[0], spec[1]))


def _blocky_images() -> st.SearchStrategy[np.ndarray]:
    """Rectangles of ink on a blank sheet: the kind of input that does yield digits."""

    @st.composite
    def draw(data: st.DrawFn) -> np.ndarray:
        height, width = data(st.integers(1, 200)), data(st.integers(1, 200))
        image = np.zeros((height, width), np.uint8)
        for _ in range(data(st.integers(0, 6))):
            y0, x0 = data(st.integers(0, height - 1)), data(st.integers(0, width - 1))
            y1, x1 = data(st.integers(y0, height)), data(st.integers(x0, width))
            image[y0:y1, x0:x1] = data(st.integers(0, 255))
        return image

    return draw()


def _check(image: np.ndarray, min_size: float | None) -> None:
    try:
        candidates = propose(image, min_size)
    except UserError as error:
        assert str(error), "the error explains itself"
        return
    batch = candidates.batch
    assert batch.dtype == np.float32
    assert batch.ndim == 4 and batch.shape[1:] == (MNIST_SIZE, MNIST_SIZE, 1)
    assert batch.shape[0] == len(candidates.boxes) == len(candidates.spans) >= 0
    assert np.isfinite(batch).all() and ((batch >= 0.0) & (batch <= 1.0)).all()
    chosen = choose(candidates, np.random.default_rng(0).normal(size=len(candidates)))
    covered = {line: 0 for line in range(len(candidates.atoms_per_line))}
    for index in chosen:
        line, first, last = candidates.spans[index]
        assert first == covered[line], "the chosen candidates cover each line's atoms in order, once"
        covered[line] = last
    assert list(covered.values()) == candidates.atoms_per_line


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(image=_pixel_arrays(), min_size=st.sampled_from([None, MIN_DIGIT_SIZE]))
def test_any_array_gives_a_batch_or_an_image_error(image: np.ndarray, min_size: float | None) -> None:
    _check(image, min_size)


@settings(max_examples=200, deadline=None)
@given(image=_blocky_images(), inverted=st.booleans())
def test_shapes_of_ink_give_valid_batches(image: np.ndarray, inverted: bool) -> None:
    _check(255 - image if inverted else image, None)
