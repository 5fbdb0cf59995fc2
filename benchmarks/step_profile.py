"""Where one training step's time goes: convolutions, dense layers, the optimizer, casts, reorders, overhead.

Trains the model exactly as ``python test.py`` does (the study's recipe: Adam, batch 32; the project's
precision and steps per execution) and profiles one whole compiled execution twice, each in its own process:

- TensorFlow's profiler: every op's time, grouped into the parts of a step, plus the wall time the Python
  and Keras side adds between the compiled calls;
- oneDNN's own log (``ONEDNN_VERBOSE=profile_exec``): every primitive that ran, which kernel (AMX,
  AVX512-BF16 or plain AVX-512) and how long, with the convolutions' and matmuls' achieved GFLOP/s against
  this CPU's measured matmul peak in the step's compute precision.

``--seed-way`` profiles the seed's way instead (float32, Keras's Adam and batch norm, TensorFlow's weight
gradients, one batch per compiled call), so the two profiles say how close each runs to its precision's peak.

    python -m benchmarks.step_profile --model vgg16 [--seed-way] [--keras-adam] [--tf-conv-gradients] ...
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

from benchmarks.common import cpu_name, save
from digit_recognizer import catalog, options
from digit_recognizer.errors import UserError
from digit_recognizer.outputs.paths import REPO_ROOT, RESULTS_DIR
from digit_recognizer.training import conv_gradients, precision
from digit_recognizer.training.cli import add_kernel_options
from digit_recognizer.training.config import RunConfig

BATCH = 32
# The switches back to Keras's and TensorFlow's own kernels (training.cli.add_kernel_options), as attributes.
KERNEL_SWITCHES = ("keras_adam", "tf_conv_gradients", "keras_batch_norm")
BEGIN, END, RESULT = "STEP_PROFILE_BEGIN", "STEP_PROFILE_END", "STEP_PROFILE_RESULT "
# The parts of a step, in the order the table shows them.
PARTS = ("convolution forward", "convolution backward-data", "convolution backward-weights", "dense layers",
         "pooling", "batch norm", "activations", "loss and metrics", "optimizer update", "precision casts",
         "layout reorders", "other ops")
# A oneDNN log line: primitive kind, implementation, propagation kind, ..., problem descriptor, milliseconds.
ONEDNN_LINE = re.compile(r"^onednn_verbose,(?:v\d+,)?primitive,exec,cpu,(?P<kind>[\w_]+),(?P<impl>[^,]*),"
                         r"(?P<prop>[\w_]+),.*,(?P<problem>[^,]*),(?P<ms>[\d.]+)$")


def part_of(op: str) -> str:
    """The part of a step a TensorFlow op (``scope/name:OpType`` as the profiler names it) belongs to."""
    scope, _, kind = op.rpartition(":")
    scope = scope.lower()
    if conv_gradients.SCOPE in scope and kind != "Cast":
        return "convolution backward-weights"
    if conv_gradients.PIXEL_INPUT_GRADIENT_SCOPE in scope:
        return "convolution backward-data"
    if conv_gradients.PIXEL_FORWARD_SCOPE in scope and kind != "Cast":
        return "convolution forward"
    if {"adam", "fused_adam"} & set(scope.split("/")) or kind.startswith("ResourceApply"):
        return "optimizer update"
    if kind == "Cast":
        return "precision casts"
    if "Conv2DBackpropFilter" in kind:
        return "convolution backward-weights"
    if "Conv2DBackpropInput" in kind:
        return "convolution backward-data"
    if "Conv2D" in kind:
        return "convolution forward"
    if "MatMul" in kind:
        return "dense layers"
    if "Pool" in kind:
        return "pooling"
    if "batchnorm" in scope or "moments" in scope or "FusedBatchNorm" in kind:
        return "batch norm"
    if kind in ("Relu", "ReluGrad", "BiasAdd", "BiasAddGrad", "_MklNativeFusedBatchNorm"):
        return "activations"
    if "crossentropy" in scope or "loss" in scope or "accuracy" in scope or "Softmax" in kind:
        return "loss and metrics"
    if kind in ("Transpose", "_MklToTf", "_MklInputConversion", "Reshape"):
        return "layout reorders"
    return "other ops"


def flops(kind: str, problem: str) -> float:
    """Multiply-adds × 2 of a oneDNN convolution, matmul or inner product, from its problem descriptor."""
    size = {key: int(value) for key, value in re.findall(r"([a-z]+)(\d+)", problem)}
    if kind == "convolution":
        return (2.0 * size["mb"] * size["ic"] * size["oc"] / size.get("g", 1) * size.get("oh", 1)
                * size.get("ow", 1) * size.get("kh", 1) * size.get("kw", 1))
    shapes = [[int(v) for v in part.split("x")] for part in problem.split(":") if "x" in part]
    if kind == "matmul" and len(shapes) >= 2:
        return 2.0 * shapes[0][-2] * shapes[0][-1] * shapes[1][-1]
    if kind == "inner_product" and {"mb", "ic", "oc"} <= set(size):
        return 2.0 * size["mb"] * size["ic"] * size["oc"]
    return 0.0


def _training(args: argparse.Namespace):
    """The model compiled exactly as the study trains it, and enough random MNIST-shaped data for the run."""
    import keras
    import numpy as np

    from digit_recognizer.training.fit import compile_model, make_optimizer, seed_everything

    seed_everything(0)
    precision.apply(args.precision)
    recipe = catalog.recipe_for(args.model, batch_size=BATCH)
    optimizer = make_optimizer(recipe, steps_per_epoch=1500, fused=not args.keras_adam)
    model = compile_model(catalog.build(args.model), optimizer, args.steps_per_execution,
                          matmul_gradients=not args.tf_conv_gradients, fused_batch_norm=not args.keras_batch_norm)
    rng = np.random.default_rng(0)
    images = (args.executions + 1) * args.steps_per_execution * BATCH
    x = rng.random((images, 28, 28, 1), dtype=np.float32)
    y = rng.integers(0, 10, images)
    warm = args.steps_per_execution * BATCH
    fit_once(model, x[:warm], y[:warm])
    return keras, model, x[warm:], y[warm:]


def fit_once(model, x, y) -> None:
    """One epoch over ``x`` in order, fed as ``python test.py`` feeds it (``training.fit.batches``).

    Not NumPy arrays into ``fit``: their tf.data pipeline's autotuning made a VGG16 step take either about 95 or
    142.5 ms from one ``fit`` to the next on an AMX CPU, while these batches kept every ``fit`` at 90-98 ms.
    """
    from digit_recognizer.training.fit import batches

    model.fit(**batches(x, y, BATCH), epochs=1, verbose=0)


def collect_tf(args: argparse.Namespace) -> dict:
    """Op time per part of a step (summed over TensorFlow's threads) and the step's wall time."""
    import tensorflow as tf
    from tensorflow.tsl.profiler.protobuf import xplane_pb2

    _, model, x, y = _training(args)
    steps = len(y) // BATCH
    with tempfile.TemporaryDirectory() as logdir:
        tf.profiler.experimental.start(logdir)
        start = time.perf_counter()
        fit_once(model, x, y)
        wall = time.perf_counter() - start
        tf.profiler.experimental.stop()
        space = xplane_pb2.XSpace()
        space.ParseFromString(next(Path(logdir).rglob("*.xplane.pb")).read_bytes())
    host = next(plane for plane in space.planes if plane.name == "/host:CPU")
    parts: Counter[str] = Counter()
    ops: Counter[str] = Counter()
    graph = 0.0
    calls: list[tuple[int, int]] = []
    for line in host.lines:
        for event in line.events:
            name = host.event_metadata[event.metadata_id].name
            seconds = event.duration_ps / 1e12
            if line.name.startswith("tf_Compute") and ":" in name and not name.startswith(("Executor", "Thread")):
                parts[part_of(name)] += seconds
                ops[name.rpartition(":")[2]] += seconds
            elif line.name == "python" and name.startswith("EagerLocalExecute: __inference_multi_step_on_iterator"):
                graph += seconds
                start_ps = line.timestamp_ns * 1000 + event.offset_ps
                calls.append((start_ps, start_ps + event.duration_ps))
    # From the first compiled call's start to the last one's end: fit's own start-up (building the dataset,
    # the callbacks) is paid once per epoch of 1,500 steps, not per step, and is reported on its own.
    span = (max(end for _, end in calls) - min(start for start, _ in calls)) / 1e12
    return {"steps": steps, "wall_s": span, "fit_wall_s": wall, "graph_s": graph, "parts_s": dict(parts),
            "top_ops_s": dict(ops.most_common(15))}


def collect_onednn(args: argparse.Namespace) -> None:
    """Run the timed execution between markers; oneDNN logs every primitive it runs to stdout."""
    _, model, x, y = _training(args)
    print(BEGIN, flush=True)
    fit_once(model, x, y)
    print(END, flush=True)


def parse_onednn(stdout: str, steps: int) -> dict:
    """Primitive time per step by (kind, propagation, kernel), and the GFLOP/s of the compute-bound ones."""
    inside = stdout.partition(BEGIN)[2].partition(END)[0]
    rows: dict[tuple[str, str, str], dict[str, float]] = defaultdict(lambda: {"ms": 0.0, "flop": 0.0, "calls": 0})
    for line in inside.splitlines():
        match = ONEDNN_LINE.match(line.strip())
        if not match:
            continue
        kind, impl, prop = match["kind"], match["impl"], match["prop"]
        isa = impl.split(":")[-1] if ":" in impl else impl
        row = rows[(kind, prop, isa or "-")]
        row["ms"] += float(match["ms"]) / steps
        row["flop"] += flops(kind, match["problem"]) / steps
        row["calls"] += 1 / steps
    return {" | ".join(key): value for key, value in sorted(rows.items(), key=lambda item: -item[1]["ms"])}


def matmul_peak(policy: str) -> float:
    """This CPU's matmul rate in GFLOP/s in the policy's compute precision, the best of three large square
    matmuls (a practical ceiling)."""
    import tensorflow as tf

    dtype = tf.bfloat16 if policy == precision.MIXED_BF16 else tf.float32
    best = 0.0
    for size in (1024, 2048, 4096):
        a = tf.random.normal((size, size), dtype=dtype)
        b = tf.random.normal((size, size), dtype=dtype)
        matmul = tf.function(lambda a=a, b=b: tf.linalg.matmul(a, b))
        matmul().numpy()
        runs = max(2, int(2e11 / size**3))
        start = time.perf_counter()
        for _ in range(runs):
            result = matmul()
        result.numpy()
        best = max(best, 2 * size**3 * runs / (time.perf_counter() - start) / 1e9)
    return best


def conv_rate(policy: str) -> float:
    """This CPU's rate in GFLOP/s for one 3×3 convolution of 64 to 64 channels on 28×28 maps, batch 32, forward:
    the convolution a CPU runs best, hence the ceiling of a convolutional network's training."""
    import tensorflow as tf

    dtype = tf.bfloat16 if policy == precision.MIXED_BF16 else tf.float32
    x = tf.random.normal((BATCH, 28, 28, 64), dtype=dtype)
    k = tf.random.normal((3, 3, 64, 64), dtype=dtype)
    convolve = tf.function(lambda: tf.nn.conv2d(x, k, 1, "SAME"))
    convolve().numpy()
    best = 0.0
    for _ in range(3):
        runs, start = 20, time.perf_counter()
        for _ in range(runs):
            result = convolve()
        result.numpy()
        best = max(best, 2 * BATCH * 28 * 28 * 9 * 64 * 64 * runs / (time.perf_counter() - start) / 1e9)
    return best


def training_gflop(model) -> float:
    """GFLOP to train on one image, counted as three times the forward pass's multiply-adds of the convolutions
    and dense layers (forward, input gradient, weight gradient), nothing skipped."""
    import keras

    total = 0
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D):
            rows, cols, channels_in, channels_out = layer.kernel.shape
            height, width = layer.output.shape[1:3]
            total += 2 * height * width * rows * cols * channels_in * channels_out
        elif isinstance(layer, keras.layers.Dense):
            total += 2 * layer.kernel.shape[0] * layer.kernel.shape[1]
    return 3 * total / 1e9


