"""How fast could a training step be? The step with part of its work taken out, plus that work at the best rate.

A profile gives each op's time, but TensorFlow runs two ops at once on two cores, so op times do not say how
much wall time a faster kernel would save. This measures it. The project's defaults train as ``python test.py``
does, three ways in every round, next to the seed's way:

- whole;
- without the convolutions' weight gradients: zeros instead, the forward pass and the input gradients kept;
- without the convolutions: zeros out, zeros back, everything else kept (activations, pooling, the dense
  layers, the optimizer's update of every weight, the casts).

No kernel can do a part's multiply-adds faster than this CPU's best matrix-product rate
(``step_profile.matmul_peak``, measured in each round), so a step with that part at its best can be no faster than

    bound = the step without the part + the part's FLOP / the best rate,

and the ratio to the seed's way can be no higher than the seed's step / bound. Steady pace as
``benchmarks.training_speed`` measures it; medians over the rounds, the ceilings' range in brackets.

    python -m benchmarks.step_bound [--models vgg16,cnn] [--rounds 3] [--steps N]
"""

from __future__ import annotations

import statistics
from collections.abc import Callable

import keras
import numpy as np

from benchmarks.common import cpu_name, median_range, parser, save
from benchmarks.step_profile import matmul_peak
from benchmarks.training_speed import BATCH, PROJECT, SEED, SETTINGS, STEPS, compiled_model, project_default, train_pace
from digit_recognizer import catalog, options
from digit_recognizer.training import conv_gradients, precision
from digit_recognizer.training.data import load_splits

WITHOUT_WEIGHT_GRADIENTS, WITHOUT_CONVOLUTIONS = "without weight gradients", "without convolutions"
ONE_PIXEL = "one-pixel weight gradients"


def convolution_flops(model: keras.Model, batch: int = BATCH) -> dict[str, float]:
    """FLOP per step of the model's convolutions: forward, input gradients and weight gradients.

    Every kernel tap counts, as the kernels compute them, except on one-pixel maps, which run as one product with
    the live tap (``training.conv_gradients``); their weight gradients are counted apart, as
    ``without_weight_gradients`` keeps them. The first layer's input needs no gradient.
    """
    taps = conv_gradients.one_pixel_taps(model)
    work = {"forward": 0.0, "input gradients": 0.0, "weight gradients": 0.0, ONE_PIXEL: 0.0}
    for index, layer in enumerate(model.layers):
        if not isinstance(layer, keras.layers.Conv2D):
            continue
        rows, cols, channels_in, channels_out = layer.kernel.shape
        _, height, width, _ = layer.output.shape
        live = 1 if layer.kernel.path in taps else rows * cols
        pass_flops = 2.0 * batch * height * width * live * channels_in * channels_out
        work["forward"] += pass_flops
        work[ONE_PIXEL if layer.kernel.path in taps else "weight gradients"] += pass_flops
        work["input gradients"] += pass_flops if index > 0 else 0.0
    return work


def without_weight_gradients(model: keras.Model) -> None:
    """Every convolution gets zeros for its kernel's gradient; what computed it is pruned from the graph.

    Layers on one-pixel maps read their live tap from the variable, not from the kernel they are passed, so their
    one small product stays.
    """
    import tensorflow as tf

    @tf.custom_gradient
    def frozen(kernel):
        return tf.identity(kernel), lambda upstream: tf.zeros_like(kernel)

    for layer in _convolutions(model):
        # A float32 layer passes its variable: read it first, so the (zero) gradient flows to it through the read.
        layer.convolution_op = lambda inputs, kernel, run=layer.convolution_op: run(
            inputs, frozen(tf.convert_to_tensor(kernel)))


def without_convolutions(model: keras.Model) -> None:
    """Every convolution outputs zeros of its shape and passes zeros back to its input and kernel."""
    import tensorflow as tf

    def nothing(layer: keras.layers.Conv2D) -> Callable:
        @tf.custom_gradient
        def zeros(inputs, kernel):
            shape = [tf.shape(inputs)[0], *layer.compute_output_shape(inputs.shape)[1:]]
            return tf.zeros(shape, inputs.dtype), lambda upstream: (tf.zeros_like(inputs), tf.zeros_like(kernel))

        return lambda inputs, kernel: zeros(inputs, tf.convert_to_tensor(kernel))

    for layer in _convolutions(model):
        layer.convolution_op = nothing(layer)


def _convolutions(model: keras.Model) -> list[keras.layers.Conv2D]:
    return [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]


ARMS: dict[str, Callable[[keras.Model], None] | None] = {
    PROJECT: None, WITHOUT_WEIGHT_GRADIENTS: without_weight_gradients, WITHOUT_CONVOLUTIONS: without_convolutions}


def one_round(name: str, x: np.ndarray, y: np.ndarray, steps: int) -> dict[str, float]:
    """Milliseconds per step of the seed's way and of each arm, and the best rate, measured one after the other."""
    arms = {SEED: (SETTINGS[SEED], None)} | {arm: (project_default(), alter) for arm, alter in ARMS.items()}
    figures = {arm: 1000 * BATCH / train_pace(compiled_model(name, setting, alter), setting, x, y, steps)
               for arm, (setting, alter) in arms.items()}
    figures["best_gflops"] = matmul_peak(project_default().policy)
    precision.apply(precision.FLOAT32)
    return figures


