"""Which ink makes one digit: over-segmentation, then recognition chooses (the classic reading of strings).

Each line's pieces are first cut too finely: a piece wide enough to hold two digits is split along seams,
paths from top to bottom that cross as little ink as possible (so touching "00" is cut where the circles
meet, and a slanted pair along its slant). Runs of neighbouring atoms are the candidate digits — a 5's
detached bar with its body, a 4 drawn in two strokes, one half of a touching pair. :func:`propose` lists
them all as MNIST-like images; the caller scores each (how much it looks like one whole digit), and
:func:`choose` keeps, line by line, the partition of atoms with the best total score (dynamic programming).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from digit_recognizer.geometry import MNIST_SIZE, WIDE_SHAPE
from digit_recognizer.reading.lines import Box, enclosing, group_lines, line_height, one_glyph_per_line, pieces
from digit_recognizer.reading.preprocess import (
    ink_mask,
    shrink,
    stroke_width,
    to_grey,
    to_ink,
    to_mnist,
    to_wide,
)

# Pieces narrower than this many line heights are never cut (two touching 1s are about this narrow).
CUT_FROM_WIDTH = 0.25
# A seam may cross ink for at most this fraction of the piece's height.
CUT_MAX_INK = 0.8
# A sideways step of a seam costs this much, in rows of ink, so seams stay nearly vertical: of 0.05, 0.15, 0.3,
# 0.4, 0.5, 0.6, 1, 2 and 5, the lowest at which validation touching numbers read best without rejecting fewer of
# the fit family's non-digits (a seam free to wander follows a stroke; a rigid one cannot pass between two digits).
SEAM_STEP_COST = 0.3
SEAM_ROWS = 48
# Seams cross the middle row at least this many stroke widths from a piece's sides and from each other; a piece
# gets at most MAX_CUTS of them, those crossing the least ink: of 8, 10, 12 and 16, the fewest with which
# validation touching numbers read best (a 5-digit number needs four true cuts among them).
CUT_SPACING = 0.5
MAX_CUTS = 12
# A candidate digit of several atoms is at most this many line heights wide (its own height, if it is taller:
# _too_wide), unless it is one whole piece, and bridges no gap between neighbouring atoms wider than this many
# line heights (digits are written apart).
MAX_WIDTH = 1.5
MAX_GAP = 0.15
# A part cut off a piece of ink that is under this many line heights tall is a sliver, not a digit (the edge of
# a 6 or a 3's tip would read as a 1); so is a piece under the second height (a 5's detached bar): their log
# prior, which leaves them a digit of their own only where nothing can take them in.
MIN_PART_HEIGHT = 0.6
MIN_PIECE_HEIGHT = 0.45
SLIVER = -10.0
# A digit whose longer side is under this many stroke widths is a blob: the pen was too big for it.
TOO_SMALL = 3.0


@dataclass(frozen=True)
class Atom:
    """A part of the ink that is never split further: its box and its pixels within the box."""

    box: Box
    mask: np.ndarray  # bool (h, w)
    piece: int


@dataclass(frozen=True)
class Candidates:
    """Every candidate digit of a picture: its image, box, and which atoms of which line it spans."""

    batch: np.ndarray  # (n, 28, 28, 1) float32
    boxes: list[Box]
    masks: list[np.ndarray]  # bool, each candidate's ink within its box (at the working scale)
    spans: list[tuple[int, int, int]]  # (line, first atom, one past the last atom)
    too_small: np.ndarray  # (n,) bool
    cut_piece: np.ndarray  # (n,) bool: the candidate is a whole piece of ink that seams cut into several atoms
    prior: np.ndarray  # (n,): log prior of being a digit from its shape on the page alone (0, or SLIVER)
    cuts: list[np.ndarray]  # per line, per atom: whether a seam separates it from the atom before it
    wide: np.ndarray  # (m, *WIDE_SHAPE, 1) float32: each cut piece whole, as the digit counter reads it
    wide_of: np.ndarray  # (m,) int: the candidate that is that cut piece
    maybe_one_glyph: bool = False  # two lines of one glyph each: read them as one too

    def __len__(self) -> int:
        return len(self.boxes)

    def within(self, inner: int, outer: int) -> bool:
        """Whether candidate ``inner`` covers only atoms that candidate ``outer`` covers."""
        (line, first, last), (outer_line, outer_first, outer_last) = self.spans[inner], self.spans[outer]
        return line == outer_line and outer_first <= first and last <= outer_last

    @property
    def atoms_per_line(self) -> list[int]:
        return [len(cuts) for cuts in self.cuts]


def seams(mask: np.ndarray, line_height: float, pen: float) -> list[np.ndarray]:
    """Cuts through a wide piece: per seam, its column in every row of ``mask``, left to right."""
    height, width = mask.shape
    if width < CUT_FROM_WIDTH * line_height or height < 2:
        return []
    factor = SEAM_ROWS / height
    cols = max(2, round(width * factor))
    cost = cv2.resize(mask.astype(np.float32), (cols, SEAM_ROWS), interpolation=cv2.INTER_AREA)
    total = cost[0].copy()
    wall = np.full(1, np.inf, cost.dtype)
    came_from = np.zeros((SEAM_ROWS, cols), np.int64)
    for row in range(1, SEAM_ROWS):
        left = np.concatenate((wall, total[:-1])) + SEAM_STEP_COST
        right = np.concatenate((total[1:], wall)) + SEAM_STEP_COST
        options = np.stack([left, total, right])
        step = options.argmin(axis=0)
        came_from[row] = np.arange(cols) + step - 1
        total = options[step, np.arange(cols)] + cost[row]
    margin = CUT_SPACING * pen * factor
    straight = cost.sum(axis=0)
    # Cuts end in valleys of the cost: seams that bend round the ink, and straight cuts where the column
    # profile dips (where two upright strokes touch along a stretch, no bending seam goes through the contact).
    options = [(float(total[col]), _backtrack(came_from, int(col))) for col in _valleys(total)]
    options += [(float(straight[col]), np.full(SEAM_ROWS, float(col))) for col in _valleys(straight)]
    # Seams are told apart, and kept off the piece's sides, by where they cross the middle row: seams that end
    # in one column can pass on either side of a stroke higher up.
    chosen: list[float] = []
    paths: list[np.ndarray] = []
    for ink, path in sorted(options, key=lambda option: option[0]):
        if len(chosen) == MAX_CUTS:
            break
        middle = float(path[SEAM_ROWS // 2])
        inside = margin <= middle <= cols - 1 - margin and ink <= CUT_MAX_INK * SEAM_ROWS
        if inside and all(abs(middle - other) >= margin for other in chosen):
            chosen.append(middle)
            paths.append(path)
    rows = (np.arange(height) + 0.5) * factor - 0.5
    return [np.interp(rows, np.arange(SEAM_ROWS), (paths[index] + 0.5) / factor) for index in np.argsort(chosen)]


def _valleys(cost: np.ndarray) -> np.ndarray:
    """Local minima of a cost along the columns (the first column of a flat valley)."""
    padded = np.r_[np.inf, cost, np.inf]
    return np.nonzero((padded[1:-1] < padded[:-2]) & (padded[1:-1] <= padded[2:]))[0]


def _backtrack(came_from: np.ndarray, end: int) -> np.ndarray:
    path = np.empty(len(came_from), np.float64)
    col = end
    for row in range(len(came_from) - 1, -1, -1):
        path[row] = col
        col = came_from[row, col]
    return path


def _atoms(labels: np.ndarray, piece_id: int, box: Box, line_height: float, pen: float) -> list[Atom]:
    mask = labels[box.y : box.bottom, box.x : box.right] == piece_id
    cuts = seams(mask, line_height, pen)
    if not cuts:
        return [Atom(box, mask, piece_id)]
    columns = np.arange(box.w)[None, None, :]
    side = (columns >= np.stack(cuts)[:, :, None]).sum(axis=0)
    atoms = []
    for index in range(len(cuts) + 1):
        part = mask & (side == index)
        ys, xs = np.nonzero(part)
        if len(ys):
            sub = Box(int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1))
            atoms.append(Atom(Box(box.x + sub.x, box.y + sub.y, sub.w, sub.h),
                              part[sub.y : sub.bottom, sub.x : sub.right], piece_id))
    return atoms


def _atom_map(atoms: list[Atom]) -> tuple[Box, np.ndarray]:
    """Which atom each pixel of a line belongs to (-1: none), within the box of them all: atoms never share a
    pixel, so a run of atoms is a range of these numbers."""
    box = enclosing([atom.box for atom in atoms])
    owner = np.full((box.h, box.w), -1, np.int32)
    for index, atom in enumerate(atoms):
        top, left = atom.box.y - box.y, atom.box.x - box.x
        owner[top : top + atom.box.h, left : left + atom.box.w][atom.mask] = index
    return box, owner


def _whole_piece(atoms: list[Atom], line_atoms: list[Atom]) -> bool:
    """Whether the atoms are exactly one uncut piece of ink, which is always a candidate whatever its size."""
    whole = {atom.piece for atom in atoms}
    return len(whole) == 1 and sum(atom.piece in whole for atom in line_atoms) == len(atoms)


def _too_wide(atoms: list[Atom], box: Box, digit_height: float) -> bool:
    """Whether a run of atoms (``box`` encloses them) is too wide to be one digit: wider than MAX_WIDTH times the
    line's digit height or its own height, whichever is more, leaving out atoms too short to be digits themselves.
    A 5 whose bar was lifted off up to its right is taller than the line's other glyphs and wider than its body."""
    full_size = [atom.box for atom in atoms if atom.box.h >= MIN_PIECE_HEIGHT * digit_height]
    width = enclosing(full_size).w if full_size else box.w
    return width > MAX_WIDTH * max(digit_height, box.h)


