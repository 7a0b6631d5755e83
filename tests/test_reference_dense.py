"""The reference vanilla and sparse autoencoders (tasks 0 and 1)."""
import numpy as np
import pytest

from layer_view import describe, leaf_layers

DENSE_ARGS = [
    (784, [128, 64], 32),
    (100, [256, 128, 64], 16),
    (50, [20], 5),
    (30, [], 4),
]


def build(tasks, number, args, lambtha=1e-4):
    if number == 1:
        return tasks[1].autoencoder(*args, lambtha)
    return tasks[0].autoencoder(*args)


@pytest.mark.parametrize("number", [0, 1])
@pytest.mark.parametrize("args", DENSE_ARGS, ids=str)
def test_shapes(tasks, keras, number, args):
    input_dims, hidden, latent = args
    encoder, decoder, auto = build(tasks, number, args)
    x = np.random.default_rng(0).random((5, input_dims), dtype="float32")
    assert tuple(encoder(x).shape) == (5, latent)
    assert tuple(decoder(np.ones((5, latent), "float32")).shape) == (
        5, input_dims)
    assert tuple(auto(x).shape) == (5, input_dims)


@pytest.mark.parametrize("number", [0, 1])
@pytest.mark.parametrize("args", DENSE_ARGS, ids=str)
def test_layers_units_and_activations(tasks, keras, number, args):
    input_dims, hidden, latent = args
    encoder, decoder, auto = build(tasks, number, args)
    assert describe(encoder) == (
        [("Dense", u, "relu") for u in hidden] + [("Dense", latent, "relu")])
    assert describe(decoder) == (
        [("Dense", u, "relu") for u in reversed(hidden)]
        + [("Dense", input_dims, "sigmoid")])
    assert describe(auto) == describe(encoder) + describe(decoder)


@pytest.mark.parametrize("number", [0, 1])
def test_auto_shares_weights_with_encoder_and_decoder(tasks, keras, number):
    encoder, decoder, auto = build(tasks, number, (100, [64, 32], 8))
    shared = {id(v) for v in
              encoder.trainable_weights + decoder.trainable_weights}
    assert {id(v) for v in auto.trainable_weights} == shared
    x = np.random.default_rng(1).random((4, 100), dtype="float32")
    np.testing.assert_allclose(auto(x), decoder(encoder(x)), atol=1e-6)


@pytest.mark.parametrize("number", [0, 1])
def test_compiled_with_adam_and_binary_crossentropy(tasks, keras, number):
    *_, auto = build(tasks, number, (100, [64], 8))
    assert type(auto.optimizer).__name__ == "Adam"
    x = np.random.default_rng(2).random((16, 100), dtype="float32")
    y = auto(x).numpy()  # an eager call, so auto.losses holds numbers
    bce = -np.mean(x * np.log(y) + (1 - x) * np.log(1 - y))
    penalty = float(sum(np.sum(loss) for loss in auto.losses)) if number else 0
    # Keras evaluates float32 BCE with clipping at 1e-7: equal to ~1e-5.
    loss = auto.evaluate(x, x, batch_size=16, verbose=0)
    assert loss == pytest.approx(bce + penalty, rel=1e-4)


def test_vanilla_has_no_penalty(tasks, keras):
    *_, auto = build(tasks, 0, (100, [64], 8))
    auto(np.ones((2, 100), "float32"))
    assert not auto.losses


@pytest.mark.parametrize("lambtha", [1e-5, 1e-2])
def test_sparse_penalty_is_l1_of_the_encoded_output(tasks, keras, lambtha):
    encoder, decoder, auto = tasks[1].autoencoder(100, [64, 32], 8, lambtha)
    x = np.random.default_rng(3).random((32, 100), dtype="float32")
    auto(x)
    encoded = encoder(x).numpy()
    # Keras divides activity penalties by the batch size.
    expected = lambtha * np.abs(encoded).sum() / len(x)
    assert len(auto.losses) == 1
    assert float(auto.losses[0]) == pytest.approx(expected, rel=1e-5)


def test_sparse_regularizes_only_the_latent_layer(tasks, keras):
    encoder, decoder, auto = tasks[1].autoencoder(100, [64, 32], 8, 1e-3)
    for layer in leaf_layers(auto):
        latent = layer is leaf_layers(encoder)[-1]
        assert (layer.activity_regularizer is not None) == latent, layer.name
        assert layer.kernel_regularizer is None
        assert layer.bias_regularizer is None


@pytest.mark.parametrize("number", [0, 1])
def test_one_training_step_is_finite_and_lowers_the_loss(tasks, keras, number):
    *_, auto = build(tasks, number, (100, [64, 32], 8))
    x = np.random.default_rng(4).random((64, 100), dtype="float32")
    before = auto.evaluate(x, x, verbose=0)
    auto.fit(x, x, epochs=3, batch_size=64, verbose=0)
    after = auto.evaluate(x, x, verbose=0)
    assert np.isfinite(after) and after < before
    assert all(np.isfinite(w).all() for w in auto.get_weights())