def bounds(measured: dict[str, float], work: dict[str, float]) -> dict[str, float]:
    """The fastest step with the weight gradients, or all convolutions, at the best rate, and the ratio ceilings."""
    rate = measured["best_gflops"] * 1e6  # FLOP per millisecond
    seed, project = measured[SEED], measured[PROJECT]
    weight_gradients_ms, convolutions_ms = work["weight gradients"] / rate, sum(work.values()) / rate
    weight_gradients_bound = measured[WITHOUT_WEIGHT_GRADIENTS] + weight_gradients_ms
    convolutions_bound = measured[WITHOUT_CONVOLUTIONS] + convolutions_ms
    return {"ratio": seed / project,
            "weight_gradients_bound_ms": weight_gradients_bound,
            "weight_gradients_ceiling": seed / weight_gradients_bound,
            "convolutions_bound_ms": convolutions_bound, "convolutions_ceiling": seed / convolutions_bound,
            # Nothing but the convolutions' work at the best rate: a ceiling no change to the rest can pass.
            "convolutions_alone_ms": convolutions_ms, "convolutions_alone_ceiling": seed / convolutions_ms,
            # What the part costs the step now, in ms, and the share of that its work would take at the best rate.
            "weight_gradients_cost_ms": project - measured[WITHOUT_WEIGHT_GRADIENTS],
            "weight_gradients_efficiency": weight_gradients_ms / (project - measured[WITHOUT_WEIGHT_GRADIENTS]),
            "convolutions_cost_ms": project - measured[WITHOUT_CONVOLUTIONS],
            "convolutions_efficiency": convolutions_ms / (project - measured[WITHOUT_CONVOLUTIONS])}


def report(results: dict) -> str:
    """The table and a note per model, from ``results`` as ``main`` saves them."""
    rows, notes = [], []
    for name, measured in results["models"].items():
        rounds, work = measured["rounds"], {part: gflop * 1e9 for part, gflop in measured["gflop_per_step"].items()}
        ms = {arm: statistics.median(one[arm] for one in rounds) for arm in rounds[0]}
        column = {key: [one[key] for one in measured["bounds"]] for key in measured["bounds"][0]}
        rows.append(
            f"| {name.upper()} | {ms[SEED]:.1f} | {ms[PROJECT]:.1f} | {median_range(column['ratio'])} "
            f"| {ms[WITHOUT_WEIGHT_GRADIENTS]:.1f} | {work['weight gradients'] / 1e9:.2f} "
            f"| {statistics.median(column['weight_gradients_bound_ms']):.1f} "
            f"| {median_range(column['weight_gradients_ceiling'])} "
            f"| {ms[WITHOUT_CONVOLUTIONS]:.1f} | {sum(work.values()) / 1e9:.2f} "
            f"| {statistics.median(column['convolutions_bound_ms']):.1f} "
            f"| {median_range(column['convolutions_ceiling'])} |")
        best, percent = [one["best_gflops"] for one in rounds], {"unit": "%", "scale": 100, "digits": 0}
        notes.append(
            f"- {name.upper()}: best rate {median_range(best, ' GFLOP/s', digits=0)}. The weight gradients cost "
            f"the step {median_range(column['weight_gradients_cost_ms'], ' ms', digits=1)}; at the best rate their "
            f"work would take {median_range(column['weight_gradients_efficiency'], **percent)} of that. All "
            f"convolutions cost it {median_range(column['convolutions_cost_ms'], ' ms', digits=1)}; at the best "
            f"rate, {median_range(column['convolutions_efficiency'], **percent)} of that: "
            f"{median_range(column['convolutions_alone_ms'], ' ms', digits=1)}. With nothing else in the step, the "
            f"ratio could reach {median_range(column['convolutions_alone_ceiling'])}.")
    return (f"`python -m benchmarks.step_bound` on {results['cpu']}; batch {results['batch_size']}, the project's "
            f"defaults against the seed's way, ms per step, medians of {results['rounds']} rounds (each measuring "
            "every arm in turn), ranges in brackets. A bound is the step without the part plus the part's GFLOP at "
            "the round's best matrix-product rate; a ceiling is the seed's step over that bound.\n\n"
            "| model | seed's way | project | ratio | without weight gradients | their GFLOP | bound | ceiling "
            "| without convolutions | their GFLOP | bound | ceiling |\n"
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n" + "\n".join(rows) + "\n\n"
            + "\n".join(notes) + "\n")


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.set_defaults(models=["vgg16", "cnn"])
    p.add_argument("--steps", type=options.positive_int, default=None,
                   help=f"training batches timed per arm (default: {STEPS})")
    p.add_argument("--rounds", type=options.positive_int, default=3,
                   help="measure every arm in turn this many times (default: 3)")
    args = p.parse_args()
    splits = load_splits(args.data)
    results: dict = {"cpu": cpu_name(), "batch_size": BATCH, "rounds": args.rounds, "models": {}}
    for name in args.models:
        work = convolution_flops(catalog.build(name))
        rounds = [one_round(name, splits.x_train, splits.y_train, args.steps or STEPS.get(name, 96))
                  for _ in range(args.rounds)]
        results["models"][name] = {"gflop_per_step": {part: flop / 1e9 for part, flop in work.items()},
                                   "rounds": rounds, "bounds": [bounds(measured, work) for measured in rounds]}
    save(args.out_dir, "step_bound", results, report(results))


if __name__ == "__main__":
    raise SystemExit(options.command(main))
