"""Keras's Adam with its update fused into one TensorFlow kernel per variable.

Keras 3's Adam updates each variable with about ten separate element-wise ops, each one a pass over
memory (the moments, the square, the square root, the division, three assignments). TensorFlow's
``ResourceApplyAdam`` does the same arithmetic in one pass: for VGG16's 15 million weights that is most of
the optimizer's time (see ``plots/step_profile_vgg16.md``). The update is Keras's to float tolerance
(``tests/training/test_fused_adam.py``); the optimizer's variables, and so its checkpoints, are Keras's own.
"""

from __future__ import annotations

import keras


@keras.saving.register_keras_serializable(package="digit_recognizer")
class FusedAdam(keras.optimizers.Adam):
    """``keras.optimizers.Adam`` whose dense updates run as ``tf.raw_ops.ResourceApplyAdam``.

    Falls back to Keras's own update where the kernel does not apply: another backend, AMSGrad, sparse
    gradients, or variables under a ``tf.distribute`` strategy.
    """

    def update_step(self, gradient, variable, learning_rate):
        import tensorflow as tf

        if (keras.backend.backend() != "tensorflow" or self.amsgrad or isinstance(gradient, tf.IndexedSlices)
                or tf.distribute.has_strategy()):
            return super().update_step(gradient, variable, learning_rate)
        dtype = variable.dtype
        step = tf.cast(self.iterations + 1, dtype)
        beta_1, beta_2 = tf.cast(self.beta_1, dtype), tf.cast(self.beta_2, dtype)
        index = self._get_variable_index(variable)
        tf.raw_ops.ResourceApplyAdam(
            var=variable.handle, m=self._momentums[index].handle, v=self._velocities[index].handle,
            beta1_power=tf.pow(beta_1, step), beta2_power=tf.pow(beta_2, step), lr=tf.cast(learning_rate, dtype),
            beta1=beta_1, beta2=beta_2, epsilon=tf.cast(self.epsilon, dtype), grad=tf.cast(gradient, dtype),
            use_locking=False,
        )
        return None

