"""Where do misread numbers go wrong? Every wrong reading of the layouts, by the first step that failed.

The layouts of :mod:`benchmarks.layouts` are composed with every ink pixel's digit known, so each wrong
reading can be traced along the reading's steps (:func:`inference.read`):

- *no right cuts*: no candidates cover the drawing with one whole digit each, so the right reading could not
  be chosen (:func:`~digit_recognizer.synthetic.ownership.segmentable`);
- *too few items* / *too many items*: the right cuts were there; the reading holds fewer or more items than
  digits (digits merged or rejected whole, or a digit cut in two);
- *wrong cuts*: as many items as digits, but not each one whole digit (a 6's stem read as a 1 and its loop
  joined to the next digit);
- *misread*: every digit cut right, one read as another digit;
- *rejected*: every digit cut right, one rejected (not a digit, or too small).

Built from the *validation* digits by default (choosing what to improve must not look at the test digits),
with the same drawings as ``python -m benchmarks.layouts --source validation`` of the same seed.

    python -m benchmarks.layout_errors [--models best] [--layouts touching,two_lines,level] [--source validation]
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from benchmarks.common import load_readers, parser, save
from benchmarks.layouts import drawings, source_digits
from digit_recognizer import options
from digit_recognizer.reading.drawing import MIN_DIGIT_SIZE
from digit_recognizer.reading.inference import read
from digit_recognizer.reading.result import Reading
from digit_recognizer.reading.segment import propose
from digit_recognizer.reading.verdict import DIGIT, UNSURE
from digit_recognizer.synthetic.compose import LAYOUTS, Drawing
from digit_recognizer.synthetic.ownership import ownership, segmentable

# A candidate is one whole digit when at least this share of its ink is one digit's and it holds at least this
# share of that digit (the over-segmentation's own measure: tests/reading/test_lines.py).
WHOLE = 0.7
NO_RIGHT_CUTS, TOO_FEW, TOO_MANY, WRONG_CUTS, MISREAD, REJECTED = (
    "no right cuts", "too few items", "too many items", "wrong cuts", "misread", "rejected")
FAULTS = (NO_RIGHT_CUTS, TOO_FEW, TOO_MANY, WRONG_CUTS, MISREAD, REJECTED)


def fault(reading: Reading, drawing: Drawing) -> str:
    """The first step at which a reading of a composed drawing went wrong ("" when it is right)."""
    if reading.line_texts == drawing.lines:
        return ""
    candidates = propose(drawing.image, MIN_DIGIT_SIZE)
    if not segmentable(candidates, drawing.owners, WHOLE):
        return NO_RIGHT_CUTS
    digits = len("".join(drawing.lines))
    if len(reading) != digits:
        return TOO_FEW if len(reading) < digits else TOO_MANY
    owned = ownership(candidates, drawing.owners)
    whole = owned.whole(WHOLE)
    where = {(box.x, box.y, box.w, box.h): index for index, box in enumerate(candidates.boxes) if whole[index]}
    items = [where.get((box.x, box.y, box.w, box.h)) for box in reading.boxes]
    if any(index is None or owned.owner[index] != position + 1 for position, index in enumerate(items)):
        return WRONG_CUTS
    return MISREAD if all(status in (DIGIT, UNSURE) for status in reading.status) else REJECTED


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.set_defaults(models="best")
    p.add_argument("--layouts", type=options.name_list(LAYOUTS, "layout"), default=["touching", "two_lines", "level"],
                   help="layouts to trace (default: touching,two_lines,level)")
    p.add_argument("--per-layout", type=options.positive_int, default=300,
                   help="drawings per layout (default: 300)")
    p.add_argument("--source", choices=("validation", "test"), default="validation",
                   help="MNIST digits to compose from: validation (choosing what to improve) or test")
    args = p.parse_args()
    mnist_x, mnist_y = source_digits(args.data, args.source)
    made = [drawing for drawing in drawings(mnist_x, mnist_y, LAYOUTS, args.per_layout,
                                            np.random.default_rng(args.seed)) if drawing.layout in args.layouts]
    results: dict = {"source": args.source, "per_layout": args.per_layout, "models": {}}
    lines = [f"Numbers composed from MNIST {args.source} digits, {args.per_layout} per layout: each wrong reading by "
             "the first step that failed (`python -m benchmarks.layout_errors`).\n"]
    for name, reader in load_readers(args).items():
        per_layout: dict[str, dict] = {}
        for layout in args.layouts:
            faults, examples = Counter(), []
            for drawing in (drawing for drawing in made if drawing.layout == layout):
                reading = read(reader, drawing.image, MIN_DIGIT_SIZE)
                found = fault(reading, drawing)
                faults[found or "right"] += 1
                if found:
                    examples.append({"truth": " / ".join(drawing.lines), "read": " / ".join(reading.line_texts),
                                     "fault": found})
            per_layout[layout] = {"counts": {key: faults[key] for key in ("right", *FAULTS)}, "wrong": examples}
        results["models"][name] = per_layout
        lines += [f"\n**{name}**\n", "| layout | right | " + " | ".join(FAULTS) + " |",
                  "|---|" + "---:|" * (len(FAULTS) + 1)]
        lines += [f"| {layout} | " + " | ".join(str(row["counts"][key]) for key in ("right", *FAULTS)) + " |"
                  for layout, row in per_layout.items()]
        for layout, row in per_layout.items():
            for key in FAULTS:
                said = [f"{wrong['truth']} → {wrong['read'] or '(nothing)'}" for wrong in row["wrong"]
                        if wrong["fault"] == key]
                if said:
                    lines.append(f"\n{layout}, {key}: " + ", ".join(said))
    save(args.out_dir, "layout_errors", results, "\n".join(lines) + "\n")


if __name__ == "__main__":
    raise SystemExit(options.command(main))
