"""Weight gradients of convolutions on small feature maps, computed as one matrix product per kernel tap.

TensorFlow's backward-weights kernel (oneDNN's, on a CPU) is slow on small maps with many channels: for
VGG16's 3×3 maps at 512 channels it ran at 87 GFLOP/s where the same work as matrix products runs at
about 250, and on its 1×1 maps it computes nine taps of which eight only ever see padding
(``docs/speed.md``). The same gradient is, for each tap of the kernel,
(the input shifted by that tap)ᵀ · (the output's gradient): that is what this module computes, and taps
that see only padding are zeros. The forward pass and the input's gradient stay TensorFlow's own, so the
trained network is the same one to float rounding (``tests/training/test_conv_gradients.py``).

On a map of one pixel (VGG16's fifth block) a "same" convolution is a matrix product with the kernel's centre
tap, the one tap that ever meets the pixel: such layers run as that product, forward and backward, and read only
that tap of their kernel, so the other eight ninths are neither cast nor reordered each step.
"""

from __future__ import annotations

from collections.abc import Callable

import keras

# The scopes of the ops below, so a profile counts them as the convolutions' backward-weights, and the one-pixel
# products as the convolutions' forward and backward-data passes.
SCOPE = "conv_weight_gradient"
PIXEL_FORWARD_SCOPE, PIXEL_INPUT_GRADIENT_SCOPE = "conv_pixel_forward", "conv_pixel_input_gradient"
# Maps of at most this many pixels take the matrix-product gradient: measured on an AVX512-BF16 CPU,
# TensorFlow's kernel is as fast or faster from 14×14 up and slower from 7×7 down.
SMALL_MAP_PIXELS = 7 * 7


def use_matmul_weight_gradients(model: keras.Model) -> int:
    """Make every eligible ``Conv2D`` of ``model`` compute its weight gradient on small maps by matrix products.

    Eligible: stride 1, no dilation, no groups, channels last, "same" or "valid" padding, TensorFlow
    backend. Layers on a one-pixel map run as a product with their one live tap. Only how the layer runs
    changes (its ``convolution_op``), not its configuration or weights, so saved models are unchanged. Returns
    how many layers now use it.
    """
    if keras.backend.backend() != "tensorflow":
        return 0
    layers = [layer for layer in model.layers if _eligible(layer)]
    taps = one_pixel_taps(model)
    for layer in layers:
        tap = taps.get(layer.kernel.path)
        layer.convolution_op = (_small_map_convolution(layer.convolution_op, layer.padding) if tap is None
                                else _pixel_convolution(layer, tap))
    return len(layers)


def one_pixel_taps(model: keras.Model) -> dict[str, tuple[int, int]]:
    """The kernels (by variable path) of the model's "same" convolutions on one-pixel maps, each with the one tap
    that meets the pixel: their gradient is zero at every other tap, however the layer runs."""
    return {layer.kernel.path: tap for layer in model.layers if _eligible(layer) and (tap := _single_tap(layer))}


def _eligible(layer: keras.layers.Layer) -> bool:
    return (
        isinstance(layer, keras.layers.Conv2D)
        and tuple(layer.strides) == (1, 1)
        and tuple(layer.dilation_rate) == (1, 1)
        and layer.groups == 1
        and layer.data_format == "channels_last"
        and layer.padding in ("same", "valid")
    )


def _single_tap(layer: keras.layers.Layer) -> tuple[int, int] | None:
    """The kernel tap that alone meets a one-pixel map under "same" padding; None for any other map."""
    try:
        height, width = layer.input.shape[1:3]
    except (AttributeError, ValueError):  # a layer never called on a symbolic input has no known map
        return None
    if layer.padding != "same" or (height, width) != (1, 1):
        return None
    return _same_origin(*layer.kernel_size)


def _same_origin(rows: int, cols: int) -> tuple[int, int]:
    """The kernel tap that meets a map's first pixel under "same" padding (TensorFlow pads an odd extra row or
    column at the end)."""
    return (rows - 1) // 2, (cols - 1) // 2


