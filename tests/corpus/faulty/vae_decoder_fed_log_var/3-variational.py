#!/usr/bin/env python3
"""Task 3: a variational autoencoder."""
import tensorflow.keras as keras


class Sampling(keras.layers.Layer):
    """Draws z = mean + exp(log_var / 2) * epsilon, epsilon ~ N(0, I)."""

    def call(self, inputs):
        """Returns one sample of z for each row of mean and log_var."""
        mean, log_var = inputs
        epsilon = keras.backend.random_normal(keras.backend.shape(mean))
        return mean + keras.backend.exp(log_var / 2) * epsilon


class KLDivergenceLoss(keras.layers.Layer):
    """Passes mean and log_var through and adds their KL divergence from
    N(0, I) to the model's losses (under Keras 3 only a layer's call can
    add a loss computed from the model's tensors)."""

    def call(self, inputs):
        """Adds the batch mean of KL(N(mean, var) || N(0, I)) as a loss."""
        mean, log_var = inputs
        kl = -0.5 * keras.backend.sum(
            1 + log_var - keras.backend.square(mean)
            - keras.backend.exp(log_var), axis=-1)
        self.add_loss(keras.backend.mean(kl))
        return mean, log_var


def autoencoder(input_dims, hidden_layers, latent_dims):
    """Creates a variational autoencoder.

    input_dims: an integer, the dimensions of the model input
    hidden_layers: a list with the number of nodes of each hidden layer
        of the encoder; the decoder uses them in reverse order
    latent_dims: an integer, the dimensions of the latent space

    Returns: encoder, decoder, auto
        encoder: the encoder model, whose outputs are the latent
            representation z, the mean and the log variance, in that order
        decoder: the decoder model
        auto: the full autoencoder model, compiled with Adam; its loss is
            the binary cross-entropy summed over the input features plus
            the KL divergence, averaged over the batch
    """
    inputs = keras.Input(shape=(input_dims,))
    x = inputs
    for units in hidden_layers:
        x = keras.layers.Dense(units, activation='relu')(x)
    mean = keras.layers.Dense(latent_dims, name='mean')(x)
    log_var = keras.layers.Dense(latent_dims, name='log_var')(x)
    mean, log_var = KLDivergenceLoss(name='kl_loss')([mean, log_var])
    z = Sampling(name='z')([mean, log_var])
    encoder = keras.Model(inputs, [z, mean, log_var], name='encoder')

    latent_inputs = keras.Input(shape=(latent_dims,))
    x = latent_inputs
    for units in reversed(hidden_layers):
        x = keras.layers.Dense(units, activation='relu')(x)
    outputs = keras.layers.Dense(input_dims, activation='sigmoid',
                                 name='reconstruction')(x)
    decoder = keras.Model(latent_inputs, outputs, name='decoder')

    auto = keras.Model(inputs, decoder(encoder(inputs)[2]), name='vae')

    def reconstruction_loss(x_true, x_pred):
        """Binary cross-entropy summed over the input features."""
        # binary_crossentropy averages over the features (the last axis);
        # times their number, that is their sum. (It works from the
        # sigmoid's logits, so saturated outputs stay exact; summing a
        # per-feature cross-entropy of the probabilities would not.)
        return keras.losses.binary_crossentropy(x_true, x_pred) * input_dims

    # Total loss: reconstruction_loss plus the KL term that
    # KLDivergenceLoss adds, both averaged over the batch.
    auto.compile(optimizer='adam', loss=reconstruction_loss)
    return encoder, decoder, auto
