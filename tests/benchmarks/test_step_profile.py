"""The step profile sorts real TensorFlow op names and oneDNN log lines into the parts of a training step."""

from __future__ import annotations

import pytest

from benchmarks.step_profile import BEGIN, END, flops, parse_onednn, part_of

CONV = "mb32_ic64oc128_ih14oh14kh3sh1dh0ph1_iw14ow14kw3sw1dw0pw1"


@pytest.mark.parametrize(("op", "part"), [
    ("body/gradient_tape/vgg16_1/block2_conv1_1/convolution/Conv2DBackpropFilter:_MklNativeConv2DBackpropFilterWithBias",
     "convolution backward-weights"),
    ("body/gradient_tape/vgg16_1/block2_conv1_1/convolution/Conv2DBackpropInput:_MklNativeConv2DBackpropInput",
     "convolution backward-data"),
    ("body/vgg16_1/block2_conv1_1/Relu:_MklNativeFusedConv2D", "convolution forward"),
    ("body/gradient_tape/vgg16_1/block4_conv1_1/conv_weight_gradient/MatMul_3:_MklMatMul",
     "convolution backward-weights"),
    ("body/gradient_tape/vgg16_1/block4_conv1_1/conv_weight_gradient/Pad:Pad", "convolution backward-weights"),
    ("body/vgg16_1/block5_conv1_1/conv_pixel_forward/strided_slice:StridedSlice", "convolution forward"),
    ("body/vgg16_1/block5_conv1_1/conv_pixel_forward_1/MatMul:_MklMatMul", "convolution forward"),
    ("body/conv_pixel_input_gradient_1/MatMul:_MklMatMul", "convolution backward-data"),
    ("body/conv_weight_gradient_1/Pad:Pad", "convolution backward-weights"),
    ("body/vgg16_1/fc1_1/Relu:_MklNativeFusedMatMul", "dense layers"),
    ("body/fused_adam/Pow_1:Pow", "optimizer update"),
    ("body/adam/AssignAddVariableOp_24:AssignAddVariableOp", "optimizer update"),
    ("body/adam/Cast_3:Cast", "optimizer update"),
    ("body/ResourceApplyAdam_7:ResourceApplyAdam", "optimizer update"),
    ("body/vgg16_1/block1_conv1_1/Cast:Cast", "precision casts"),
    ("body/gradient_tape/cnn_1/block1_bn_1/batchnorm/mul_1:Mul", "batch norm"),
    ("body/gradient_tape/vgg16_1/block1_pool_1/MaxPool/MaxPoolGrad:_MklNativeMaxPoolGrad", "pooling"),
    ("body/gradient_tape/cnn_1/block1_relu_1/ReluGrad:ReluGrad", "activations"),
    ("body/compile_loss/sparse_categorical_crossentropy/Sum:Sum", "loss and metrics"),
])
def test_ops_fall_into_their_part(op: str, part: str) -> None:
    assert part_of(op) == part


def test_convolution_flops_follow_the_problem_descriptor() -> None:
    assert flops("convolution", CONV) == 2 * 32 * 64 * 128 * 14 * 14 * 3 * 3
    assert flops("reorder", "64x32x5x5") == 0.0


def test_onednn_log_is_summed_per_step_by_primitive_and_kernel() -> None:
    line = ("onednn_verbose,v1,primitive,exec,cpu,convolution,brg_conv_fwd:avx512_core_bf16,forward_training,"
            "src:bf16::blocked:acdb::f0 dst:bf16::blocked:acdb::f0,attr-post-ops:eltwise_relu,"
            f"alg:convolution_direct,{CONV},2.0")
    reorder = "onednn_verbose,v1,primitive,exec,cpu,reorder,jit:uni,undef,src:bf16 dst:bf16,,,64x32x5x5,0.5"
    log = "\n".join(["before " + line, BEGIN, line, line, reorder, END, line])
    rows = parse_onednn(log, steps=2)
    conv = rows["convolution | forward_training | avx512_core_bf16"]
    assert conv["ms"] == pytest.approx(2.0) and conv["calls"] == pytest.approx(1.0)
    assert conv["flop"] == pytest.approx(flops("convolution", CONV))
    assert rows["reorder | undef | uni"]["ms"] == pytest.approx(0.25)
    assert next(iter(rows)).startswith("convolution"), "slowest first"