def _pixel_convolution(layer: keras.layers.Layer, tap: tuple[int, int]) -> Callable:
    """The layer's convolution on its one-pixel map: (the pixel's channels) · kernel[tap].

    The tap is gathered from the backend's own variable, outside the layer's autocast (inside it, Keras would
    cast the whole kernel first), and in place, not by reading the whole variable: once an optimizer has updated
    the tap in place (``training.fused_adam``), every whole read of the variable is a copy. (A mirrored variable,
    which the optimizer updates whole, is read first.) The kernel's gradient is the tap's, zero elsewhere.
    """
    import tensorflow as tf

    variable = layer.kernel.value
    rows, cols, _, channels_out = layer.kernel.shape
    top, left = tap
    padding = [[top, rows - 1 - top], [left, cols - 1 - left], [0, 0], [0, 0]]

    @tf.custom_gradient
    def product(x):
        with tf.name_scope(PIXEL_FORWARD_SCOPE):
            weights = tf.cast(tf.gather_nd(variable, [list(tap)])[0], x.dtype)
            y = tf.matmul(x, weights)

        def gradients(upstream, variables):  # TensorFlow passes the variable read above as ``variables``
            with tf.name_scope(PIXEL_INPUT_GRADIENT_SCOPE):
                dx = tf.matmul(upstream, weights, transpose_b=True)
            with tf.name_scope(SCOPE):
                dtap = tf.cast(tf.matmul(x, upstream, transpose_a=True), variable.dtype)
                return dx, [tf.pad(dtap[None, None], padding)]

        return y, gradients

    def run(inputs, kernel):
        if tuple(inputs.shape[1:3]) != (1, 1):
            raise ValueError(f"{layer.name} runs as a one-pixel product but got maps of {inputs.shape[1:3]}.")
        pixels = tf.reshape(inputs, [-1, inputs.shape[-1]])
        return tf.reshape(product(pixels), [-1, 1, 1, channels_out])

    return run


def _small_map_convolution(convolution: Callable, padding: str) -> Callable:
    """``convolution`` (the layer's own op), with the weight gradient below where the map is small."""
    import tensorflow as tf

    def run(inputs, kernel):
        height, width = inputs.shape[1], inputs.shape[2]
        if height is None or width is None or height * width > SMALL_MAP_PIXELS:
            return convolution(inputs, kernel)

        @tf.custom_gradient
        def forward(x, k):
            def gradients(upstream):
                dx = tf.raw_ops.Conv2DBackpropInput(
                    input_sizes=tf.shape(x), filter=k, out_backprop=upstream, strides=[1, 1, 1, 1],
                    padding=padding.upper())
                with tf.name_scope(SCOPE):
                    return dx, weight_gradient(x, upstream, k.shape, padding)

            return convolution(x, k), gradients

        # A float32 layer passes its variable: read it first, so the gradient flows to it through the read.
        return forward(inputs, tf.convert_to_tensor(kernel))

    return run


def weight_gradient(x, upstream, kernel_shape, padding: str):
    """d loss / d kernel of a stride-1 NHWC convolution: one (shifted input)ᵀ · upstream product per tap."""
    import tensorflow as tf

    rows, cols, channels_in, channels_out = kernel_shape
    height, width = x.shape[1], x.shape[2]
    out_h, out_w = upstream.shape[1], upstream.shape[2]
    if padding == "same":
        top, left = _same_origin(rows, cols)
        x = tf.pad(x, [[0, 0], [top, rows - 1 - top], [left, cols - 1 - left], [0, 0]])
    else:
        top = left = 0
    flat_upstream = tf.reshape(upstream, [-1, channels_out])
    zero = tf.zeros([channels_in, channels_out], upstream.dtype)
    taps = []
    for i in range(rows):
        for j in range(cols):
            # Under "same" padding a tap whose window never reaches the map sees only zeros.
            if padding == "same" and (abs(i - top) >= height or abs(j - left) >= width):
                taps.append(zero)
                continue
            window = tf.reshape(x[:, i:i + out_h, j:j + out_w, :], [-1, channels_in])
            taps.append(tf.matmul(window, flat_upstream, transpose_a=True))
    return tf.reshape(tf.stack(taps), [rows, cols, channels_in, channels_out])