def propose(image: np.ndarray, min_size: float | None = None, one_glyph: bool = False) -> Candidates:
    """Every candidate digit in a picture (``min_size``: the smallest digit's longer side, if known); with
    ``one_glyph``, all its ink is one line as tall as the ink (a digit broken far apart in a stroke)."""
    ink, factor = shrink(to_ink(to_grey(image)))
    mask = ink_mask(ink)
    found = pieces(mask, min_size / factor if min_size else None)
    lines = group_lines(found.boxes)
    maybe_one_glyph = not one_glyph and one_glyph_per_line(found.boxes, lines)
    if one_glyph and found.boxes:
        lines = [[i for line in lines for i in line]]
    images, boxes, masks, spans, small, cut_piece, prior, cuts = [], [], [], [], [], [], [], []
    wide, wide_of = [], []
    kernel = np.ones((3, 3), np.uint8)
    for line_index, line in enumerate(lines):
        line_boxes = [found.boxes[i] for i in line]
        digit_height = enclosing(line_boxes).h if one_glyph else line_height(line_boxes)
        pen = stroke_width(np.isin(found.labels, [found.ids[i] for i in line]).astype(np.uint8))
        atoms = [atom for i in line for atom in _atoms(found.labels, found.ids[i], found.boxes[i], digit_height, pen)]
        atoms.sort(key=lambda atom: atom.box.centre[0])
        cuts.append(np.array([index > 0 and atom.piece == atoms[index - 1].piece
                              for index, atom in enumerate(atoms)], bool))
        reach = np.maximum.accumulate([atom.box.right for atom in atoms])
        gaps = [atom.box.x - reach[index - 1] if index else 0 for index, atom in enumerate(atoms)]
        line_box, owner = _atom_map(atoms)
        for first in range(len(atoms)):
            box = atoms[first].box
            for last in range(first + 1, len(atoms) + 1):
                # Parts of one piece that a seam cut apart are never too far apart to join again.
                if last > first + 1 and gaps[last - 1] > MAX_GAP * digit_height and not cuts[-1][last - 1]:
                    break
                box = box.union(atoms[last - 1].box)
                whole = _whole_piece(atoms[first:last], atoms)
                if last - first > 1 and not whole and _too_wide(atoms[first:last], box, digit_height):
                    continue
                top, left = box.y - line_box.y, box.x - line_box.x
                owners = owner[top : top + box.h, left : left + box.w]
                group_mask = (owners >= first) & (owners < last)
                region = ink[box.y : box.bottom, box.x : box.right]
                crop = np.where(cv2.dilate(group_mask.astype(np.uint8), kernel) > 0, region, 0).astype(np.uint8)
                stroke = stroke_width(group_mask.astype(np.uint8))
                images.append(to_mnist(crop, stroke))
                boxes.append(box.scaled(factor))
                masks.append(group_mask)
                spans.append((line_index, first, last))
                small.append(max(box.w, box.h) < TOO_SMALL * stroke)
                cut_piece.append(last - first > 1 and whole)
                if cut_piece[-1]:
                    wide.append(to_wide(crop, stroke))
                    wide_of.append(len(images) - 1)
                cut_off = cuts[-1][first] or (last < len(atoms) and cuts[-1][last])
                shortest = (MIN_PART_HEIGHT if cut_off else MIN_PIECE_HEIGHT) * digit_height
                prior.append(SLIVER if box.h < shortest else 0.0)
    batch = np.asarray(images, np.float32).reshape(-1, MNIST_SIZE, MNIST_SIZE, 1)
    return Candidates(batch=batch, boxes=boxes, masks=masks, spans=spans, too_small=np.asarray(small, bool),
                      cut_piece=np.asarray(cut_piece, bool), prior=np.asarray(prior, np.float32), cuts=cuts,
                      wide=np.asarray(wide, np.float32).reshape(-1, *WIDE_SHAPE, 1), wide_of=np.asarray(wide_of, int),
                      maybe_one_glyph=maybe_one_glyph)


