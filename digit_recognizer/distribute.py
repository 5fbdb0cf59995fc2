"""Training on several devices through TensorFlow's own engine, ``tf.distribute``.

``default`` is one device, as before. ``mirrored`` keeps one copy of the model per device
(``tf.distribute.MirroredStrategy``: all local GPUs, or the devices named) and averages their gradients
every step. The batch size option is per replica: each step processes ``batch × replicas`` images.
"""

from __future__ import annotations

import tensorflow as tf

DEFAULT = "default"
MIRRORED = "mirrored"
CHOICES = (DEFAULT, MIRRORED)


def split_cpu(count: int) -> list[str]:
    """Expose the CPU as ``count`` logical devices (for trying ``mirrored`` without GPUs); returns their names.

    Must run before TensorFlow creates its devices, i.e. before the first operation of the process.
    """
    cpu = tf.config.list_physical_devices("CPU")[0]
    try:
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * count)
    except RuntimeError as error:
        raise RuntimeError("the CPU can only be split before TensorFlow has started running operations") from error
    return [device.name for device in tf.config.list_logical_devices("CPU")]


def make_strategy(name: str, devices: list[str] | None = None) -> tf.distribute.Strategy:
    """The strategy called ``name``; ``devices`` narrows ``mirrored`` to the named devices."""
    if name == DEFAULT:
        return tf.distribute.get_strategy()
    if name == MIRRORED:
        return tf.distribute.MirroredStrategy(devices=devices or None)
    raise ValueError(f"unknown strategy {name!r}; choose from {', '.join(CHOICES)}.")
