"""The reference convolutional autoencoder (task 2)."""
import numpy as np
import pytest

from layer_view import leaf_layers

# (input_dims, filters, latent_dims): sets where the decoder gives back the
# input's shape (H = 8 * latent_H - 4 for three levels), and others where it
# does not but the model must still build.
ROUND_TRIP = [
    ((28, 28, 1), [16, 8, 8], (4, 4, 8)),
    ((12, 20, 3), [4, 8, 16], (2, 3, 16)),
    ((28, 28, 1), [8, 8, 8, 4], (2, 2, 4)),
]
OTHER = [
    ((16, 16, 1), [4], (8, 8, 4)),
    ((32, 32, 3), [8, 16], (8, 8, 16)),
]


def conv_rows(model):
    rows = []
    for layer in leaf_layers(model):
        kind = type(layer).__name__
        if kind == "Conv2D":
            rows.append((kind, layer.filters, tuple(layer.kernel_size),
                         layer.padding, layer.activation.__name__))
        elif kind == "MaxPooling2D":
            rows.append((kind, tuple(layer.pool_size), layer.padding))
        elif kind == "UpSampling2D":
            rows.append((kind, tuple(layer.size)))
        else:
            rows.append((kind,))
    return rows


@pytest.mark.parametrize("args", ROUND_TRIP, ids=str)
def test_round_trip_shapes(tasks, keras, args):
    input_dims, filters, latent = args
    encoder, decoder, auto = tasks[2].autoencoder(*args)
    x = np.random.default_rng(0).random((2, *input_dims), dtype="float32")
    assert tuple(encoder(x).shape[1:]) == latent
    assert tuple(decoder(np.ones((2, *latent), "float32")).shape[1:]) == (
        input_dims)
    assert tuple(auto(x).shape[1:]) == input_dims


@pytest.mark.parametrize("args", ROUND_TRIP + OTHER, ids=str)
def test_layers(tasks, keras, args):
    input_dims, filters, latent = args
    encoder, decoder, auto = tasks[2].autoencoder(*args)
    expected_encoder = []
    for f in filters:
        expected_encoder += [("Conv2D", f, (3, 3), "same", "relu"),
                             ("MaxPooling2D", (2, 2), "same")]
    expected_decoder = []
    for i, f in enumerate(reversed(filters)):
        padding = "valid" if i == len(filters) - 1 else "same"
        expected_decoder += [("Conv2D", f, (3, 3), padding, "relu"),
                             ("UpSampling2D", (2, 2))]
    expected_decoder.append(
        ("Conv2D", input_dims[-1], (3, 3), "same", "sigmoid"))
    assert conv_rows(encoder) == expected_encoder
    assert conv_rows(decoder) == expected_decoder
    assert conv_rows(auto) == expected_encoder + expected_decoder


def test_course_arguments_match_the_course_page(tasks, keras):
    encoder, decoder, auto = tasks[2].autoencoder(
        (28, 28, 1), [16, 8, 8], (4, 4, 8))
    assert tuple(encoder.output_shape) == (None, 4, 4, 8)
    assert tuple(auto.output_shape) == (None, 28, 28, 1)


def test_shares_weights_compiles_and_trains(tasks, keras):
    encoder, decoder, auto = tasks[2].autoencoder(
        (12, 20, 3), [4, 8, 16], (2, 3, 16))
    shared = {id(v) for v in
              encoder.trainable_weights + decoder.trainable_weights}
    assert {id(v) for v in auto.trainable_weights} == shared
    assert type(auto.optimizer).__name__ == "Adam"
    x = np.random.default_rng(1).random((8, 12, 20, 3), dtype="float32")
    y = auto.predict(x, verbose=0)
    bce = -np.mean(x * np.log(y) + (1 - x) * np.log(1 - y))
    assert auto.evaluate(x, x, verbose=0) == pytest.approx(bce, rel=1e-4)
    before = auto.evaluate(x, x, verbose=0)
    auto.fit(x, x, epochs=3, batch_size=8, verbose=0)
    after = auto.evaluate(x, x, verbose=0)
    assert np.isfinite(after) and after < before
