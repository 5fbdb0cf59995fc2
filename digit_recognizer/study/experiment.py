"""The preprocessing study: does the way images are prepared change the error rate significantly?

Each model is trained with the original study's recipe once per (variant, seed); every run's test predictions are
kept in ``plots/study_runs.json`` (so an interrupted run of it resumes where it stopped) and compared with the
original [0, 1] preprocessing of the same seed by an exact McNemar test, pooled over seeds and
Holm-corrected over all comparisons.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from digit_recognizer import catalog, recipes
from digit_recognizer.catalog import DISPLAY_NAMES
from digit_recognizer.outputs import artifacts
from digit_recognizer.outputs.paths import PLOTS_DIRNAME, REPO_ROOT
from digit_recognizer.study import significance, variants
from digit_recognizer.training import precision
from digit_recognizer.training.config import RunConfig
from digit_recognizer.training.data import load_raw, split
from digit_recognizer.training.fit import fit, seed_everything

QUICK_LIMIT = 300


@dataclass
class StudyConfig:
    """What the preprocessing study trains and where it writes."""

    models: list[str] = field(default_factory=lambda: ["ann", "cnn"])
    variants: list[str] = field(default_factory=lambda: list(variants.VARIANTS))
    seeds: list[int] = field(default_factory=lambda: [1, 2, 3])
    epochs: int | None = None
    limit: int | None = None
    data: Path | None = None
    output_dir: Path = REPO_ROOT
    precision: str = "auto"
    quick: bool = False
    verbose: int = 1

    @property
    def stem(self) -> Path:
        """``plots/study`` (``plots/study_quick`` for a --quick run, which must not replace real results)."""
        return self.output_dir / PLOTS_DIRNAME / ("study_quick" if self.quick else "study")

    def run_config(self, seed: int) -> RunConfig:
        return RunConfig(seed=seed, precision=self.precision, verbose=0, data=self.data, limit=self.limit)


def run_key(model: str, variant: str, seed: int, recipe: recipes.Recipe, limit: int | None) -> str:
    return f"{model}|{variant}|{seed}|{recipe.epochs}|{recipe.lr:g}|{recipe.batch_size}|{limit}"


def run(config: StudyConfig) -> str:
    """Train every missing requested (model, variant, seed) run, then analyse every run on record.

    Runs accumulate: ``--models vgg16 --seeds 1`` adds VGG16 cells to the ANN and CNN ones already recorded,
    and all of them share one Holm correction. Returns the Markdown table.
    """
    raw = split(load_raw(config.data, require_full=config.limit is None), config.limit, variants.keep_uint8)
    policy = precision.resolve(config.precision)
    runs_path = Path(f"{config.stem}_runs.json")
    runs = _load(runs_path)
    for name in config.models:
        for variant_name in config.variants:
            recipe = _study_recipe(name, variant_name, config)
            keys = {seed: run_key(name, variant_name, seed, recipe, config.limit) for seed in config.seeds}
            missing = [seed for seed, key in keys.items() if key not in runs]
            if not missing:
                continue
            prepared = variants.prepare(raw, variants.VARIANTS[variant_name])
            for seed in missing:
                seed_everything(seed)
                precision.apply(policy)
                trained = fit(catalog.build(name), prepared, recipe, config.run_config(seed))
                predicted = trained.model.predict(prepared.x_test, batch_size=512, verbose=0).argmax(axis=1)
                error = float(np.mean(predicted != prepared.y_test))
                runs[keys[seed]] = {"model": name, "variant": variant_name, "seed": seed, "epochs": recipe.epochs,
                                    "test_error": error, "train_seconds": round(trained.seconds, 1),
                                    "predictions": "".join(map(str, predicted.tolist()))}
                artifacts.write_json(runs_path, runs)
                if config.verbose:
                    print(f"{DISPLAY_NAMES[name]:<5} {variant_name:<12} seed {seed}: test error {error:.2%} "
                          f"({trained.seconds:.0f} s)", flush=True)
    summary = analyse(on_record(runs, config), raw.y_test)
    return write_summary(summary, config)


def on_record(runs: dict[str, dict], config: StudyConfig) -> list[dict]:
    """The recorded runs made at this study's settings (a run with other epochs or another --limit is left out)."""
    return [item for key, item in runs.items()
            if key == run_key(item["model"], item["variant"], item["seed"],
                              _study_recipe(item["model"], item["variant"], config), config.limit)]


def _study_recipe(name: str, variant: str, config: StudyConfig) -> recipes.Recipe:
    """The model's own recipe (the study's settings), augmenting when the variant says so."""
    return replace(catalog.recipe_for(name, config.epochs), augment=variants.VARIANTS[variant].augment)