def choose(candidates: Candidates, scores: np.ndarray, counts: dict[int, np.ndarray] | None = None,
           slots: dict[int, np.ndarray] | None = None) -> list[int]:
    """Per line, the candidates that cover its atoms once each with the highest total of score and prior,
    in reading order. ``counts``: for a cut piece (its whole-piece candidate's index), a log prior of its ink
    holding 1, 2, … digits, added to the readings of that piece's atoms as that many items; ``slots``: for a
    counted piece, what its candidates add read as each item of each count (``_counted_reading``)."""
    counts, slots = counts or {}, slots or {}
    total = scores + candidates.prior
    chosen: list[int] = []
    for line, count in enumerate(candidates.atoms_per_line):
        counted = [(candidates.spans[piece][1], candidates.spans[piece][2], log_prior, slots.get(piece))
                   for piece, log_prior in counts.items() if candidates.spans[piece][0] == line]
        # Edges of the line's path over its atoms: one candidate, or a counted piece read as a number of items.
        ending: dict[int, list[tuple[int, float, list[int]]]] = {}
        for index, (span_line, first, last) in enumerate(candidates.spans):
            if span_line == line and not any(start <= first and last <= end for start, end, *_ in counted):
                ending.setdefault(last, []).append((first, float(total[index]), [index]))
        for start, end, log_prior, piece_slots in counted:
            inside = [index for index, (span_line, first, last) in enumerate(candidates.spans)
                      if span_line == line and start <= first and last <= end]
            ending.setdefault(end, []).append((start, *_counted_reading(candidates, total, inside, start, end,
                                                                        log_prior, piece_slots)))
        best = np.full(count + 1, -np.inf)
        best[0] = 0.0
        back: list[tuple[int, list[int]]] = [(-1, [])] * (count + 1)
        for end in range(1, count + 1):
            for first, score, items in ending.get(end, []):
                if best[first] + score > best[end]:
                    best[end], back[end] = best[first] + score, (first, items)
        path: list[int] = []
        end = count
        while end > 0:
            end, items = back[end]
            path = items + path
        chosen += path
    return chosen


