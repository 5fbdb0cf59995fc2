"""Keras's Adam with its update fused into one TensorFlow kernel per variable.

Keras 3's Adam updates each variable with about ten separate element-wise ops, each one a pass over
memory (the moments, the square, the square root, the division, three assignments). TensorFlow's
``ResourceApplyAdam`` does the same arithmetic in one pass: for VGG16's 15 million weights that is most of
the optimizer's time (see ``benchmarks/results/step_profile.md``). The update is Keras's to float tolerance
(``tests/training/test_fused_adam.py``); the optimizer's variables, and so its checkpoints, are Keras's own.

A kernel whose gradient is zero but at one tap (a "same" convolution on a one-pixel map:
``training.conv_gradients.one_pixel_taps``) keeps its other taps and their moments at exactly what Adam
leaves them, unchanged, so only that tap is updated: VGG16's fifth block holds 47% of its weights, and a ninth
of them is then all that is updated there.
"""

from __future__ import annotations

import keras


@keras.saving.register_keras_serializable(package="digit_recognizer")
class FusedAdam(keras.optimizers.Adam):
    """``keras.optimizers.Adam`` whose dense updates run as ``tf.raw_ops.ResourceApplyAdam``.

    Falls back to Keras's own update where the kernel does not apply: another backend, AMSGrad, sparse
    gradients, or variables under a ``tf.distribute`` strategy.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._live_taps: dict[str, tuple[int, int]] = {}

    def update_only_live_taps(self, taps: dict[str, tuple[int, int]]) -> None:
        """Update only ``taps[path]`` of the kernel at each variable path: the caller vouches that its gradient is
        zero everywhere else, so Adam would leave the rest and its moments as they are."""
        self._live_taps = dict(taps)

    def update_step(self, gradient, variable, learning_rate):
        import tensorflow as tf

        if (keras.backend.backend() != "tensorflow" or self.amsgrad or isinstance(gradient, tf.IndexedSlices)
                or tf.distribute.has_strategy()):
            return super().update_step(gradient, variable, learning_rate)
        dtype = variable.dtype
        step = tf.cast(self.iterations + 1, dtype)
        beta_1, beta_2 = tf.cast(self.beta_1, dtype), tf.cast(self.beta_2, dtype)
        lr, epsilon = tf.cast(learning_rate, dtype), tf.cast(self.epsilon, dtype)
        index = self._get_variable_index(variable)
        momentum, velocity = self._momentums[index].value, self._velocities[index].value
        tap = self._live_taps.get(self._trainable_variables[index].path)
        if tap is not None:
            alpha = lr * tf.sqrt(1 - tf.pow(beta_2, step)) / (1 - tf.pow(beta_1, step))
            _update_tap(tap, tf.cast(gradient[tap], dtype), variable, momentum, velocity, alpha, beta_1, beta_2,
                        epsilon)
            return None
        tf.raw_ops.ResourceApplyAdam(
            var=variable.handle, m=momentum.handle, v=velocity.handle,
            beta1_power=tf.pow(beta_1, step), beta2_power=tf.pow(beta_2, step), lr=lr,
            beta1=beta_1, beta2=beta_2, epsilon=epsilon, grad=tf.cast(gradient, dtype), use_locking=False,
        )
        return None


def _update_tap(tap: tuple[int, int], gradient, variable, momentum, velocity, alpha, beta_1, beta_2, epsilon) -> None:
    """Keras's Adam arithmetic on one tap of a kernel and its moments, gathered and scattered in place (assigning
    to a slice of a variable would copy all of it)."""
    import tensorflow as tf

    at = [list(tap)]
    m = momentum.gather_nd(at)[0]
    v = velocity.gather_nd(at)[0]
    m += (gradient - m) * (1 - beta_1)
    v += (gradient * gradient - v) * (1 - beta_2)
    momentum.scatter_nd_update(at, m[None])
    velocity.scatter_nd_update(at, v[None])
    variable.scatter_nd_sub(at, (m * alpha / (tf.sqrt(v) + epsilon))[None])