def analyse(runs: list[dict], y_test: np.ndarray) -> dict:
    """Per (model, variant): error mean ± sd; versus the original: pooled exact McNemar, Holm-corrected."""
    cells: dict[tuple[str, str], list[dict]] = {}
    for item in runs:
        cells.setdefault((item["model"], item["variant"]), []).append(item)
    rows = []
    for (model, variant), items in cells.items():
        errors = [item["test_error"] for item in items]
        row = {"model": model, "variant": variant, "seeds": sorted(item["seed"] for item in items),
               "error_mean": float(np.mean(errors)),
               "error_sd": float(np.std(errors, ddof=1)) if len(errors) > 1 else 0.0,
               "train_seconds_mean": float(np.mean([item["train_seconds"] for item in items]))}
        reference = {item["seed"]: item for item in cells.get((model, variants.ORIGINAL), [])}
        paired = [(reference[item["seed"]], item) for item in items if item["seed"] in reference]
        if variant != variants.ORIGINAL and paired:
            right = [(_correct(ref, y_test), _correct(item, y_test)) for ref, item in paired]
            pooled = significance.mcnemar_exact(np.concatenate([r for r, _ in right]),
                                                np.concatenate([v for _, v in right]))
            per_seed = [significance.mcnemar_exact(r, v).p_value for r, v in right]
            reference_mean = float(np.mean([ref["test_error"] for ref, _ in paired]))
            row |= {"paired_seeds": len(paired), "delta_points": 100 * (row["error_mean"] - reference_mean),
                    "only_original_right": pooled.only_reference_right,
                    "only_variant_right": pooled.only_variant_right,
                    "p_value": pooled.p_value, "p_per_seed": per_seed}
        rows.append(row)
    tested = [row for row in rows if "p_value" in row]
    for row, adjusted in zip(tested, significance.holm([row["p_value"] for row in tested]), strict=True):
        row["p_holm"] = adjusted
        row["significant"] = adjusted < significance.ALPHA
    order = {name: index for index, name in enumerate(variants.VARIANTS)}
    rows.sort(key=lambda row: (row["model"], order.get(row["variant"], 99)))
    return {"alpha": significance.ALPHA, "test_images": len(y_test), "rows": rows}


def _correct(item: dict, y_test: np.ndarray) -> np.ndarray:
    return np.frombuffer(item["predictions"].encode(), np.uint8) - ord("0") == y_test


def verdict(row: dict) -> str:
    if "p_holm" not in row:
        return "reference" if row["variant"] == variants.ORIGINAL else "no paired reference"
    direction = "fewer" if row["delta_points"] < 0 else "more"
    size = f"{abs(row['delta_points']):.2f} pts {direction} errors"
    return f"significant: {size}" if row["significant"] else f"not significant ({size})"


def markdown(summary: dict) -> str:
    lines = [
        "| model | preprocessing | test error % (mean ± sd) | seeds | Δ vs [0, 1] (pts) "
        "| discordant (orig./variant right) | p exact McNemar | p Holm | verdict (α = 0.05) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in summary["rows"]:
        tested = "p_holm" in row
        lines.append(
            f"| {DISPLAY_NAMES.get(row['model'], row['model'])} | {row['variant']} "
            f"| {100 * row['error_mean']:.2f} ± {100 * row['error_sd']:.2f} | {len(row['seeds'])} "
            f"| {row['delta_points']:+.2f} | {row['only_original_right']} / {row['only_variant_right']} "
            f"| {row['p_value']:.2g} | {row['p_holm']:.2g} | {verdict(row)} |"
            if tested else
            f"| {DISPLAY_NAMES.get(row['model'], row['model'])} | {row['variant']} "
            f"| {100 * row['error_mean']:.2f} ± {100 * row['error_sd']:.2f} | {len(row['seeds'])} "
            f"| — | — | — | — | {verdict(row)} |"
        )
    return "\n".join(lines) + "\n"


def write_summary(summary: dict, config: StudyConfig) -> str:
    from digit_recognizer.outputs.plots import plot_study

    descriptions = {name: variant.description for name, variant in variants.VARIANTS.items()}
    table = markdown(summary)
    legend = "\n".join(f"- `{name}`: {descriptions[name]}" for name in config.variants)
    artifacts.write_json(Path(f"{config.stem}.json"), summary | {"variants": descriptions})
    artifacts.write_text(Path(f"{config.stem}.md"), table + "\n" + legend + "\n")
    plot_study(summary, Path(f"{config.stem}.png"))
    return table


def _load(path: Path) -> dict:
    """The runs on record (none yet: empty)."""
    return artifacts.read_record(path, _runs, {})


# What every recorded run must hold for the analysis: its key fields and their types.
RUN_FIELDS = {"model": str, "variant": str, "seed": int, "epochs": int, "test_error": float, "predictions": str}


def _runs(data: object) -> dict:
    """The recorded runs, each checked before any training so a damaged entry stops the preprocessing study at once."""
    if not isinstance(data, dict):
        raise TypeError("not a JSON object of runs")
    for key, run in data.items():
        if not isinstance(run, dict):
            raise ValueError(f"run {key} is not a JSON object")
        wrong = [field for field, kind in RUN_FIELDS.items() if not isinstance(run.get(field), kind)
                 and not (kind is float and isinstance(run.get(field), int) and not isinstance(run.get(field), bool))]
        if wrong:
            raise ValueError(f"run {key} lacks {', '.join(wrong)} (or holds the wrong kind of value)")
    return data