def _counted_reading(candidates: Candidates, total: np.ndarray, inside: list[int], start: int, end: int,
                     log_prior: np.ndarray, slots: np.ndarray | None = None) -> tuple[float, list[int]]:
    """The best reading of a piece's atoms ``start``–``end`` as k of the ``inside`` candidates, for the k whose
    total plus ``log_prior[k - 1]`` is highest: the score and the candidates. ``slots[k - 1, j, index]``: a score
    added to candidate ``index`` read as the j-th of k items."""
    order = sorted(inside, key=lambda index: candidates.spans[index][2])
    best_score, best_items = -np.inf, []
    for k in range(1, len(log_prior) + 1):
        best = np.full((end - start + 1, k + 1), -np.inf)
        best[0, 0] = 0.0
        back = np.full((end - start + 1, k + 1), -1)
        for index in order:
            first, last = candidates.spans[index][1] - start, candidates.spans[index][2] - start
            reach = best[first, :-1] + total[index] + (0.0 if slots is None else slots[k - 1, :k, index])
            better = reach > best[last, 1:]
            best[last, 1:][better] = reach[better]
            back[last, 1:][better] = index
        score = best[-1, k] + log_prior[k - 1]
        if not score > best_score:
            continue
        items: list[int] = []
        position = end - start
        for left in range(k, 0, -1):
            index = int(back[position, left])
            items.append(index)
            position = candidates.spans[index][1] - start
        best_score, best_items = float(score), items[::-1]
    return best_score, best_items
