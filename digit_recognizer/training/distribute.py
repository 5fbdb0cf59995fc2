"""Training on several devices or machines, each through its framework's own distribution engine.

``default`` is one device, as before. ``mirrored`` keeps one copy of the model per device
(``tf.distribute.MirroredStrategy``: all local GPUs, or the devices named) and averages their gradients
every step. ``multiworker`` trains one model data-parallel across processes, usually one per machine,
configured by ``TF_CONFIG``; worker 0 (or the ``chief`` task) coordinates and alone writes outputs.

Keras 3 on TensorFlow cannot fit under ``MultiWorkerMirroredStrategy`` (keras-team/keras#20585: ``fit``
reduces the first data batch across workers, which fails for ``PerReplica`` inputs, and then reduces
scalar metrics along an axis they do not have). ``multiworker`` therefore runs on Keras's JAX backend:
``keras.distribution.DataParallel`` over every device of every process, started by
``keras.distribution.initialize`` from the same ``TF_CONFIG``.

In every strategy the batch size option is per replica: each step processes ``batch × replicas`` images.
"""

from __future__ import annotations

import json
import os
import socket
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from digit_recognizer.errors import UserError
from digit_recognizer.training.data import Splits

if TYPE_CHECKING:
    import keras

DEFAULT = "default"
MIRRORED = "mirrored"
MULTIWORKER = "multiworker"
CHOICES = (DEFAULT, MIRRORED, MULTIWORKER)
TF_CONFIG = "TF_CONFIG"
# How long workers wait for each other (JAX's own limit when joining a cluster).
JOIN_TIMEOUT_S = 300
TF_CONFIG_EXAMPLE = ('{"cluster": {"worker": ["10.0.0.1:12345", "10.0.0.2:12345"]}, '
                     '"task": {"type": "worker", "index": 0}}')


@dataclass(frozen=True)
class Cluster:
    """The processes of a multi-worker run and which of them this one is (0 is the chief)."""

    addresses: tuple[str, ...]
    index: int

    @property
    def is_chief(self) -> bool:
        return self.index == 0


def read_cluster(text: str | None) -> Cluster:
    """Parse ``TF_CONFIG``: a ``chief`` task (if any) comes first, then the ``worker`` tasks in order."""
    if not text:
        raise UserError(f"--strategy multiworker needs ${TF_CONFIG} on every worker, e.g. {TF_CONFIG_EXAMPLE}")
    try:
        config = json.loads(text)
        cluster, task = config["cluster"], config["task"]
        chiefs, workers = cluster.get("chief", []), cluster.get("worker", [])
        if not all(isinstance(tasks, list) for tasks in (chiefs, workers)):
            raise TypeError("each task type must list its addresses, e.g. \"worker\": [\"host:port\"]")
        kind, index = task["type"], int(task["index"])
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise UserError(f"${TF_CONFIG} is not valid ({error!r}); expected e.g. {TF_CONFIG_EXAMPLE}") from None
    if len(chiefs) > 1 or not chiefs + workers:
        raise UserError(f"${TF_CONFIG} must list workers (and at most one chief); got {cluster}")
    offsets = {"chief": (0, len(chiefs)), "worker": (len(chiefs), len(workers))}
    if kind not in offsets or not 0 <= index < offsets[kind][1]:
        raise UserError(f"${TF_CONFIG} task {task} is not in its cluster {cluster}")
    return Cluster(tuple(str(address) for address in chiefs + workers), offsets[kind][0] + index)


@dataclass(frozen=True)
class Placement:
    """Where this process trains: the scope to build and fit in, and its share of the replicas and data."""

    scope: Callable[[], AbstractContextManager]
    # Devices training in sync over all processes, and those this process feeds.
    replicas: int = 1
    local_replicas: int = 1
    worker: int = 0
    workers: int = 1

    @property
    def is_chief(self) -> bool:
        return self.worker == 0

    @property
    def resumable(self) -> bool:
        """Epoch backups are per process; a multi-worker run starts over if interrupted."""
        return self.workers == 1

    def shard(self, splits: Splits) -> Splits:
        """This worker's equal share of the training and validation images (all of them with one worker)."""
        if self.workers == 1:
            return splits

        def part(x, y):
            size = len(y) // self.workers
            return x[self.worker :: self.workers][:size], y[self.worker :: self.workers][:size]

        (x_train, y_train), (x_val, y_val) = part(splits.x_train, splits.y_train), part(splits.x_val, splits.y_val)
        return replace(splits, x_train=x_train, y_train=y_train, x_val=x_val, y_val=y_val)

    def local_copy(self, model: keras.Model, build: Callable[[], keras.Model]) -> keras.Model:
        """A model on this process alone with ``model``'s trained weights, for evaluation and saving.

        After multi-worker training the weights live on every worker's devices; predicting or saving
        through them would need every worker to take part.
        """
        if self.workers == 1:
            return model
        local = build()
        local.set_weights(model.get_weights())
        return local


