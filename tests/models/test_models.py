"""The builders reproduce the study's architectures exactly."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from digit_recognizer import catalog

PARAMETERS = {"ann": 468_874, "cnn": 265_906, "vgg16": 14_913_226, "best": 326_826, "best_deskew": 326_826}


@pytest.mark.parametrize("name", list(PARAMETERS))
def test_parameter_count_and_output(name: str) -> None:
    model = catalog.build(name)
    assert model.count_params() == PARAMETERS[name]
    assert model.input_shape == (None, 28, 28, 1)
    probabilities = model.predict(np.random.default_rng(0).random((3, 28, 28, 1), dtype=np.float32), verbose=0)
    assert probabilities.shape == (3, 10)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)


def test_cnn_blocks() -> None:
    convs = [layer for layer in catalog.build("cnn").layers if isinstance(layer, keras.layers.Conv2D)]
    assert [(c.filters, c.kernel_size) for c in convs] == [(32, (3, 3)), (64, (5, 5)), (128, (3, 3))]
    assert all(c.padding == "same" and c.kernel_regularizer is not None for c in convs)
    assert all(float(c.kernel_regularizer.l2) == pytest.approx(0.01) for c in convs)


def test_vgg16_blocks() -> None:
    model = catalog.build("vgg16")
    convs = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
    pools = [layer for layer in model.layers if isinstance(layer, keras.layers.MaxPooling2D)]
    assert [c.filters for c in convs] == [64, 64, 128, 128, 256, 256, 256, 512, 512, 512, 512, 512, 512]
    assert len(pools) == 4
    assert [p.output.shape[1] for p in pools] == [14, 7, 3, 1]
    assert sum(isinstance(layer, keras.layers.Dropout) for layer in model.layers) == 2


def test_unknown_model_name() -> None:
    with pytest.raises(ValueError, match="unknown model 'lenet'"):
        catalog.build("lenet")


def test_the_table_is_complete_and_consistent() -> None:
    """One row per model: unique names and app keys, every builder importable, every recipe trainable."""
    entries = catalog.MODELS
    assert len({entry.name for entry in entries}) == len(entries)
    assert len({entry.key for entry in entries}) == len(entries)
    assert set(catalog.STUDY_MODELS) | set(catalog.ENSEMBLE_MODELS) <= set(catalog.MODEL_NAMES)
    for entry in entries:
        assert entry.recipe.epochs >= 1 and entry.recipe.lr > 0 and entry.recipe.batch_size >= 1
        assert catalog.recipe_for(entry.name, epochs=2).epochs == 2


@pytest.mark.parametrize("name", list(PARAMETERS))
def test_layers_are_named_like_keras_applications(name: str) -> None:
    """Named blocks (block1_conv1, fc1, predictions), never Keras's automatic conv2d_7 or dense_2."""
    model = catalog.build(name)
    names = [layer.name for layer in model.layers]
    assert model.name == name and names[-1] == "predictions" and len(set(names)) == len(names)
    automatic = [n for n in names if n.split("_")[0] in {"conv2d", "dense", "dropout", "activation", "batch"}]
    assert not automatic, automatic
