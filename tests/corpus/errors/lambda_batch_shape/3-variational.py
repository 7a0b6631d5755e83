#!/usr/bin/env python3
"""VAE whose epsilon takes its batch size from mean.shape[0]."""
import tensorflow.keras as keras


def sampling(args):
    """Draws z = mean + exp(log_var / 2) * epsilon, epsilon ~ N(0, I)."""
    mean, log_var = args
    shape = (mean.shape[0], mean.shape[1])
    epsilon = keras.backend.random_normal(shape)
    return mean + keras.backend.exp(log_var / 2) * epsilon


class KLDivergence(keras.layers.Layer):
    """Passes mean and log_var through and adds their KL loss term."""

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
    mean = keras.layers.Dense(latent_dims)(x)
    log_var = keras.layers.Dense(latent_dims)(x)
    mean, log_var = KLDivergence()([mean, log_var])
    z = keras.layers.Lambda(sampling)([mean, log_var])
    encoder = keras.Model(inputs, [z, mean, log_var])

    latent_inputs = keras.Input(shape=(latent_dims,))
    x = latent_inputs
    for units in reversed(hidden_layers):
        x = keras.layers.Dense(units, activation='relu')(x)
    outputs = keras.layers.Dense(input_dims, activation='sigmoid')(x)
    decoder = keras.Model(latent_inputs, outputs)

    auto = keras.Model(inputs, decoder(encoder(inputs)[0]))

    def vae_loss(x_true, x_pred):
        """Binary cross-entropy summed over the input features."""
        return keras.losses.binary_crossentropy(x_true, x_pred) * input_dims

    auto.compile(optimizer='adam', loss=vae_loss)
    return encoder, decoder, auto
