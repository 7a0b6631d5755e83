"""The reference variational autoencoder (task 3)."""
import numpy as np
import pytest

from layer_view import describe, leaf_layers

VAE_ARGS = [
    (784, [512], 2),
    (100, [64, 32, 16], 3),
    (30, [], 4),
]


def dense_layers(model):
    return [layer for layer in leaf_layers(model)
            if type(layer).__name__ == "Dense"]


def heads(encoder):
    """The mean and log-variance Dense layers (the last two of the encoder)."""
    *_, mean_layer, log_var_layer = dense_layers(encoder)
    return mean_layer, log_var_layer


def force_log_var(encoder, value):
    """Makes the log-variance layer output ``value`` for every input."""
    _, log_var_layer = heads(encoder)
    kernel, bias = log_var_layer.get_weights()
    log_var_layer.set_weights([np.zeros_like(kernel),
                               np.full_like(bias, value)])


def numpy_loss(x, x_hat, mean, log_var):
    """The task's loss: BCE summed over features + KL, averaged over rows."""
    x_hat = np.clip(x_hat, 1e-7, 1 - 1e-7)
    bce = -np.sum(x * np.log(x_hat) + (1 - x) * np.log(1 - x_hat), axis=1)
    kl = -0.5 * np.sum(1 + log_var - mean ** 2 - np.exp(log_var), axis=1)
    return float(np.mean(bce + kl)), float(np.mean(kl))


@pytest.mark.parametrize("args", VAE_ARGS, ids=str)
def test_shapes_and_output_order(tasks, keras, args):
    input_dims, hidden, latent = args
    encoder, decoder, auto = tasks[3].autoencoder(*args)
    x = np.random.default_rng(0).random((6, input_dims), dtype="float32")
    z, mean, log_var = (t.numpy() for t in encoder(x))
    assert z.shape == mean.shape == log_var.shape == (6, latent)
    mean_layer, log_var_layer = heads(encoder)
    hidden_out = x
    for layer in dense_layers(encoder)[:-2]:
        hidden_out = layer(hidden_out)
    np.testing.assert_allclose(mean, mean_layer(hidden_out), atol=1e-5)
    np.testing.assert_allclose(log_var, log_var_layer(hidden_out), atol=1e-5)
    assert not np.allclose(z, mean)
    assert tuple(decoder(z).shape) == (6, input_dims)
    assert tuple(auto(x).shape) == (6, input_dims)


@pytest.mark.parametrize("args", VAE_ARGS, ids=str)
def test_layers_units_and_activations(tasks, keras, args):
    input_dims, hidden, latent = args
    encoder, decoder, auto = tasks[3].autoencoder(*args)
    assert describe(encoder) == (
        [("Dense", u, "relu") for u in hidden]
        + [("Dense", latent, "linear"), ("Dense", latent, "linear"),
           ("KLDivergenceLoss", None, None), ("Sampling", None, None)])
    assert describe(decoder) == (
        [("Dense", u, "relu") for u in reversed(hidden)]
        + [("Dense", input_dims, "sigmoid")])
    shared = {id(v) for v in
              encoder.trainable_weights + decoder.trainable_weights}
    assert {id(v) for v in auto.trainable_weights} == shared
    assert type(auto.optimizer).__name__ == "Adam"


def test_kl_term_matches_the_formula(tasks, keras):
    encoder, decoder, auto = tasks[3].autoencoder(100, [64], 3)
    x = np.random.default_rng(1).random((32, 100), dtype="float32")
    auto(x)
    _, mean, log_var = (t.numpy() for t in encoder(x))
    _, expected_kl = numpy_loss(x, np.full_like(x, 0.5), mean, log_var)
    assert len(auto.losses) == 1
    # float32 sums of 3 terms per row: equal to ~1e-6 relative.
    assert float(auto.losses[0]) == pytest.approx(expected_kl, rel=1e-5)


@pytest.mark.parametrize("log_var", [-30.0, np.log(0.2)])
def test_total_loss_matches_the_formula(tasks, keras, log_var):
    """Evaluated loss = numpy formula from the model's own outputs.

    With log_var = -30 the sampling noise (std 3e-7) is far below float32
    resolution of the loss, so z = mean and the loss is deterministic. With
    a real variance the reconstruction term depends on the draw; the test
    then compares the mean of 200 evaluations with the formula averaged
    over 200 draws of z made in numpy, within 4 standard errors.
    """
    encoder, decoder, auto = tasks[3].autoencoder(100, [64], 3)
    force_log_var(encoder, log_var)
    x = np.random.default_rng(2).random((64, 100), dtype="float32")
    _, mean, lv = (t.numpy() for t in encoder(x))
    if log_var < -20:
        expected, _ = numpy_loss(x, decoder(mean).numpy(), mean, lv)
        # float32 sums over 100 features: equal to ~1e-5 relative.
        assert auto.evaluate(x, x, batch_size=64, verbose=0) == pytest.approx(
            expected, rel=1e-4)
        return
    rng = np.random.default_rng(3)

    def draw():
        noise = rng.standard_normal(mean.shape).astype("float32")
        decoded = decoder(mean + np.exp(lv / 2) * noise).numpy()
        return numpy_loss(x, decoded, mean, lv)[0]

    draws = [draw() for _ in range(200)]
    losses = [auto.evaluate(x, x, batch_size=64, verbose=0)
              for _ in range(200)]
    se = np.hypot(np.std(draws), np.std(losses)) / np.sqrt(200)
    assert abs(np.mean(losses) - np.mean(draws)) < 4 * se + 1e-4


def test_sampling_spread_is_exp_half_log_var(tasks, keras):
    """z - mean must be N(0, exp(log_var / 2)^2), per sample and dimension.

    log_var = log(0.25) gives std 0.5. With 4096 rows x 2 dims the standard
    error of the sample std is 0.5 / sqrt(2 * 8192) = 0.004, of the sample
    mean 0.0055; the bands are 5 standard errors (the seed is fixed, so the
    verdict is the same on every run).
    """
    encoder, decoder, auto = tasks[3].autoencoder(20, [16], 2)
    force_log_var(encoder, np.log(0.25))
    x = np.random.default_rng(4).random((4096, 20), dtype="float32")
    z, mean, _ = (t.numpy() for t in encoder(x))
    noise = z - mean
    assert abs(noise.std() - 0.5) < 5 * 0.004
    assert abs(noise.mean()) < 5 * 0.0055
    # Independent per row and per dimension: no shared noise vector.
    assert abs(np.corrcoef(noise[:, 0], noise[:, 1])[0, 1]) < 5 / np.sqrt(4096)
    assert noise[:, 0].std() > 0.45 and noise[:, 1].std() > 0.45


def test_one_training_step_stays_finite(tasks, keras):
    encoder, decoder, auto = tasks[3].autoencoder(100, [64], 2)
    x = np.random.default_rng(5).random((64, 100), dtype="float32")
    history = auto.fit(x, x, epochs=2, batch_size=32, verbose=0)
    assert all(np.isfinite(history.history["loss"]))
    assert all(np.isfinite(w).all() for w in auto.get_weights())