def _child(args: argparse.Namespace, collect: str, env: dict[str, str]) -> str:
    command = [sys.executable, "-m", "benchmarks.step_profile", "--collect", collect, "--model", args.model,
               "--precision", args.precision, "--steps-per-execution", str(args.steps_per_execution),
               "--executions", str(args.executions)]
    command += [f"--{name.replace('_', '-')}" for name in KERNEL_SWITCHES if getattr(args, name)]
    done = subprocess.run(command, cwd=REPO_ROOT, env={**os.environ, **env}, capture_output=True, text=True)
    if done.returncode != 0:
        raise UserError(f"the {collect} profile failed: {done.stderr.strip().splitlines()[-1:]}")
    return done.stdout


def table(args: argparse.Namespace, tf_profile: dict, kernels: dict, peak: float) -> str:
    steps = tf_profile["steps"]
    wall_ms = 1000 * tf_profile["wall_s"] / steps
    graph_ms = 1000 * tf_profile["graph_s"] / steps
    op_total = sum(tf_profile["parts_s"].values())
    reorder_ms = sum(row["ms"] for key, row in kernels.items() if key.startswith("reorder"))
    arithmetic = sum(row["flop"] for row in kernels.values())
    lines = [f"`python -m benchmarks.step_profile --model {args.model}{' --seed-way' * args.seed_way}` on "
             f"{cpu_name()}; policy "
             f"{args.precision}, batch {BATCH}, {args.steps_per_execution} steps per execution, "
             f"{'Keras' if args.keras_adam else 'fused'} Adam, "
             f"{'TensorFlow' if args.tf_conv_gradients else 'small-map matrix-product'} convolution weight "
             f"gradients, {'Keras' if args.keras_batch_norm else 'fused'} batch norm; {steps} profiled steps.",
             "",
             f"**One step: {wall_ms:.1f} ms wall ({BATCH * 1000 / wall_ms:.0f} img/s)**, of which the compiled "
             f"graph runs {graph_ms:.1f} ms and the Python and Keras side adds {wall_ms - graph_ms:.1f} ms between "
             f"compiled calls ({args.executions} profiled; `fit`'s start-up, once per epoch, took "
             f"{tf_profile['fit_wall_s'] - tf_profile['wall_s']:.2f} s more). "
             "TensorFlow runs up to two ops at once, so op times below are summed over its threads.", "",
             "| part of a step | op ms per step | share of op time |", "|---|---:|---:|"]
    for part in PARTS:
        seconds = tf_profile["parts_s"].get(part, 0.0)
        lines.append(f"| {part} | {1000 * seconds / steps:.1f} | {100 * seconds / op_total:.1f}% |")
    lines.append(f"| Python and Keras overhead (wall − graph) | {wall_ms - graph_ms:.1f} | |")
    lines += ["", f"oneDNN layout reorders inside those ops: {reorder_ms:.1f} ms per step.", "",
              f"oneDNN primitives (`ONEDNN_VERBOSE=profile_exec`); \"of best\" is against the best rate this CPU "
              f"showed, {peak:.0f} GFLOP/s (a large {args.precision} matmul, or this step's "
              f"fastest primitive if faster). Its convolutions and matrix products do {arithmetic / 1e9:.1f} GFLOP "
              f"per step: {arithmetic / peak / 1e6:.1f} ms at that rate.", "",
              "| primitive | propagation | kernel ISA | calls per step | ms per step | GFLOP/s | of best |",
              "|---|---|---|---:|---:|---:|---:|"]
    for key, row in kernels.items():
        kind, prop, isa = key.split(" | ")
        rate = row["flop"] / row["ms"] / 1e6 if row["flop"] and row["ms"] else 0.0
        shown = f"{rate:.0f} | {100 * rate / peak:.0f}%" if rate else " | "
        lines.append(f"| {kind} | {prop} | {isa} | {row['calls']:.0f} | {row['ms']:.2f} | {shown} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", choices=catalog.MODEL_NAMES, default="vgg16")
    p.add_argument("--precision", choices=precision.CHOICES, default=precision.AUTO)
    p.add_argument("--steps-per-execution", type=options.positive_int, default=RunConfig.steps_per_execution)
    p.add_argument("--executions", type=options.positive_int, default=2, help="compiled calls profiled (default: 2)")
    add_kernel_options(p)
    p.add_argument("--seed-way", action="store_true",
                   help="profile the seed's way: float32, Keras's Adam and batch norm, TensorFlow's weight "
                        "gradients, one batch per compiled call")
    p.add_argument("--out-dir", type=Path, default=RESULTS_DIR, help="where results are written")
    p.add_argument("--collect", choices=("tf", "onednn"), help=argparse.SUPPRESS)
    args = p.parse_args()
    args.precision = precision.resolve(args.precision)  # once here; the profiling children get it resolved
    if args.seed_way:  # as many steps profiled, one per compiled call
        args.executions *= args.steps_per_execution
        args.precision, args.steps_per_execution = precision.FLOAT32, 1
        args.keras_adam = args.tf_conv_gradients = args.keras_batch_norm = True
    if args.collect == "tf":
        print(RESULT + json.dumps(collect_tf(args)))
        return 0
    if args.collect == "onednn":
        collect_onednn(args)
        return 0
    tf_stdout = _child(args, "tf", {})
    tf_profile = json.loads(tf_stdout.rpartition(RESULT)[2])
    kernels = parse_onednn(_child(args, "onednn", {"ONEDNN_VERBOSE": "profile_exec"}), tf_profile["steps"])
    # The best rate this CPU showed: a large matmul, or this step's fastest primitive if that beat it.
    rates = [row["flop"] / row["ms"] / 1e6 for row in kernels.values() if row["flop"] and row["ms"]]
    peak = max([matmul_peak(args.precision), *rates])
    switches = ["seed_way"] if args.seed_way else [name for name in KERNEL_SWITCHES if getattr(args, name)]
    stem = "step_profile" + ("" if args.model == "vgg16" else f"_{args.model}") + "".join(f"_{s}" for s in switches)
    save(args.out_dir, stem, {"model": args.model, "cpu": cpu_name(), "policy": args.precision,
                              "steps_per_execution": args.steps_per_execution, "fused_adam": not args.keras_adam,
                              "matmul_gradients": not args.tf_conv_gradients,
                              "fused_batch_norm": not args.keras_batch_norm,
                              "tf": tf_profile, "onednn": kernels, "best_gflops": peak},
         table(args, tf_profile, kernels, peak))
    return 0


if __name__ == "__main__":
    raise SystemExit(options.command(main))
