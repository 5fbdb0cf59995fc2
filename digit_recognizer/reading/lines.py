"""Where the ink is: connected pieces of ink, specks dropped, grouped into lines of writing.

Lines are found the way document-analysis systems find them: full-size pieces that overlap vertically with a
near neighbour share a line (so a row whose digits wander up and down, or slope, stays one line), and
lines separated by an empty band stay apart however close. Small pieces (a 5's bar, a 4's end) join the
line of the nearest full-size piece. Everything here is linear in the number of pixels plus quadratic in
the number of full-size pieces only, so dust on a scan costs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from scipy.sparse.csgraph import connected_components

# Unless told the smallest digit size, a piece whose longer side is under this fraction of the picture's
# shorter side is a speck; so is one under this fraction of the tallest piece.
SPECK_FRACTION = 0.03
SPECK_OF_TALLEST = 0.2
# A piece under this fraction of the median piece height is a part of a digit, not a digit.
MINOR_HEIGHT = 0.5
# Two full-size pieces share a line when their vertical overlap is at least this fraction of the smaller
# one's height and the horizontal gap between them at most this many heights of the larger.
LINE_OVERLAP = 0.2
LINE_GAP = 2.0
# Pieces one above the other with a vertical gap under this fraction of the taller one's height are one glyph
# broken in a stroke (a 2 whose join was lost, a 6's stem apart from its loop); lines of writing leave a visible
# band between them, a quarter of a digit height or more.
BROKEN_GAP = 0.15


@dataclass(frozen=True)
class Box:
    """A bounding box in pixel coordinates."""

    x: int
    y: int
    w: int
    h: int

    @property
    def right(self) -> int:
        return self.x + self.w

    @property
    def bottom(self) -> int:
        return self.y + self.h

    @property
    def centre(self) -> tuple[float, float]:
        return self.x + self.w / 2, self.y + self.h / 2

    def union(self, other: Box) -> Box:
        x, y = min(self.x, other.x), min(self.y, other.y)
        return Box(x, y, max(self.right, other.right) - x, max(self.bottom, other.bottom) - y)

    def scaled(self, factor: float) -> Box:
        return Box(*(round(v * factor) for v in (self.x, self.y, self.w, self.h)))

    def vertical_overlap(self, other: Box) -> int:
        return min(self.bottom, other.bottom) - max(self.y, other.y)

    def gap(self, other: Box) -> float:
        """Distance between the two boxes (0 when they overlap)."""
        dx = max(0, max(self.x, other.x) - min(self.right, other.right))
        dy = max(0, max(self.y, other.y) - min(self.bottom, other.bottom))
        return float(np.hypot(dx, dy))


@dataclass(frozen=True)
class Pieces:
    """The ink's connected pieces: a label image (0 = background) and each kept piece's label and box."""

    labels: np.ndarray
    ids: list[int]
    boxes: list[Box]


def pieces(mask: np.ndarray, min_size: float | None = None) -> Pieces:
    """Connected pieces of a binary ink mask, specks dropped (``min_size``: smallest digit's longer side)."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    boxes = [Box(*map(int, stats[i, :4])) for i in range(1, count)]
    tallest = max((box.h for box in boxes), default=0)
    smallest = max(min_size or SPECK_FRACTION * min(mask.shape), SPECK_OF_TALLEST * tallest)
    kept = [(i + 1, box) for i, box in enumerate(boxes) if max(box.w, box.h) >= smallest]
    return Pieces(labels=labels, ids=[i for i, _ in kept], boxes=[box for _, box in kept])


def _above_each_other(a: Box, b: Box) -> bool:
    """Sharing most of the narrower one's width, and overlapping vertically less than lines of one row do."""
    shared = min(a.right, b.right) - max(a.x, b.x)
    return shared >= 0.5 * min(a.w, b.w) and a.vertical_overlap(b) < LINE_OVERLAP * min(a.h, b.h)


def _broken(a: Box, b: Box) -> bool:
    """Two parts of one glyph: one above the other with hardly a gap between them."""
    return _above_each_other(a, b) and -a.vertical_overlap(b) < BROKEN_GAP * max(a.h, b.h)


def _stacked(a: Box, b: Box) -> bool:
    """One above the other with a visible band between them: on two lines."""
    return _above_each_other(a, b) and not _broken(a, b)


def glyphs(boxes: list[Box]) -> list[list[int]]:
    """Indices of ``boxes`` grouped into glyphs: a piece alone, or the parts of one broken glyph."""
    broken = np.array([[_broken(a, b) for b in boxes] for a in boxes], bool).reshape(len(boxes), len(boxes))
    _, glyph_of = connected_components(broken, directed=False)
    return [np.flatnonzero(glyph_of == glyph).tolist() for glyph in range(glyph_of.max(initial=-1) + 1)]


def enclosing(boxes: list[Box]) -> Box:
    """The smallest box holding all of ``boxes``."""
    box = boxes[0]
    for other in boxes[1:]:
        box = box.union(other)
    return box


def line_height(boxes: list[Box]) -> float:
    """The height of a line's digits: the median height of its full-size glyphs (parts such as bars left out)."""
    heights = np.array([enclosing([boxes[i] for i in glyph]).h for glyph in glyphs(boxes)], float)
    return float(np.median(heights[heights >= MINOR_HEIGHT * np.median(heights)]))


def one_glyph_per_line(boxes: list[Box], lines: list[list[int]]) -> bool:
    """Two lines of one glyph each: two digits, or one whose stroke broke far apart (a 5's bar lifted off up to
    its right, a 2's arc above its base)."""
    return len(lines) == 2 and all(len(glyphs([boxes[i] for i in line])) == 1 for line in lines)


def group_lines(boxes: list[Box]) -> list[list[int]]:
    """Indices of ``boxes`` grouped into lines, top line first, each line left to right."""
    if not boxes:
        return []
    parts = glyphs(boxes)
    units = [enclosing([boxes[i] for i in glyph]) for glyph in parts]
    lines = [[i for unit in line for i in parts[unit]] for line in _group_units(units)]
    return [sorted(line, key=lambda i: boxes[i].centre[0]) for line in lines]


def _group_units(boxes: list[Box]) -> list[list[int]]:
    """Indices of glyph ``boxes`` grouped into lines, top line first."""
    median = float(np.median([box.h for box in boxes]))
    major = [i for i, box in enumerate(boxes) if box.h >= MINOR_HEIGHT * median]
    parent = {i: i for i in major}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    members = {i: [i] for i in major}
    for position, i in enumerate(major):
        for j in major[position + 1 :]:
            a, b = boxes[i], boxes[j]
            overlaps = a.vertical_overlap(b) >= LINE_OVERLAP * min(a.h, b.h)
            first, second = root(i), root(j)
            if first == second or not overlaps or a.gap(b) > LINE_GAP * max(a.h, b.h):
                continue
            # A tall piece touching two lines (an X beside "47" over "25") must not join them.
            if not any(_stacked(boxes[k], boxes[m]) for k in members[first] for m in members[second]):
                parent[first] = second
                members[second] += members.pop(first)
    for i in set(range(len(boxes))) - set(major):
        nearest = min(major, key=lambda j: boxes[i].gap(boxes[j]))
        members[root(nearest)].append(i)
    return sorted(members.values(), key=lambda line: float(np.median([boxes[i].centre[1] for i in line])))