def split_cpu(count: int) -> list[str]:
    """Expose the CPU as ``count`` logical devices (for trying ``mirrored`` without GPUs); returns their names.

    Must run before TensorFlow creates its devices, i.e. before the first operation of the process.
    """
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    try:
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * count)
    except RuntimeError as error:
        raise RuntimeError("the CPU can only be split before TensorFlow has started running operations") from error
    return [device.name for device in tf.config.list_logical_devices("CPU")]


def wait_for_coordinator(address: str, timeout: float = JOIN_TIMEOUT_S) -> None:
    """Wait until the chief listens at ``address``, or raise UserError.

    JAX aborts the whole process, without a Python error, when the coordinator cannot be reached; checking
    first turns a chief that was never started, or a wrong address, into one clear sentence.
    """
    host, _, port = address.rpartition(":")
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection((host, int(port)), timeout=5):
                return
        except (OSError, ValueError) as error:
            if time.monotonic() >= deadline:
                raise UserError(f"the chief at {address} could not be reached within {timeout:.0f} s ({error}); "
                                   f"start worker 0 of ${TF_CONFIG} and check its address.") from None
        time.sleep(1)


def start_multiworker(cluster: Cluster) -> Placement:
    """Join the cluster (blocks until every worker has started) and place the model on all its devices."""
    import jax
    import keras

    if keras.backend.backend() != "jax":
        raise UserError("--strategy multiworker runs on Keras's JAX backend; set KERAS_BACKEND=jax before Keras "
                           "is imported (test.py does this itself).")
    coordinator = cluster.addresses[0]
    print(f"worker {cluster.index} of {len(cluster.addresses)}: joining the cluster at {coordinator} "
          f"(every worker must start within {JOIN_TIMEOUT_S // 60} minutes)", flush=True)
    if not cluster.is_chief:
        wait_for_coordinator(coordinator)
    keras.distribution.initialize(",".join(cluster.addresses), len(cluster.addresses), cluster.index)
    distribution = keras.distribution.DataParallel(devices=jax.devices())
    # Each worker feeds its own shard (Placement.shard), so Keras must not shard again.
    distribution.auto_shard_dataset = False
    return Placement(distribution.scope, jax.device_count(), jax.local_device_count(), cluster.index,
                     len(cluster.addresses))


def place(strategy: str, devices: list[str] | None = None, cluster: Cluster | None = None) -> Placement:
    """The placement for ``strategy``: one device, a ``MirroredStrategy`` (over ``devices`` if named), or this
    process's part of ``cluster`` (by default read from ``TF_CONFIG``)."""
    if strategy == DEFAULT:
        return Placement(nullcontext)
    if strategy == MULTIWORKER:
        return start_multiworker(cluster or read_cluster(os.environ.get(TF_CONFIG)))
    if strategy != MIRRORED:
        raise ValueError(f"unknown strategy {strategy!r}; choose from {', '.join(CHOICES)}.")
    import tensorflow as tf

    present = {device.name.lower().replace("/device:", "/") for device in tf.config.list_logical_devices()}
    absent = [device for device in devices or [] if device.lower().replace("/device:", "/").split("/replica")[0]
              not in present and not device.lower().startswith("/job:")]
    if absent:
        raise UserError(f"--devices names {', '.join(absent)}, which this machine does not have (it has "
                           f"{', '.join(sorted(present))}); name devices it has, or leave --devices out.")
    mirrored = tf.distribute.MirroredStrategy(devices=devices or None)
    return Placement(mirrored.scope, mirrored.num_replicas_in_sync, mirrored.num_replicas_in_sync)
